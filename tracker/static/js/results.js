// The benchmark result form: in the lists of versions, configurations, languages and metrics,
// show only the options of the benchmark chosen. Without this script the form works the same
// way, with every benchmark's options listed under its name.
(function () {
  "use strict";
  var form = document.querySelector(".result-form");
  if (!form) return;
  var benchmark = form.querySelector("select[name=benchmark]");
  var dependent = form.querySelectorAll("select[data-by-benchmark]");
  if (!benchmark) return;

  function filter(changed) {
    var chosen = benchmark.value;
    dependent.forEach(function (select) {
      var visible = [];
      select.querySelectorAll("optgroup").forEach(function (group) {
        var shown = !chosen || group.getAttribute("data-benchmark") === chosen;
        group.hidden = !shown;
        group.disabled = !shown;
        if (shown) visible.push.apply(visible, group.querySelectorAll("option"));
      });
      if (!changed) return;
      // A choice of another benchmark no longer applies; a single option is the answer.
      var selected = select.options[select.selectedIndex];
      if (selected && selected.parentNode.tagName === "OPTGROUP" && selected.parentNode.disabled) {
        select.value = "";
      }
      // (Selected as the option itself: another benchmark's option of the same value is
      // hidden and disabled, and a disabled option is not sent.)
      if (chosen && visible.length === 1 && select.name !== "configuration") {
        visible[0].selected = true;
      }
    });
  }

  benchmark.addEventListener("change", function () { filter(true); });
  filter(false);
})();
