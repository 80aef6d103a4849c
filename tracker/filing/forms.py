"""The answer form of one checklist item, built for that item (its statuses and fields), and
the fields of a benchmark result's form."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from tracker.benchmarks.labels import GRADER_LABELS, RELATIONSHIP_LABELS, SUBJECT_LABELS
from tracker.domain.answers import Answer, Link
from tracker.domain.benchmarks import Benchmark, Metric, Registry, ScaleKind
from tracker.domain.checklist import Item
from tracker.domain.languages import CODES, EN, ZH, Text
from tracker.domain.results import Grader, Result
from tracker.domain.statuses import Status
from tracker.labels import STATUS_LABELS
from tracker.params import parse_int


class LinkForm(Form):
    url = StringField(_l("Address (https://…)"), render_kw={"inputmode": "url"})
    title = StringField(_l("Title"))


class AnswerForm(FlaskForm):
    """Fields common to every item; ``for_item`` adds the item's own choices and fields."""

    version = HiddenField()
    status = RadioField(_l("Status"), validators=[Optional()], validate_choice=False)
    not_applicable_reason = TextAreaField(_l("Why it does not apply"))
    narrative = TextAreaField(_l("Public narrative (Markdown)"))
    # "" leaves the language to detection from the text (tracker.domain.text_language).
    narrative_language = SelectField(
        _l("Language of the narrative"),
        choices=[
            SelectChoice("", _l("Detect from the text")),
            SelectChoice(EN.html, _l("English")),
            SelectChoice(ZH.html, _l("Chinese")),
        ],
        validate_choice=False,
        default="",
    )
    narrative_translation = TextAreaField(_l("The narrative in the other language (optional)"))
    confidential_note = TextAreaField(_l("Confidential note for alliance staff"))
    links = FieldList(FormField(LinkForm), min_entries=1, max_entries=50)

    @classmethod
    def for_item(cls, item: Item, **kwargs) -> "AnswerForm":
        """A form class with a multi-select per structured field of the item, instantiated."""

        class ItemAnswerForm(AnswerForm):
            pass

        for spec in item.fields:
            # Rendered as checkboxes by the template; the options are checked by the domain.
            setattr(
                ItemAnswerForm,
                f"field_{spec.id}",
                SelectMultipleField(spec.label.en, validate_choice=False),
            )
            if spec.allow_other:
                setattr(
                    ItemAnswerForm, f"other_{spec.id}", TextAreaField(_l("Others, one per line"))
                )
        form = ItemAnswerForm(prefix=item.id.replace(".", "-"), **kwargs)
        form.status.choices = [SelectChoice(s.value, STATUS_LABELS[s]) for s in item.statuses]
        form.item = item
        return form

    def expected_version(self) -> int | None:
        """The version of the answer the editor loaded; None when it had none. A value that is
        not a whole number in range is a BadParameter (the view shows the form again)."""
        value = (self.version.data or "").strip()
        return parse_int("version", value, 1) if value else None

    def answer(self) -> Answer:
        """What was typed, as a domain Answer (unknown statuses are kept for the check)."""
        status = self.status.data or None
        try:
            status = Status(status) if status else None
        except ValueError:
            status = _UnknownStatus(status)
        links = [
            Link(url=(entry.url.data or "").strip(), title=(entry.title.data or "").strip())
            for entry in self.links
            if (entry.url.data or "").strip()
        ]
        structured = {}
        for spec in self.item.fields:
            selected = list(getattr(self, f"field_{spec.id}").data or [])
            other_field = getattr(self, f"other_{spec.id}", None)
            others = (
                [line.strip() for line in (other_field.data or "").splitlines() if line.strip()]
                if other_field is not None
                else []
            )
            structured[spec.id] = {"selected": selected, "other": others}
        return Answer(
            status=status,
            not_applicable_reason=self.not_applicable_reason.data or "",
            narrative=self.narrative.data or "",
            confidential_note=self.confidential_note.data or "",
            narrative_language=(self.narrative_language.data or "").strip(),
            narrative_translation=self.narrative_translation.data or "",
            links=links,
            structured=structured,
        )


class _UnknownStatus(str):
    """A status the form sent that is not a Status at all: refused like a disallowed one."""


