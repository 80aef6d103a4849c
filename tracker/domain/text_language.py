"""Which of the app's two languages a narrative is written in, and which of a narrative's texts
a reader is shown.

A narrative is Markdown written by a company, in Chinese or in English, sometimes with a
version in the other language. The language of the first is recorded when the officer chooses
it in the filing form; when they leave it to the app, and for snapshots published before it
was recorded, it is detected here from the script of the text: Han characters against Latin
letters, after leaving out what is Latin in any language (link addresses, code, HTML tags).

A Chinese narrative often names English things (HarmBench, red team, ISO/IEC 42001), and an
English one seldom holds Chinese: a Han character carries about as much text as three Latin
letters, so the text is Chinese when its Han characters weigh at least as much as its Latin
letters at that rate.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tracker.domain.languages import EN, ZH, Language, language_of

# CJK Unified Ideographs and their extension A, the compatibility ideographs, and the
# supplementary planes' extensions B and beyond.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Latin whatever the language of the text around it: link targets, bare addresses, code spans
# and blocks, HTML tags and entities.
_NOT_PROSE = re.compile(
    r"\]\([^)]*\)"  # [text](target "title"): the target
    r"|<[^>\n]*>"  # <tag …>, <https://…>
    r"|https?://\S+|www\.\S+|mailto:\S+"
    r"|```.*?```|`[^`\n]*`"
    r"|&[A-Za-z]+;|&#\w+;",
    re.DOTALL,
)
HAN_WEIGHT = 3  # Latin letters one Han character counts for


def detect(text: str | None) -> Language | None:
    """The language of ``text`` by its script: ZH when its Han characters weigh at least as
    much as its Latin letters (HAN_WEIGHT), EN when it has Latin letters and fewer Han
    characters, None when it has neither (empty, digits, punctuation only)."""
    prose = _NOT_PROSE.sub(" ", text or "")
    han = len(_HAN.findall(prose))
    latin = len(_LATIN.findall(prose))
    if han == 0 and latin == 0:
        return None
    return ZH if han * HAN_WEIGHT >= latin else EN


def language_tag(value: str | None) -> Language | None:
    """The language a stored tag names (``en``, ``zh-CN``, or anything ``language_of``
    reads), or None for an empty value: the officer left it to detection."""
    return language_of(value) if (value or "").strip() else None


def narrative_language(
    text: str | None, chosen: str | None = None, default: Language = EN
) -> Language:
    """The language a narrative is written in: the officer's choice (a tag) when there is one,
    else detected from the text, else ``default`` (an empty text has no language of its own)."""
    return language_tag(chosen) or detect(text) or default


@dataclass(frozen=True)
class ShownText:
    """One of a narrative's texts, as a reader is shown it."""

    text: str
    language: Language
    is_original: bool  # the company's original text, not its version in the other language

    @property
    def lang(self) -> str:
        """The HTML ``lang`` attribute of the text."""
        return self.language.html

    # Unpacks as (text, lang, is_original): ``text, lang, original = answer.text_for(ZH)``.
    def __iter__(self):
        return iter((self.text, self.lang, self.is_original))


def text_for(
    original: str, original_language: Language, translation: str, reader: Language
) -> ShownText | None:
    """The text a reader of ``reader`` is shown: the version in their language when the
    company wrote one, else the original; None when both are empty. ``translation`` is in the
    other language than ``original_language``."""
    texts = [
        ShownText(original, original_language, True),
        ShownText(translation, original_language.other, False),
    ]
    present = [shown for shown in texts if shown.text.strip()]
    if not present:
        return None
    return next((shown for shown in present if shown.language is reader), present[0])


def other_text(
    original: str, original_language: Language, translation: str, reader: Language
) -> ShownText | None:
    """The text a reader of ``reader`` is *not* shown first (text_for): the original behind the
    version in their language, or the company's version in the other language behind the
    original; None when the narrative has only one text."""
    shown = text_for(original, original_language, translation, reader)
    if shown is None:
        return None
    if shown.is_original:
        return (
            ShownText(translation, original_language.other, False) if translation.strip() else None
        )
    return ShownText(original, original_language, True) if original.strip() else None


def narrative_fields(answer: Mapping | None) -> dict:
    """A snapshot item's ``narrative_language`` (the officer's choice, else detected from the
    text; None when there is no narrative) and ``narrative_translation`` ("" for none), from
    an answer or a snapshot item (a mapping with ``narrative`` and, when recorded,
    ``narrative_language`` and ``narrative_translation``): what publication records, and what
    the open data says of a snapshot published before they were recorded."""
    narrative = ((answer or {}).get("narrative") or "").strip()
    translation = ((answer or {}).get("narrative_translation") or "").strip()
    language = (
        narrative_language(narrative, (answer or {}).get("narrative_language")).html
        if narrative
        else None
    )
    return {
        "narrative_language": language,
        "narrative_translation": ((answer or {}).get("narrative_translation") or "")
        if narrative and translation
        else "",
    }
