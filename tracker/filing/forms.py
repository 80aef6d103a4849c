"""The answer form of one checklist item, built for that item (its statuses and fields)."""

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
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from tracker.domain.answers import Answer, Link
from tracker.domain.checklist import Item
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
    form.confidential_note.data = response.confidential_note or ""
    while len(form.links.entries):
        form.links.pop_entry()
    for link in response.evidence_links or []:
        form.links.append_entry({"url": link.get("url", ""), "title": link.get("title", "")})
    for _ in range(link_rows):
        form.links.append_entry()
    for spec in form.item.fields:
        value = (response.structured or {}).get(spec.id, {})
        getattr(form, f"field_{spec.id}").data = value.get("selected", [])
        other = getattr(form, f"other_{spec.id}", None)
        if other is not None:
            other.data = "\n".join(value.get("other", []))