class UploadForm(FlaskForm):
    file = FileField(_l("Add a file"), validators=[FileRequired()])


def fill_from_response(form: AnswerForm, response, link_rows: int = 1) -> None:
    """Put a stored answer into a fresh form (for GET), with empty rows for new links."""
    form.version.data = str(response.version) if response is not None else ""
    if response is None:
        if link_rows == 0:
            form.links.pop_entry()
        return
    form.status.data = response.status.value if response.status else None
    form.not_applicable_reason.data = response.not_applicable_reason or ""
    form.narrative.data = response.narrative or ""
    form.narrative_language.data = response.narrative_language or ""
    form.narrative_translation.data = response.narrative_translation or ""
    form.confidential_note.data = response.confidential_note or ""
    while len(form.links.entries):
        form.links.pop_entry()
    for link in response.evidence_links or []:
        form.links.append_entry({"url": link.get("url", ""), "title": link.get("title", "")})
    for _row in range(link_rows):
        form.links.append_entry()
    for spec in form.item.fields:
        value = (response.structured or {}).get(spec.id, {})
        getattr(form, f"field_{spec.id}").data = value.get("selected", [])
        other = getattr(form, f"other_{spec.id}", None)
        if other is not None:
            other.data = "\n".join(value.get("other", []))


# --- a benchmark result -------------------------------------------------------------------------
#
# The result form is rendered field by field (templates/filing/result_form.html) and read from
# the request as typed text: tracker.domain.results checks it against the registry, so what a
# form can send and what an import can send are checked the same way. The CSRF token is checked
# for every POST by CSRFProtect.


@dataclass(frozen=True)
class ResultField:
    name: str  # the Result attribute and the form field's name
    label: Any  # a lazy translation (lazy_gettext), rendered in the reader's language
    help: Any
    kind: str = "text"  # text, long (a textarea), number, count, date, url, select, choice


