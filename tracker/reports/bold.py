"""Bold Chinese in the PDFs, where the only Chinese font has no bold face.

The reports' Chinese font (WenQuanYi Micro Hei, Debian's ``fonts-wqy-microhei``) has one
weight. Browsers embolden a font that lacks a bold face; WeasyPrint draws its regular glyphs,
so a bold Chinese heading or ``**加粗**`` in a narrative came out as regular text. Here, text
that asks for bold in a font whose face is not bold is drawn filled *and* stroked with a thin
outline in its own colour (PDF text rendering mode 2), which is how PDF viewers and browsers
embolden. Fonts that have a bold face (DejaVu Sans Bold for Latin) are drawn as before.

``install`` wraps WeasyPrint's ``draw_text``; WeasyPrint's own behaviour is otherwise kept.
"""

from __future__ import annotations

import io
from typing import Any

import weasyprint.draw
from fontTools.ttLib import TTFont

EMBOLDEN = 0.035  # the outline's width, as a share of the font size
BOLD = 600  # CSS weights from here are bold

_real_weights: dict[str, int] = {}


def face_weight(font: Any) -> int:
    """The weight the font file's face is drawn at (OS/2 usWeightClass), read once per font."""
    if font.hash not in _real_weights:
        try:
            face = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
            _real_weights[font.hash] = int(face["OS/2"].usWeightClass)
        except Exception:
            _real_weights[font.hash] = BOLD
    return _real_weights[font.hash]


class _EmboldeningStream:
    """A PDF stream that strokes the glyphs of the runs whose font is not bold itself."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._synthetic = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def add_font(self, pango_font: Any) -> Any:
        font, size = self._stream.add_font(pango_font)
        self._synthetic = font.weight >= BOLD and face_weight(font) < BOLD
        return font, size

    def set_font_size(self, font: Any, size: float) -> None:
        self._stream.set_font_size(font, size)
        if self._synthetic:
            self._stream.set_text_rendering(2)  # fill, then stroke
            self._stream.set_line_width(size * EMBOLDEN)
        else:
            self._stream.set_text_rendering(0)


_draw_text = weasyprint.draw.draw_text


def draw_text(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
    """WeasyPrint's draw_text, with bold text in a face that is not bold emboldened."""
    if textbox.style["font_weight"] < BOLD:
        return _draw_text(stream, textbox, *args, **kwargs)
    stream.push_state()  # the stroke colour, width and rendering mode end with this text
    try:
        stream.set_color(textbox.style["color"], stroke=True)
        return _draw_text(_EmboldeningStream(stream), textbox, *args, **kwargs)
    finally:
        stream.pop_state()


def install() -> None:
    """Draw synthetic bold where a font lacks a bold face (idempotent)."""
    weasyprint.draw.draw_text = draw_text
