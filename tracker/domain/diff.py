"""Word-level differences between two versions of a text, for the history of an answer."""

import difflib
import re
from dataclasses import dataclass

# Words and the spaces between them for Latin text; single characters for Chinese, which has
# no spaces, so that a changed phrase shows as just that phrase.
_CJK = "\u3000-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Chunk:
    kind: str  # "same", "added" or "removed"
    text: str


def text_diff(before: str, after: str) -> list[Chunk]:
    """The changes from ``before`` to ``after`` as runs of same, removed and added text."""
    a, b = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    chunks: list[Chunk] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            chunks.append(Chunk("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            chunks.append(Chunk("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            chunks.append(Chunk("added", "".join(b[j1:j2])))
    return chunks
