"""The two languages of the app, and how each is spelled where it is named.

One table, so that nothing else decides what "Chinese" is called:

| where                                   | English | Chinese      |
|-----------------------------------------|---------|--------------|
| addresses, checklist files, report PDFs | ``en``  | ``zh``       |
| the interface locale (Flask-Babel)      | ``en``  | ``zh_CN``    |
| HTML ``lang`` and ``hreflang``          | ``en``  | ``zh-CN``    |

(Babel itself expands ``zh_CN`` to ``zh_Hans_CN``, the name of the catalogue's folder.) Anything
that starts with ``zh`` — ``zh``, ``zh_CN``, ``zh-Hans``, ``zh_Hans_CN`` — means Simplified
Chinese; anything else means English: ``language_of`` is the one place that says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # in addresses, checklist files and bilingual data: "en", "zh"
    locale: str  # the interface locale, as Flask-Babel selects it: "en", "zh_CN"
    html: str  # the HTML lang attribute: "en", "zh-CN"
    name: str  # the language's name in itself, for the language menu

    @property
    def other(self) -> Language:
        """The other language (for a name shown in both)."""
        return ZH if self is EN else EN


EN = Language(code="en", locale="en", html="en", name="English")
ZH = Language(code="zh", locale="zh_CN", html="zh-CN", name="简体中文")
LANGUAGES: tuple[Language, ...] = (EN, ZH)
CODES: tuple[str, ...] = tuple(language.code for language in LANGUAGES)
LOCALES: tuple[str, ...] = tuple(language.locale for language in LANGUAGES)


def language_of(value: object) -> Language:
    """The language a code, locale or language tag means: Chinese for anything starting with
    ``zh`` (in any case, with ``_`` or ``-``), English for anything else, ``None`` included."""
    return ZH if str(value or "").lower().startswith("zh") else EN


def by_code(code: str) -> Language | None:
    """The language with this address code (``en``, ``zh``), or None for any other text."""
    return next((language for language in LANGUAGES if language.code == code), None)


@dataclass(frozen=True)
class Text:
    """A piece of text in English and Simplified Chinese (checklist texts, company and cycle
    names)."""

    en: str
    zh: str

    def get(self, language: object) -> str:
        """The text in a language given as a Language, a code, a locale or a tag; English for
        anything that is not Chinese."""
        chosen = language if isinstance(language, Language) else language_of(language)
        return self.zh if chosen is ZH else self.en

    def as_dict(self) -> dict[str, str]:
        """``{"en": …, "zh": …}``, as in files and open data."""
        return {"en": self.en, "zh": self.zh}
