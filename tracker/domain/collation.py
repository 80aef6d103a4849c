"""Alphabetical order as a reader of each language expects it: English names by their letters,
Chinese names by their pinyin (the order of Chinese dictionaries and indexes), which code
points do not give (蓝 U+84DD would come after 星 U+661F, though lán comes before xīng)."""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin

from tracker.domain.languages import ZH, Language


def sort_key(name: str, language: Language) -> tuple[str, str]:
    """A key that sorts names alphabetically for readers of ``language``; ties (two names
    read alike) by the name itself, so that the order is total."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    if language is ZH:
        # Tone numbers after each syllable: lán (lan2) before làn (lan4), as dictionaries do.
        spelled = " ".join(lazy_pinyin(folded, style=Style.TONE3, neutral_tone_with_five=True))
        return spelled, folded
    return folded, folded
