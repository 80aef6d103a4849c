"""The upload store: content decides the type, the name must agree, each file is kept once."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from tests.support.files import PNG
from tracker.config import DEFAULTS
from tracker.filing.storage import (
    CHUNK,
    DEFAULT_TYPES,
    KNOWN_TYPES,
    StoredFile,
    UploadProblem,
    UploadRefused,
    clean_filename,
    path_for,
    store_upload,
)
from tracker.storage.local import LocalStore, upload_layout

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def files_in(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).rglob("*") if p.is_file())


def store(
    data: bytes,
    name: str | None,
    directory: Path,
    max_size: int = 1_000_000,
    allowed: tuple[str, ...] = DEFAULT_TYPES,
) -> StoredFile:
    uploads = LocalStore("uploads", directory, upload_layout)
    return store_upload(io.BytesIO(data), name, uploads, max_size, allowed)


def refusal(data: bytes, name: str | None, directory: Path, **kwargs) -> UploadRefused:
    with pytest.raises(UploadRefused) as raised:
        store(data, name, directory, **kwargs)
    return raised.value


def zipped(*entries: tuple[str, str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of (name, text) entries, in that order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"/>'
)


def office_open_xml(part: str, xml: str) -> bytes:
    """A minimal Office Open XML package: its content types, then its main part."""
    return zipped(("[Content_Types].xml", CONTENT_TYPES), (part, '<?xml version="1.0"?>' + xml))


def minimal_docx() -> bytes:
    """A minimal Word document."""
    return office_open_xml(
        "word/document.xml",
        '<w:document xmlns:w="http://schemas.openxmlformats'
        '.org/wordprocessingml/2006/main"><w:body/></w:document>',
    )


def open_document(mime_type: str) -> bytes:
    """A minimal OpenDocument file: its ``mimetype`` entry first and uncompressed, as the
    format requires, then its content."""
    return zipped(
        ("mimetype", mime_type),
        (
            "content.xml",
            '<?xml version="1.0"?><office:document-content xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3"/>',
        ),
        compression=zipfile.ZIP_STORED,
    )


def image(image_format: str) -> bytes:
    """A 2×2 white image written by Pillow in ``image_format`` (also "PDF": a one-page PDF)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, image_format)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    import weasyprint

    return weasyprint.HTML(string="<p>hi</p>").write_pdf()


# --- storing ----------------------------------------------------------------------------------


def test_a_png_is_stored_under_its_sha256(tmp_path):
    stored = store(PNG, "chart.png", tmp_path)
    sha = hashlib.sha256(PNG).hexdigest()
    assert stored == StoredFile(
        sha256=sha, size=len(PNG), file_type="png", content_type="image/png", filename="chart.png"
    )
    target = path_for(tmp_path, sha)
    assert target == tmp_path / sha[:2] / sha[2:4] / sha
    assert target.read_bytes() == PNG
    assert files_in(tmp_path) == [target]


def test_the_same_bytes_are_stored_once(tmp_path):
    first = store(PNG, "chart.png", tmp_path)
    second = store(PNG, "another name.png", tmp_path)
    assert first.sha256 == second.sha256
    assert second.filename == "another name.png"
    assert files_in(tmp_path) == [path_for(tmp_path, first.sha256)]


def test_a_large_file_is_streamed_in_chunks(tmp_path):
    data = PNG + bytes(3 * CHUNK + 17)
    stored = store(data, "big.png", tmp_path, max_size=len(data))
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert path_for(tmp_path, stored.sha256).read_bytes() == data


@pytest.mark.parametrize("extra", [1, CHUNK * 2])
def test_too_large_leaves_nothing_behind(tmp_path, extra):
    data = PNG + bytes(CHUNK + extra)
    assert (
        refusal(data, "big.png", tmp_path, max_size=len(data) - extra).reason
        is UploadProblem.TOO_LARGE
    )
    assert files_in(tmp_path) == []
    assert not any((tmp_path / "incoming").iterdir())


def test_exactly_max_size_is_accepted(tmp_path):
    assert store(PNG, "chart.png", tmp_path, max_size=len(PNG)).size == len(PNG)


def test_empty(tmp_path):
    assert refusal(b"", "chart.png", tmp_path).reason is UploadProblem.EMPTY
    assert files_in(tmp_path) == []


@pytest.mark.parametrize(
    ("data", "name", "detected"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "page.html", None),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "report.pdf", None),
        (b"MZ" + bytes(200), "setup.exe", "exe"),
        (b"MZ" + bytes(200), "report.pdf", "exe"),
        (b"just some text\n", "notes.txt", None),
        (b"PK\x03\x04" + bytes(100), "archive.zip", "zip"),
    ],
)
def test_types_that_are_not_allowed(tmp_path, data, name, detected):
    refused = refusal(data, name, tmp_path)
    assert refused.reason is UploadProblem.TYPE_NOT_ALLOWED
    assert refused.detected == detected
    assert files_in(tmp_path) == []


def test_a_known_type_outside_the_allowed_list(tmp_path):
    refused = refusal(PNG, "chart.png", tmp_path, allowed=("pdf",))
    assert (refused.reason, refused.detected) == (UploadProblem.TYPE_NOT_ALLOWED, "png")
    assert files_in(tmp_path) == []


def test_a_pdf_named_png(tmp_path, pdf):
    refused = refusal(pdf, "report.png", tmp_path)
    assert (refused.reason, refused.detected) == (UploadProblem.NAME_MISMATCH, "pdf")
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("name", ["chart.PDF", "chart", "chart.png.exe", None])
def test_a_png_whose_name_disagrees(tmp_path, name):
    refused = refusal(PNG, name, tmp_path)
    assert (refused.reason, refused.detected) == (UploadProblem.NAME_MISMATCH, "png")
    assert files_in(tmp_path) == []


