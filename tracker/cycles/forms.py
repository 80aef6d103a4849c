"""Forms administrators use to set up a cycle, extend a company's due date and reopen a cycle."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)


class CycleForm(FlaskForm):
    name_en = StringField(
        _l("Name in English"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: 2026 annual disclosure."),
    )
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name in addresses"),
        validators=[
            DataRequired(),
            Length(max=80),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$",
                message=_l("Use lowercase letters, digits and hyphens."),
            ),
        ],
        description=_l("Appears in addresses and in the ledger, e.g. 2026-annual."),
    )
    checklist_version_id = SelectField(
        _l("Checklist version"),
        coerce=int,
        validators=[InputRequired()],
        description=_l("Fixed once the cycle is opened: disclosures are filed against it."),
    )
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    due_on = DateField(_l("Due on"), validators=[InputRequired()])
    closes_on = DateField(
        _l("Closes on"),
        validators=[Optional()],
        description=_l(
            "Optional: after this day nobody can file; leave empty "
            "to accept late disclosures until you close the cycle."
        ),
    )

    def validate_due_on(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The due date cannot be before the opening date."))

    def validate_closes_on(self, field) -> None:
        if self.due_on.data and field.data and field.data < self.due_on.data:
            raise ValidationError(_l("The closing date cannot be before the due date."))


class ExtensionForm(FlaskForm):
    due_on = DateField(_l("New due date"), validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Recorded in the audit trail."),
    )


class ReopenForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the cycle reopened?"),
        validators=[DataRequired(message=_l("Give a reason.")), Length(max=2000)],
        description=_l("Recorded in the cycle's history, with your name."),
    )
