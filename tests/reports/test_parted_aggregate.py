"""An aggregate rendered in parts and joined (tracker.reports.parts, tracker.reports.joining):
the demo's 13 published companies, five summaries and eight table rows to a part, read back
against the same aggregate rendered in one piece."""

from __future__ import annotations

import io
import re
import subprocess

import pypdf
import pytest
import sqlalchemy as sa

from tracker.companies.models import Company
from tracker.cycles.models import Cycle
from tracker.db import db
from tracker.demo.services import DEMO_CYCLE_SLUG
from tracker.reports import parts
from tracker.reports.rendering import cycle_report_pdf
from tracker.reports.services import cycle_report

PAGE_NUMBER = re.compile(r"(\d+) / (\d+)\s*$")


def render(app, language: str, part_size: int, table_rows: int = 8):
    app.config["REPORT_AGGREGATE_PART_SIZE"] = part_size
    app.config["REPORT_AGGREGATE_TABLE_ROWS"] = table_rows
    with app.test_request_context():
        cycle = db.session.scalars(sa.select(Cycle).filter_by(slug=DEMO_CYCLE_SLUG)).one()
        report = cycle_report(db.session, cycle)
        names = [getattr(r.company_name, language) for r in report.companies]
        return cycle_report_pdf(report, language), names


def layout_text(pdf: bytes) -> list[str]:
    """Each page's text as pdftotext lays it out (the footer's page number last)."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return out.split("\f")[:-1]


def body_lines(pages: list[str]) -> list[str]:
    """The lines of the pages without the running header and the footer, their spaces
    squeezed (a table's columns are as wide as the rows of its part need)."""
    lines = []
    for page in pages:
        kept = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
        lines.extend(kept[1:-1])
    return lines


def outline(reader: pypdf.PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    found = []

    def walk(entries, depth):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry, depth + 1)
            else:
                found.append((depth, entry.title, reader.get_destination_page_number(entry) + 1))

    walk(reader.outline, 0)
    return found


def test_a_parted_aggregate_reads_as_the_one_piece_aggregate(app, demo):
    parted, names = render(app, "en", part_size=5)
    with app.app_context():
        slugs = dict(
            db.session.execute(
                sa.select(Company.name_en, Company.slug).where(Company.name_en.in_(names))
            ).all()
        )
    whole, _ = render(app, "en", part_size=0)
    assert len(names) == 13 and whole.parts == 1
    # the front, 2 matrix runs (the last with adoption), 3 results tables x 2 runs (the last
    # with the benchmark lists), 3 runs of summaries (the last with the methodology)
    assert parted.parts == 12 and parted.pages == len(layout_text(parted.data))
    pages = layout_text(parted.data)

    # page numbers run on over the parts, out of the whole; the demo's mark on every page
    numbers = [PAGE_NUMBER.search(page.rstrip().splitlines()[-1]) for page in pages]
    assert [(int(m[1]), int(m[2])) for m in numbers] == [
        (n, len(pages)) for n in range(1, len(pages) + 1)
    ]
    assert all("FICTIONAL DEMO DATA" in page.rstrip().splitlines()[-1] for page in pages)
    # running headers on every page but the cover, a part's first page included
    assert all(
        page.lstrip().startswith("2025 annual disclosure: aggregate report") for page in pages[1:]
    )

    # the contents give each section's page, and its links lead there
    reader = pypdf.PdfReader(io.BytesIO(parted.data))
    titles = ["Companies × commitments", "Adoption of each item", "Company summaries"]
    titles += ["Safety benchmarks reported", "Methodology"]
    contents = {
        title: int(number)
        for number, title in re.findall(r"^\s*(\d+)\s+(\S.*?)\s*$", pages[1], re.M)
        if title in titles
    }
    assert sorted(contents) == sorted(titles)
    for title, page in contents.items():
        assert title in pages[page - 1], title
    destinations = reader.named_destinations
    for anchor, title in [("matrix", "Companies × commitments"), ("methodology", "Methodology")]:
        assert reader.get_destination_page_number(destinations[anchor]) + 1 == contents[title]
    links = [a.get_object() for a in reader.pages[1]["/Annots"]]
    assert {str(a["/Dest"]) for a in links} == {
        "matrix",
        "adoption",
        "benchmarks",
        "companies",
        "methodology",
    }

    # a bookmark per company, under "Company summaries", on the page of its summary
    marks = outline(reader)
    top = [title for depth, title, _ in marks if depth == 0]
    assert top == [title for depth, title, _ in outline_of(whole.data) if depth == 0]
    start = next(n for n, (_, title, _) in enumerate(marks) if title == "Company summaries")
    companies = marks[start + 1 : start + 1 + len(names)]
    assert [(depth, title) for depth, title, _ in companies] == [(1, name) for name in names]
    for _, name, page in companies:
        assert name in pages[page - 1], name
        anchor = destinations[f"company-{slugs[name]}"]
        assert reader.get_destination_page_number(anchor) + 1 == page

    # the same content as the one piece (its contents aside, whose pages differ): every line,
    # every company in the same order
    one = layout_text(whole.data)
    assert body_lines(pages[:1]) == body_lines(one[:1])
    parted_lines, whole_lines = body_lines(pages[2:]), body_lines(one[2:])
    assert set(parted_lines) == set(whole_lines)
    assert [line for line in parted_lines if line in names] == [
        line for line in whole_lines if line in names
    ]
    assert len(pypdf.PdfReader(io.BytesIO(whole.data)).pages) == whole.pages < parted.pages


def outline_of(pdf: bytes) -> list[tuple[int, str, int]]:
    return outline(pypdf.PdfReader(io.BytesIO(pdf)))


def test_a_parted_chinese_aggregate_is_archival_tagged_and_in_its_fonts(app, demo):
    pdf, names = render(app, "zh", part_size=7, table_rows=13)
    assert pdf.parts == 7
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    root = reader.trailer["/Root"]
    # PDF/A identification, output intent, language and title, as one document's
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(>|=")3', xmp) and re.search(r'pdfaid:conformance(>|=")A', xmp)
    assert "/OutputIntents" in root and root["/Lang"] == "zh-CN" and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "2025年度披露：汇总报告"
    assert reader.metadata.producer.startswith("WeasyPrint")
    # every font embedded, Chinese regular and bold; no two subsets share a tag
    fonts = subprocess.run(
        ["pdffonts", "-"], input=pdf.data, capture_output=True, check=True
    ).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-4] == "yes" for row in rows)
    assert any(r[0].endswith("+Noto-Sans-CJK-SC-Bold") for r in rows)
    assert any(r[0].endswith("+Noto-Sans-CJK-SC") for r in rows)
    assert len({r[0] for r in rows}) == len(rows)
    assert "WenQuanYi" not in fonts
    # Chinese text reads back: every company, the demo's mark on every page
    pages = layout_text(pdf.data)
    text = "".join("".join(pages).split())
    for name in names:
        assert text.count("".join(name.split())) >= 3, name
    assert all("虚构的演示数据" in page.rstrip().splitlines()[-1] for page in pages)

    # one structure tree: every page's marked content leads to its elements
    tree = root["/StructTreeRoot"].get_object()
    [document] = tree["/K"]
    assert document.get_object()["/S"] == "/Document"
    nums = tree["/ParentTree"].get_object()["/Nums"]
    parents = dict(zip((int(k) for k in nums[::2]), nums[1::2], strict=True))
    assert sorted(parents) == list(range(len(parents)))  # unique, none missing
    for number, page in enumerate(reader.pages):
        assert int(page["/StructParents"]) == number
        mcids = {int(m) for m in re.findall(rb"/MCID (\d+)", _content(page))}
        elements = parents[number]
        assert len(elements) == max(mcids) + 1, number
        for mcid in mcids:  # the element of each marked sequence names this page
            element = elements[mcid].get_object()
            assert element["/Pg"].get_object() == page.get_object(), (number, mcid)
        for annotation in page.get("/Annots", ()):
            key = int(annotation.get_object()["/StructParent"])
            assert key >= len(reader.pages) and key in parents
    assert int(tree["/ParentTreeNextKey"]) == len(parents)