def test_the_extension_is_case_insensitive(tmp_path):
    assert store(PNG, "CHART.PNG", tmp_path).filename == "CHART.PNG"


def test_a_minimal_docx(tmp_path):
    data = minimal_docx()
    stored = store(data, "x.docx", tmp_path)
    assert (stored.file_type, stored.content_type) == ("docx", DOCX_TYPE)
    assert path_for(tmp_path, stored.sha256).read_bytes() == data
    assert refusal(data, "x.pdf", tmp_path).reason is UploadProblem.NAME_MISMATCH


def test_a_real_pdf(tmp_path, pdf):
    stored = store(pdf, "报告.pdf", tmp_path)
    assert (stored.file_type, stored.content_type, stored.filename) == (
        "pdf",
        "application/pdf",
        "报告.pdf",
    )
    assert path_for(tmp_path, stored.sha256).read_bytes() == pdf


# What companies may attach by default, written out by hand: kind -> (the MIME type the file is
# served with, the extensions its name may have, a real small file of the kind).
OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"
ACCEPTED = {
    "pdf": ("application/pdf", {"pdf"}, lambda: image("PDF")),
    "png": ("image/png", {"png"}, lambda: image("PNG")),
    "jpg": ("image/jpeg", {"jpg", "jpeg"}, lambda: image("JPEG")),
    "gif": ("image/gif", {"gif"}, lambda: image("GIF")),
    "webp": ("image/webp", {"webp"}, lambda: image("WEBP")),
    "docx": (f"{OOXML}.wordprocessingml.document", {"docx"}, minimal_docx),
    "xlsx": (
        f"{OOXML}.spreadsheetml.sheet",
        {"xlsx"},
        lambda: office_open_xml(
            "xl/workbook.xml",
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        ),
    ),
    "pptx": (
        f"{OOXML}.presentationml.presentation",
        {"pptx"},
        lambda: office_open_xml(
            "ppt/presentation.xml",
            '<presentation xmlns="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
        ),
    ),
    "odt": (f"{ODF}.text", {"odt"}, lambda: open_document(f"{ODF}.text")),
    "ods": (f"{ODF}.spreadsheet", {"ods"}, lambda: open_document(f"{ODF}.spreadsheet")),
    "odp": (f"{ODF}.presentation", {"odp"}, lambda: open_document(f"{ODF}.presentation")),
}


def test_the_default_attachment_types_are_the_accepted_kinds():
    """The app allows by default exactly the kinds above, and the store knows each one with
    its MIME type and extensions."""
    assert sorted(DEFAULTS["ATTACHMENT_TYPES"]) == sorted(ACCEPTED)
    for kind in DEFAULTS["ATTACHMENT_TYPES"]:
        mime_type, extensions, _ = ACCEPTED[kind]
        assert KNOWN_TYPES.get(kind) == (mime_type, frozenset(extensions)), kind


@pytest.mark.parametrize("kind", list(ACCEPTED))
def test_a_real_file_of_each_accepted_kind_is_stored_under_its_name_only(tmp_path, kind):
    """A small real file of each kind is stored under each right extension (in any case), as
    that kind with its MIME type; under another kind's extension, or .txt, it is refused."""
    mime_type, extensions, make = ACCEPTED[kind]
    data = make()
    allowed = tuple(DEFAULTS["ATTACHMENT_TYPES"])
    for extension in sorted(extensions):
        for name in (f"evidence.{extension}", f"EVIDENCE.{extension.upper()}"):
            stored = store(data, name, tmp_path, allowed=allowed)
            assert (stored.file_type, stored.content_type, stored.filename) == (
                kind,
                mime_type,
                name,
            )
            assert path_for(tmp_path, stored.sha256).read_bytes() == data
    kinds = list(ACCEPTED)
    other = kinds[(kinds.index(kind) + 1) % len(kinds)]  # the next kind's extension
    for wrong in (f"evidence.{sorted(ACCEPTED[other][1])[0]}", "evidence.txt"):
        refused = refusal(data, wrong, tmp_path, allowed=allowed)
        assert (refused.reason, refused.detected) == (UploadProblem.NAME_MISMATCH, kind), wrong
    assert files_in(tmp_path) == [path_for(tmp_path, hashlib.sha256(data).hexdigest())]


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("/var/www/report.pdf", "report.pdf"),
        ("C:\\Users\\me\\Desktop\\report.pdf", "report.pdf"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("rep\x00ort\r\n.pdf", "report.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),  # right-to-left override
        ("报告.pdf", "报告.pdf"),
        ("2024年 安全报告 (终稿).pdf", "2024年 安全报告 (终稿).pdf"),
        ("  report.pdf. ", "report.pdf"),
        ("", "file"),
        (None, "file"),
        ("..", "file"),
        ("dir/", "file"),
        ("\x00\x01", "file"),
    ],
)
def test_clean_filename(name, clean):
    assert clean_filename(name) == clean


def test_long_names_keep_their_extension():
    name = clean_filename("a" * 300 + ".pdf")
    assert len(name) == 200 and name.endswith(".pdf") and name.startswith("a" * 196)
    chinese = clean_filename("报" * 300 + ".docx")
    assert len(chinese) == 200 and chinese.endswith("报.docx")
    no_extension = clean_filename("b" * 300)
    assert no_extension == "b" * 200
    odd_extension = clean_filename("c" * 300 + "." + "d" * 20)  # not an extension: just cut
    assert len(odd_extension) == 200 and odd_extension.startswith("c" * 200)
    assert clean_filename("e" * 200) == "e" * 200