# Grouped as a reader asks about a number: what was run, the number, on what, under which
# conditions, how it was graded, by whom; the confidential note last.
RESULT_GROUPS: tuple[tuple[Any, tuple[ResultField, ...]], ...] = (
    (
        _l("What was run"),
        (
            ResultField(
                "benchmark",
                _l("Benchmark"),
                _l("The benchmark as the registry names it. Missing one? Ask the alliance."),
                "select",
            ),
            ResultField(
                "version",
                _l("Version"),
                _l(
                    "The version or release of the benchmark that was run: numbers of "
                    "different versions are not comparable."
                ),
                "select",
            ),
            ResultField(
                "configuration",
                _l("Configuration"),
                _l(
                    "The prompt set, split or setup that was run, when the benchmark has "
                    "more than one."
                ),
                "select",
            ),
            ResultField(
                "language",
                _l("Language"),
                _l("The language of the prompts."),
                "select",
            ),
        ),
    ),
    (
        _l("The number"),
        (
            ResultField(
                "metric",
                _l("Metric"),
                _l("What the number measures, as the benchmark defines it."),
                "select",
            ),
            ResultField(
                "value",
                _l("Value"),
                _l(
                    "The number in the metric's unit (12.5 for 12.5%), or for a graded "
                    "metric one of its grades."
                ),
                "number",
            ),
            ResultField(
                "uncertainty",
                _l("Uncertainty (±)"),
                _l(
                    "Half the width of the 95 percent confidence interval, in the metric's unit, "
                    "where known."
                ),
                "number",
            ),
            ResultField(
                "sample_size",
                _l("Sample size"),
                _l("How many prompts or items were scored, where known."),
                "count",
            ),
        ),
    ),
    (
        _l("On what"),
        (
            ResultField(
                "model",
                _l("Model"),
                _l("The exact model identifier, as the company names it in its releases."),
            ),
            ResultField(
                "model_version",
                _l("Model version"),
                _l("The model's version, snapshot or release date."),
            ),
            ResultField(
                "subject",
                _l("Subject tested"),
                _l(
                    "The bare model, or the deployed system with its safeguards (system "
                    "prompt, input and output filters, classifiers)."
                ),
                "choice",
            ),
            ResultField(
                "safeguards",
                _l("Safeguards"),
                _l("For a system: what surrounds the model."),
                "long",
            ),
        ),
    ),
    (
        _l("Conditions"),
        (
            ResultField(
                "generation",
                _l("Generation settings"),
                _l("Temperature, maximum tokens, system prompt and other settings."),
                "long",
            ),
            ResultField(
                "attempts",
                _l("Attempts per prompt"),
                _l("How many attempts each prompt had (best of k), where relevant."),
                "count",
            ),
            ResultField(
                "tools",
                _l("Tools"),
                _l("Tools or scaffolding the subject could use, if any."),
                "long",
            ),
            ResultField(
                "attack",
                _l("Attack methods"),
                _l("Jailbreak or attack methods applied to the prompts, where relevant."),
                "long",
            ),
        ),
    ),
    (
        _l("Grading"),
        (
            ResultField(
                "grader",
                _l("Grader"),
                _l("Who or what decided whether each answer was safe."),
                "choice",
            ),
            ResultField(
                "judge_model",
                _l("Judge model"),
                _l("For an LLM judge: the judge model and its version."),
            ),
            ResultField(
                "judge_prompt",
                _l("Judge prompt version"),
                _l("For an LLM judge: the version of the grading prompt."),
            ),
        ),
    ),
    (
        _l("Provenance"),
        (
            ResultField(
                "run_by",
                _l("Run by"),
                _l("The organisation that ran the evaluation."),
            ),
            ResultField(
                "relationship",
                _l("Relationship to the company"),
                _l(
                    "The company itself, an independent third party, or an outside party "
                    "the company commissioned."
                ),
                "choice",
            ),
            ResultField(
                "run_on",
                _l("Date of the run"),
                _l("When the evaluation was run (YYYY-MM-DD)."),
                "date",
            ),
            ResultField(
                "harness",
                _l("Harness"),
                _l("The evaluation software used, e.g. the benchmark's own code or HELM."),
            ),
            ResultField(
                "harness_version",
                _l("Harness version"),
                _l("The version or commit of that software."),
            ),
            ResultField(
                "results_url",
                _l("Link to results or logs"),
                _l("A public page with the results or the logs (https://…)."),
                "url",
            ),
        ),
    ),
    (
        _l("Confidential note"),
        (
            ResultField(
                "confidential_note",
                _l("Confidential note for alliance staff"),
                _l("Only alliance staff read this. Never published."),
                "long",
            ),
        ),
    ),
)
RESULT_FIELDS = {f.name: f for _legend, group in RESULT_GROUPS for f in group}
# The fields of a result taking a long text (tracker.domain.results.ResultLimits.long_text).
LONG_RESULT_FIELDS = frozenset(f.name for f in RESULT_FIELDS.values() if f.kind == "long")
BREAKDOWN_LABEL = _l("Breakdown by category")
BREAKDOWN_HELP = _l(
    "Optional: the value per category (e.g. per hazard), in the metric's unit. Leave a row "
    "empty to skip it."
)
# The names pages give these values, the rules' with what they cover (the form asks for it).
SUBJECT_CHOICES = SUBJECT_LABELS
GRADER_CHOICES = {
    **GRADER_LABELS,
    Grader.RULES.value: _l("Rules (string matching, fixed classifiers, exact answers)"),
}
RELATIONSHIP_CHOICES = RELATIONSHIP_LABELS
RESULT_CHOICES = {
    "subject": SUBJECT_CHOICES,
    "grader": GRADER_CHOICES,
    "relationship": RELATIONSHIP_CHOICES,
}
# More rows than the domain allows are read (so that it can say so), not without bound.
MAX_BREAKDOWN_ROWS = 200
_BREAKDOWN_NAME = re.compile(r"^breakdown-(\d{1,4})-(name|value)$")


def typed_result(form: Mapping[str, str]) -> dict[str, Any]:
    """What the result form sent, as text per field and breakdown rows in order; fields not
    sent are empty. Kept as typed, to be shown again, and read by result_from_form."""
    typed: dict[str, Any] = {name: str(form.get(name, "")) for name in RESULT_FIELDS}
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = _BREAKDOWN_NAME.match(key)
        if match and len(rows) < MAX_BREAKDOWN_ROWS:
            rows.setdefault(int(match[1]), {"name": "", "value": ""})[match[2]] = str(form[key])
    typed["breakdown"] = [rows[n] for n in sorted(rows)]
    return typed


