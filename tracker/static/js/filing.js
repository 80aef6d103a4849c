// Filing pages: autosave each answer as the officer types, a live Markdown preview, a warning
// before leaving with unsaved changes, and a clear choice when a colleague saved first.
// Without this script every form still works with its Save button.
(function () {
  "use strict";

  var strings = document.getElementById("filing-strings").dataset;
  var DELAY = 1500;
  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-autosave]"));
  var warning = document.querySelector(".unsaved-warning");

  function anyUnsaved() {
    return forms.some(function (form) { return form.dataset.dirty === "1" || form.dataset.saving === "1"; });
  }

  function showState(form, text, kind) {
    var state = form.querySelector(".save-state");
    if (!state) { return; }
    state.textContent = text;
    state.className = "save-state" + (kind ? " save-" + kind : "");
    showWarning(form);
  }

  // The "unsaved" bar is fixed to the bottom of the window: while it shows, the page ends
  // below it (a class on the body pads the end) and the buttons of the form being edited
  // are scrolled out from under it, on a phone as on a desktop.
  function showWarning(form) {
    if (!warning) { return; }
    warning.hidden = !anyUnsaved();
    document.body.classList.toggle("has-unsaved-warning", !warning.hidden);
    if (!warning.hidden) { uncover(form.querySelector(".form-actions")); }
  }

  function uncover(element) {
    if (!element || !warning || warning.hidden) { return; }
    var bar = warning.getBoundingClientRect();
    var box = element.getBoundingClientRect();
    if (box.bottom > bar.top && box.top < bar.bottom) {
      window.scrollBy(0, box.bottom - bar.top + 8);
    }
  }

  function csrf(form) {
    var field = form.querySelector("input[name$='csrf_token']");
    return field ? field.value : "";
  }

  function save(form) {
    clearTimeout(form._timer);
    if (form.dataset.saving === "1") { form.dataset.again = "1"; return; }
    form.dataset.saving = "1";
    form.dataset.dirty = "0";
    showState(form, strings.saving, "busy");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      form.dataset.saving = "0";
      var data = result.data;
      if (result.status === 200) {
        form.querySelector("input[name$='version']").value = data.version;
        var preview = form.querySelector(".narrative[id$='-preview']:not(.translation-preview)");
        if (preview && typeof data.preview === "string") { preview.innerHTML = data.preview; }
        var translated = form.querySelector(".translation-preview");
        if (translated && typeof data.translation_preview === "string") { translated.innerHTML = data.translation_preview; }
        showState(form, strings.saved.replace("{when}", data.saved_at), "ok");
      } else if (result.status === 409 && data.conflict) {
        form.dataset.dirty = "1";
        conflict(form, data);
      } else {
        form.dataset.dirty = "1";
        showState(form, strings.notSaved + " " + (data.errors || []).join(" "), "error");
      }
      if (form.dataset.again === "1") { form.dataset.again = "0"; save(form); }
    }).catch(function () {
      form.dataset.saving = "0";
      form.dataset.dirty = "1";
      showState(form, strings.offline, "error");
      form._timer = setTimeout(function () { save(form); }, 10000);
    });
  }

  function conflict(form, data) {
    var state = form.querySelector(".save-state");
    clearTimeout(form._timer);
    form.dataset.conflict = "1";  // no autosave until the officer chooses
    Array.prototype.forEach.call(form.querySelectorAll(".conflict-choice, .conflict-detail"), function (b) { b.remove(); });
    // The saved version and the word difference from it to what is typed here, rendered by
    // the server as the page without JavaScript shows them (escaped and sanitised there).
    var detail = document.createElement("div");
    detail.className = "conflict-detail";
    detail.innerHTML = data.versions_html || "";
    form.querySelector(".form-actions").after(detail);
    showState(form, strings.conflict.replace("{name}", data.by || "?").replace("{when}", data.at || ""), "error");
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button small conflict-choice";
    keep.textContent = strings.keepMine;
    keep.addEventListener("click", function () {
      form.querySelector("input[name$='version']").value = data.version;
      keep.remove(); reload.remove(); detail.remove();
      form.dataset.conflict = "0";
      save(form);
    });
    var reload = document.createElement("a");
    reload.href = window.location.pathname + "#" + form.closest("article").id;
    reload.className = "button small conflict-choice";
    reload.textContent = strings.takeTheirs;
    reload.addEventListener("click", function (event) {
      event.preventDefault();
      form.dataset.dirty = "0";
      window.location.reload();
    });
    state.after(keep, reload);
    uncover(form.querySelector(".form-actions"));
  }

  function schedule(form) {
    form.dataset.dirty = "1";
    if (form.dataset.conflict === "1") { return; }  // the conflict message stays until resolved
    showState(form, strings.unsaved, "");
    clearTimeout(form._timer);
    form._timer = setTimeout(function () { save(form); }, DELAY);
  }

  function togglReason(form) {
    var field = form.querySelector(".na-reason-field");
    var chosen = form.querySelector("input[type=radio]:checked");
    var textarea = field && field.querySelector("textarea");
    if (!field) { return; }
    field.hidden = !(chosen && chosen.value === "not_applicable") && !(textarea && textarea.value.trim());
  }

  function preview(textarea) {
    var target = document.getElementById(textarea.dataset.preview);
    var form = textarea.form;
    clearTimeout(textarea._preview);
    textarea._preview = setTimeout(function () {
      var body = new FormData();
      body.append("text", textarea.value);
      fetch(document.getElementById("filing-strings").dataset.previewUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf(form) }
      }).then(function (r) { return r.json(); }).then(function (data) {
        target.innerHTML = data.html;  // sanitised on the server, exactly as published
      }).catch(function () {});
    }, 600);
  }

  // Readiness: each item's line says what the submit check would refuse of the answer as
  // typed, with the item's rule from the server (ReadinessRule.as_json in data-rule), and the
  // commitment's count follows. The lines are live regions: they change only when the state
  // does, so a screen reader hears a change of readiness, not every key.
  var readinessTexts = strings.readiness ? JSON.parse(strings.readiness) : {};

  function fieldValue(form, role) {
    var field = form.querySelector("[data-readiness='" + role + "']");
    return field ? field.value : "";
  }

  function readinessOf(form, rule) {
    var chosen = form.querySelector("input[type=radio]:checked");
    var status = chosen ? chosen.value : "";
    if (!status) { return rule.required ? "unanswered" : "optional"; }
    if (rule.reason_for.indexOf(status) >= 0 && !fieldValue(form, "reason").trim()) { return "reason_missing"; }
    if (rule.narrative_for.indexOf(status) >= 0 && !fieldValue(form, "narrative").trim()) { return "narrative_missing"; }
    return "ready";
  }

  function updateReadiness(form) {
    var article = form.closest("article");
    var line = article && article.querySelector(".readiness[data-rule]");
    if (!line) { return; }
    var key = readinessOf(form, JSON.parse(line.dataset.rule));
    if (line.dataset.state !== key) {
      line.dataset.state = key;
      line.textContent = readinessTexts[key] || "";
      var ready = key === "ready" || key === "optional";
      line.classList.toggle("is-ready", ready);
      line.classList.toggle("not-ready", !ready);
    }
    updateProgress();
  }

  function updateProgress() {
    var box = document.getElementById("commitment-progress");
    if (!box) { return; }
    var done = 0, total = 0;
    Array.prototype.forEach.call(document.querySelectorAll(".readiness[data-rule]"), function (line) {
      if (!JSON.parse(line.dataset.rule).required) { return; }
      total += 1;
      if (line.dataset.state === "ready") { done += 1; }
    });
    var text = (total === 1 ? box.dataset.one : box.dataset.other)
      .replace("{done}", done).replace("{total}", total);
    var label = box.querySelector(".progress-text");
    if (label.textContent !== text) { label.textContent = text; }
    var bar = box.querySelector("progress");
    bar.max = total || 1;
    bar.value = total ? done : 1;
  }

  function addLinkRow(form) {
    var rows = form.querySelector(".link-rows");
    var last = rows.lastElementChild;
    var copy = last.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("input"), function (input) {
      input.name = input.name.replace(/-links-(\d+)-/, function (_, n) { return "-links-" + (Number(n) + 1) + "-"; });
      input.value = "";
    });
    rows.appendChild(copy);
    copy.querySelector("input").focus();
  }

  forms.forEach(function (form) {
    form.addEventListener("input", function (event) {
      if (event.target.dataset.preview) { preview(event.target); }
      updateReadiness(form);
      schedule(form);
    });
    // "input" fires for every change, checkboxes and radios included; "change" only decides
    // whether the reason field shows (a text box firing "change" on blur is not a new edit).
    form.addEventListener("change", function () { togglReason(form); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.conflict !== "1") { save(form); }
    });
    togglReason(form);
    updateReadiness(form);
    var rows = form.querySelector(".link-rows");
    if (rows) {
      var add = document.createElement("button");
      add.type = "button";
      add.className = "button small";
      add.textContent = strings.addLink;
      add.addEventListener("click", function () { addLinkRow(form); });
      rows.after(add);
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (anyUnsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
