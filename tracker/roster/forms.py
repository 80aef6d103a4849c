"""The company form used by administrators."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp


class CompanyForm(FlaskForm):
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
        description=_l("Appears in the company's public address, e.g. /companies/lanshan-ai."),
    )
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=200)])
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=200)])
    website = URLField(
        _l("Website"), validators=[Optional(), Length(max=500), URL(require_tld=False)]
    )
    is_signatory = BooleanField(_l("Signatory of the commitments"))
    signatory_since = DateField(_l("Signed on"), validators=[Optional()])
    signatory_source = TextAreaField(
        _l("Source"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Where the signature is documented: a press release, a list, a letter."),
    )
    signatory_confirmed = BooleanField(_l("Confirmed: show as a signatory on the public pages"))

    def validate_signatory_confirmed(self, field) -> None:
        from wtforms.validators import ValidationError

        if field.data and not self.is_signatory.data:
            raise ValidationError(_l("Only a signatory can be confirmed."))
        if field.data and not (self.signatory_source.data or "").strip():
            raise ValidationError(_l("Give the source before confirming."))

    def validate_website(self, field) -> None:
        from wtforms.validators import ValidationError

        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Use an address starting with https:// or http://."))
