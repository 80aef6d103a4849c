"""Whether the fonts a report needs are installed, asked of fontconfig (what WeasyPrint uses).

Without a font for Chinese, WeasyPrint renders every Chinese character as an empty box and says
nothing; a published report in that state would be archived, hashed into the ledger and served
for good. So a report whose text holds Chinese is refused while fontconfig knows no font for it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading
from types import MappingProxyType

from tracker.domain.refusals import Refusal

# The Debian package ./dev installs for the reports (APP_SYSTEM_PACKAGES); its fonts have a bold.
CJK_FONT_PACKAGE = "fonts-noto-cjk"
# CJK ideographs (with extension A and the compatibility block), CJK punctuation, full-width forms.
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


class MissingFont(Refusal):
    """No installed font can draw the report's Chinese text (messages: reports.messages)."""

    code = "reports.missing_font"
    status = 503
    headers = MappingProxyType({"Cache-Control": "no-store"})

    def __init__(self, package: str = CJK_FONT_PACKAGE):
        super().__init__(
            f"no font for Chinese is installed (fontconfig knows none for :lang=zh), so the "
            f"report would show empty boxes: install {package} (apt-get install {package})"
        )
        self.package = package


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


def _fontconfig() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.FcNameParse.restype = ctypes.c_void_p
    lib.FcNameParse.argtypes = [ctypes.c_char_p]
    lib.FcObjectSetBuild.restype = ctypes.c_void_p
    lib.FcFontList.restype = ctypes.POINTER(_FontSet)
    lib.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for destroy in ("FcFontSetDestroy", "FcPatternDestroy", "FcObjectSetDestroy"):
        getattr(lib, destroy).argtypes = [ctypes.c_void_p]
    return lib


def fonts_for(language: str) -> int | None:
    """How many fonts fontconfig knows that cover ``language`` (fontconfig's ``:lang=``);
    None when fontconfig cannot be loaded (then WeasyPrint cannot run either, and says so)."""
    lib = _fontconfig()
    if lib is None:
        return None
    pattern = lib.FcNameParse(f":lang={language}".encode())
    objects = lib.FcObjectSetBuild(b"family", None)
    try:
        found = lib.FcFontList(None, pattern, objects)
        count = found.contents.nfont if found else 0
        if found:
            lib.FcFontSetDestroy(found)
        return count
    finally:
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)


_known_present = threading.Event()  # once a font was found it stays installed for the process


def require_fonts_for(html: str) -> None:
    """Raise MissingFont when ``html`` holds Chinese text and no installed font covers Chinese.
    Asked again on every refusal (a font installed meanwhile is found), once after a success."""
    if _known_present.is_set() or not _CJK.search(html):
        return
    require_chinese_font()


def require_chinese_font() -> None:
    """Raise MissingFont when no installed font covers Chinese: asked before a report is queued
    for the background job too, whose refusal no reader would see (the download would say
    "being prepared" for ever)."""
    if _known_present.is_set():
        return
    if fonts_for("zh") == 0:
        raise MissingFont()
    _known_present.set()
