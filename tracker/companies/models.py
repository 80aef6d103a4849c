"""A company that signed, or may sign, the commitments."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import Model, UTCDateTime, utcnow
from tracker.domain.languages import Text


class Company(Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    website: Mapped[str | None] = mapped_column(sa.String(500))
    # Roster: a company is shown as a signatory only once staff confirmed it from a source.
    is_signatory: Mapped[bool] = mapped_column(default=False)
    signatory_since: Mapped[date | None]
    signatory_source: Mapped[str | None] = mapped_column(sa.Text)
    signatory_confirmed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.CheckConstraint(
            "signatory_confirmed = false OR is_signatory = true", name="confirmed_only_if_signatory"
        ),
    )

    @property
    def names(self) -> Text:
        """The company's name in both languages."""
        return Text(en=self.name_en, zh=self.name_zh)

    def name(self, language: object) -> str:
        """The company's name in a language (a Language, code or locale; English unless Chinese)."""
        return self.names.get(language)

    @hybrid_property
    def is_public_signatory(self) -> bool:
        """Shown to the public: a signatory whose membership staff confirmed from a source."""
        return self.is_signatory and self.signatory_confirmed

    @is_public_signatory.inplace.expression
    @classmethod
    def _is_public_signatory_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.is_signatory.is_(True), cls.signatory_confirmed.is_(True))

    def __repr__(self) -> str:
        return f"<Company {self.slug}>"