def _number_text(value: float | int | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def typed_from(result: Result) -> dict[str, Any]:
    """A stored result as the form shows it (numbers as plain text)."""
    typed: dict[str, Any] = {}
    for name in RESULT_FIELDS:
        value = getattr(result, name)
        typed[name] = (
            _number_text(value)
            if RESULT_FIELDS[name].kind in ("number", "count")
            else str(value or "")
        )
    typed["breakdown"] = [
        {"name": c.name, "value": _number_text(c.value)} for c in result.breakdown
    ]
    return typed


def parse_answer_version(raw: str | None) -> int | None:
    """The answer version a result form was loaded with (None: the item had no answer yet); a
    value that is not a whole number in range is a BadParameter."""
    value = (raw or "").strip()
    return parse_int("answer_version", value, 1) if value else None


@dataclass(frozen=True)
class OptionGroup:
    """The options of one benchmark in a select of versions, configurations, languages or
    metrics (an ``<optgroup>``, which the page's script shows for the chosen benchmark only)."""

    benchmark: str
    label: str
    options: tuple[tuple[str, str], ...]  # (value, label)


def language_name(tag: str, locale: str) -> str:
    """A BCP 47 tag's language in the reader's language ("zh" -> "Chinese"/"中文"), with the
    tag; the tag alone when Babel does not know it."""
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(locale)
    except (ValueError, UnknownLocaleError):
        return tag
    return f"{name} ({tag})" if name else tag


def metric_label(metric: Metric, localized: Callable[[Text], str]) -> str:
    """A metric's name with its unit or scale and direction, for the select."""
    if metric.kind is ScaleKind.GRADES:
        scale = " / ".join(localized(level.name) for level in metric.levels)
    else:
        bounds = (
            f"{_number_text(metric.minimum)}–{_number_text(metric.maximum)}"
            if metric.minimum is not None and metric.maximum is not None
            else ""
        )
        scale = " ".join(part for part in (bounds, metric.unit) if part)
    direction = _("lower is better") if metric.lower_is_better else _("higher is better")
    details = (
        _("%(scale)s, %(direction)s", scale=scale, direction=direction) if scale else direction
    )
    return _("%(name)s (%(details)s)", name=localized(metric.name), details=details)


def registry_choices(
    registry: Registry, locale: str, localized: Callable[[Text], str]
) -> dict[str, Any]:
    """The options of the result form's selects, from the registry: benchmarks, then per
    benchmark its versions, configurations, languages and metrics; and every grade of every
    graded metric (suggested for the value)."""
    benchmarks = sorted(registry.benchmarks, key=lambda b: localized(b.name).casefold())

    def groups(options: Callable[[Benchmark], list[tuple[str, str]]]) -> list[OptionGroup]:
        return [
            OptionGroup(b.id, localized(b.name), tuple(options(b)))
            for b in benchmarks
            if options(b)
        ]

    return {
        "benchmark": [(b.id, localized(b.name)) for b in benchmarks],
        "version": groups(
            lambda b: [
                (v.id, f"{v.id} ({v.released})" if v.released not in ("", v.id) else v.id)
                for v in b.versions
            ]
        ),
        "configuration": groups(lambda b: [(c.id, localized(c.name)) for c in b.configurations]),
        # A benchmark whose languages the registry does not know takes the app's two.
        "language": groups(
            lambda b: [(tag, language_name(tag, locale)) for tag in b.languages or CODES]
        ),
        "metric": groups(lambda b: [(m.id, metric_label(m, localized)) for m in b.metrics]),
        "grades": [
            (level.id, f"{localized(b.name)} · {localized(m.name)}: {localized(level.name)}")
            for b in benchmarks
            for m in b.metrics
            for level in m.levels
        ],
    }


def init_app(app: Flask) -> None:
    """The result form's fields and choice labels, for every page that shows a result (the
    officer's, and staff's review), and numbers as a result holds them."""
    app.jinja_env.globals.update(
        RESULT_FORM_GROUPS=RESULT_GROUPS,
        RESULT_FORM_CHOICES=RESULT_CHOICES,
        RESULT_BREAKDOWN_LABEL=BREAKDOWN_LABEL,
    )
    app.jinja_env.filters["result_number"] = _number_text
