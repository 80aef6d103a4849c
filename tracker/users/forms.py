"""Forms for inviting and editing users."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from tracker.auth.models import Role
from tracker.params import whole_number

ROLE_LABELS = {
    Role.OFFICER: _l("Compliance officer"),
    Role.STAFF: _l("Alliance staff"),
    Role.ADMIN: _l("Administrator"),
}


def _company_choice(value):
    """A company's id from the form (ASCII digits only), or None for "no company"."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    number = whole_number(value, 1)
    if number is None:
        raise ValueError("not a company id")  # WTForms: "Not a valid choice"
    return number


class UserForm(FlaskForm):
    """Name, role and company; the invitation form adds the e-mail address."""

    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    company = SelectField(
        _l("Company (officers only)"), coerce=_company_choice, validators=[Optional()]
    )

    def set_choices(self, roles: list[Role], companies) -> None:
        self.role.choices = [SelectChoice(r.value, ROLE_LABELS[r]) for r in roles]
        self.company.choices = [SelectChoice("", "—")] + [
            SelectChoice(c.id, c.name_en) for c in companies
        ]


class InviteForm(UserForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
