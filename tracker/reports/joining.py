"""Joining the PDFs of an aggregate's parts (tracker.reports.parts) into one archival PDF.

Each part is a PDF/A-3a document of its own, written by WeasyPrint. The joined file keeps, from
the first part (the cover), the document information, the XMP metadata (with its PDF/A
identification), the output intent, the language, the mark and viewer settings; and from every
part its pages (fonts and images as they are), its structure tree and its named destinations:

- the structure tree: each part's Document element's children become the children of one
  Document element, in page order; the parent tree is renumbered (a page's ``StructParents``
  by its page's place in the whole, a link's ``StructParent`` after every page's), so that
  each marked-content sequence still leads to its element;
- the named destinations: every part's anchors (a section, a company's summary) in one name
  tree, the first part's stand-ins for the sections (which let WeasyPrint keep the contents'
  links) replaced by the sections' own pages;
- the outline: built from WeasyPrint's bookmarks of each part (level, label, position), levels
  going on across parts (a part of company summaries hangs them under "Company summaries").
"""

from __future__ import annotations

import hashlib
import io
import string
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation

# What the joined file takes from the first part's catalogue as it is.
CATALOG_KEYS = ("/Metadata", "/OutputIntents", "/Lang", "/MarkInfo", "/ViewerPreferences")


@dataclass(frozen=True)
class Bookmark:
    """A heading's bookmark in a part: its page there (0-based), level, label and position
    (PDF points from the page's bottom left)."""

    page: int
    level: int
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class PartPdf:
    data: bytes
    bookmarks: Sequence[Bookmark]


def _copy(out: pikepdf.Pdf, obj):
    """``obj`` of a part, in ``out``: an indirect object copied once per part (qpdf keeps the
    copies' map, so what the part's pages already brought along is not copied again)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return Array([_copy(out, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def join(parts: Sequence[PartPdf]) -> bytes:
    """One PDF of ``parts``' pages, in order (see the module's docstring for what it keeps)."""
    sources = [pikepdf.open(io.BytesIO(part.data)) for part in parts]
    total = sum(len(source.pages) for source in sources)
    out = pikepdf.new()
    tree_root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = out.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, K=Array(), P=tree_root)
    )
    tree_root.K = Array([document])
    parent_tree: list[tuple[int, pikepdf.Object]] = []
    names: dict[str, pikepdf.Object] = {}
    first_page = 0
    next_annotation = total
    retagged: set[tuple[int, int]] = set()
    for number, source in enumerate(sources):
        pages = len(source.pages)
        with warnings.catch_warnings():
            # pikepdf warns that named destinations are not carried over: they are, below.
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            out.pages.extend(source.pages)
        added = out.pages[first_page : first_page + pages]
        structure = source.Root.StructTreeRoot
        own_document = structure.K[0]
        # The part's Document element gives way to the joined one: its children are copied
        # without their /P (which would bring the part's whole tree along) and given the
        # joined Document as their parent.
        kids = list(own_document.K)
        for kid in kids:
            del kid.P
        for kid in kids:
            copied = out.copy_foreign(kid)
            copied.P = document
            document.K.append(copied)
        renumbered: dict[int, int] = {}
        for page_number, page in enumerate(added):
            page.obj.StructParents = first_page + page_number
            if number:
                _retag_fonts(page.obj, number, retagged)
            # Links: renumbered after every page of the whole, in the parts' order.
            for annotation in page.obj.get("/Annots", Array()):
                if "/StructParent" in annotation:
                    renumbered[int(annotation.StructParent)] = next_annotation
                    annotation.StructParent = next_annotation
                    next_annotation += 1
        nums = structure.ParentTree.Nums
        for index in range(0, len(nums), 2):
            key = int(nums[index])
            joined = first_page + key if key < pages else renumbered.get(key)
            if joined is not None:
                parent_tree.append((joined, _copy(out, nums[index + 1])))
        dests = source.Root.get("/Names", Dictionary()).get("/Dests")
        if dests is not None:
            flat = dests.Names
            for index in range(0, len(flat), 2):
                # The first part's stand-ins come first: a later part's real anchor replaces one.
                names[str(flat[index])] = _copy(out, flat[index + 1])
        first_page += pages
    flat_names = Array()
    for name in sorted(names):
        flat_names.extend([pikepdf.String(name), names[name]])
    out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=flat_names)))
    nums_array = Array()
    for number, value in sorted(parent_tree, key=lambda pair: pair[0]):
        nums_array.extend([pikepdf.Object.parse(str(number).encode()), value])
    tree_root.ParentTree = out.make_indirect(Dictionary(Nums=nums_array))
    tree_root.ParentTreeNextKey = next_annotation
    out.Root.StructTreeRoot = tree_root
    front = sources[0]
    for entry in CATALOG_KEYS:
        if entry in front.Root:
            out.Root[entry] = _copy(out, front.Root[entry])
    if "/Info" in front.trailer:
        out.trailer.Info = _copy(out, front.trailer.Info)
    _outline(out, parts, [len(source.pages) for source in sources])
    buffer = io.BytesIO()
    out.save(
        buffer,
        min_version=str(front.pdf_version),
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=False,
        deterministic_id=True,
    )
    return buffer.getvalue()


def _retag(name: str, part: int) -> str:
    """A font subset's name with a tag of its part's own: each part embeds its own subsets of
    the same fonts under the same tags, and different subsets of one file should not share a
    tag (ISO 32000-1, 9.6.4)."""
    tag, plus, base = name.lstrip("/").partition("+")
    if not plus or len(tag) != 6:
        return name
    digest = hashlib.sha256(f"{tag}:{part}".encode()).digest()
    letters = "".join(string.ascii_uppercase[b % 26] for b in digest[:6])
    return f"/{letters}+{base}"


def _retag_fonts(page: pikepdf.Dictionary, part: int, done: set[tuple[int, int]]) -> None:
    """Give the fonts of a part's page (each once: ``done``) their part's tags."""
    fonts = page.get("/Resources", Dictionary()).get("/Font", Dictionary())
    for _key, font in fonts.items():
        for each in [font, *font.get("/DescendantFonts", Array())]:
            if each.is_indirect:
                if each.objgen in done:
                    continue
                done.add(each.objgen)
            if "/BaseFont" in each:
                each.BaseFont = Name(_retag(str(each.BaseFont), part))
                descriptor = each.get("/FontDescriptor")
                if descriptor is not None:
                    descriptor.FontName = Name(_retag(str(descriptor.FontName), part))


def _outline(out: pikepdf.Pdf, parts: Sequence[PartPdf], pages: list[int]) -> None:
    """The bookmarks of every part as one tree: a heading hangs under the last heading of a
    higher level, in its own part or an earlier one."""
    open_items: list[tuple[int, OutlineItem]] = []  # (level, item), the open branch
    first_page = 0
    with out.open_outline() as outline:
        for part, count in zip(parts, pages, strict=True):
            for mark in part.bookmarks:
                while open_items and open_items[-1][0] >= mark.level:
                    open_items.pop()
                item = OutlineItem(
                    mark.label,
                    first_page + mark.page,
                    PageLocation.XYZ,
                    left=mark.x,
                    top=mark.y,
                    zoom=0,
                )
                siblings = open_items[-1][1].children if open_items else outline.root
                siblings.append(item)
                open_items.append((mark.level, item))
            first_page += count
    out.Root.PageMode = Name.UseOutlines