def _content(page) -> bytes:
    contents = page.get_contents()
    return contents.get_data() if contents is not None else b""


def test_small_cycles_render_in_one_piece(app, demo):
    pdf, names = render(app, "en", part_size=13)
    assert len(names) == 13 and pdf.parts == 1


@pytest.mark.parametrize(
    ("companies", "results", "benchmarks", "size", "rows"),
    [(13, 13, 20, 3, 5), (1306, 1306, 30, 150, 1000), (0, 0, None, 3, 5), (7, 7, 0, 2, 2)],
)
def test_the_plan_holds_every_company_once_in_each_section(
    companies, results, benchmarks, size, rows
):
    planned = parts.plan(companies, results, benchmarks, size, rows)
    pieces = [piece for part in planned for piece in part.pieces]
    assert planned[0].pieces == (parts.Piece("front"),)

    def covered(kind, group=0):
        runs = [(p.start, p.stop) for p in pieces if p.kind == kind and p.group == group]
        return [n for start, stop in runs for n in range(start, stop)]

    assert covered("matrix") == list(range(companies))
    assert covered("summaries") == list(range(companies))
    for group in range(-(-(benchmarks or 0) // 8)):
        assert covered("results", group) == list(range(results))
    # each section opens once, in order; the whole is the same pieces in one part
    opened = [p.wrapper for p in pieces if p.opens_section and p.wrapper]
    assert opened == [
        s
        for s in ("matrix", "adoption", "benchmarks", "companies", "methodology")
        if s != "companies" or companies
    ]
    assert all(p.stop - p.start <= size for p in pieces if p.kind == "summaries")
    assert all(p.stop - p.start <= rows for p in pieces if p.kind in ("matrix", "results"))
    whole = parts.whole(companies, results, benchmarks)
    assert len(whole.pieces) == len(dict.fromkeys((p.kind, p.group) for p in pieces))
    assert [p.wrapper for p in whole.pieces if p.opens_section and p.wrapper] == opened
