"""Reading a roster file: CSV or YAML, every problem at once, each with its line and column."""

from __future__ import annotations

import pytest

from tracker.domain.roster_file import RosterEntry, RosterFileError, format_of, parse_roster

HEADER = "slug,name_en,name_zh,website,signatory,source\n"


def problems(data: bytes | str, file_format: str = "csv") -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(RosterFileError) as caught:
        parse_roster(raw, f"roster.{file_format}", file_format)
    return [str(p) for p in caught.value.problems]


def test_a_csv_roster_reads_into_entries():
    entries = parse_roster(
        (
            HEADER + "qingyun-ai,Qingyun AI,青云智能,https://qingyun.example,yes,CAICT list\n"
            "\n"
            '"lanshan",  Lanshan ,兰山,,false,\n'
        ).encode(),
        "roster.csv",
        "csv",
    )
    assert entries == [
        RosterEntry(
            "qingyun-ai",
            "Qingyun AI",
            "青云智能",
            "https://qingyun.example",
            True,
            "CAICT list",
            frozenset(HEADER.strip().split(",")),
            2,
        ),
        RosterEntry(
            "lanshan", "Lanshan", "兰山", None, False, None, frozenset(HEADER.strip().split(",")), 4
        ),
    ]


def test_a_byte_order_mark_and_fewer_columns_are_fine():
    (entry,) = parse_roster("\ufeffslug,name_en,name_zh\na,A,甲\n".encode(), "r.csv", "csv")
    assert entry.slug == "a" and entry.given == {"slug", "name_en", "name_zh"}
    assert entry.website is None and entry.signatory is False


def test_a_yaml_roster_reads_into_entries():
    (entry,) = parse_roster(
        b"- slug: a\n  name_en: A\n  name_zh: B\n  signatory: true\n  source: letter\n",
        "r.yaml",
        "yaml",
    )
    assert (entry.slug, entry.signatory, entry.source, entry.line) == ("a", True, "letter", 1)


def test_every_problem_of_a_csv_file_is_reported_with_line_and_column():
    found = problems(
        HEADER + "good,Good,好,,no,\n"
        "Bad Slug,,乙,ftp://x.example,maybe,\n"
        "good,Again,再,,,\n"
        "sig,Sig,签,https://,yes,\n"
        "short,S\n"
    )
    assert found == [
        "roster.csv:3: name_en: missing the English name",
        "roster.csv:3: signatory: 'maybe' is not true or false (use true/false, yes/no or 1/0)",
        "roster.csv:3: slug: 'Bad Slug' is not a short name: use lowercase letters, digits and "
        "hyphens",
        "roster.csv:3: website: 'ftp://x.example' is not a website address starting with "
        "https:// or http://",
        "roster.csv:4: slug: duplicate slug 'good' (first on line 2)",
        "roster.csv:5: source: a signatory needs its source (where the signature is documented)",
        "roster.csv:5: website: 'https://' is not a website address starting with https:// or "
        "http://",
        "roster.csv:6: 2 values where the header has 6 columns",
    ]


def test_a_wrong_header_is_reported_and_rows_are_not_read():
    assert problems("slug,name,name_zh,colour,slug\nx,y,z,w,v\n") == [
        "roster.csv:1: column 'slug' appears twice in the header",
        "roster.csv:1: missing column 'name_en' in the header",
        "roster.csv:1: unknown column 'colour' (allowed: slug, name_en, name_zh, website, "
        "signatory, source)",
        "roster.csv:1: unknown column 'name' (allowed: slug, name_en, name_zh, website, "
        "signatory, source)",
    ]


def test_too_long_values_are_refused():
    (found,) = problems(f"slug,name_en,name_zh\na,{'x' * 201},b\n")
    assert found == "roster.csv:2: name_en: at most 200 characters (this has 201)"


@pytest.mark.parametrize(
    ("data", "file_format", "says"),
    [
        (b"", "csv", "roster.csv: the file is empty: no companies"),
        (b" \n\n", "yaml", "roster.yaml: the file is empty: no companies"),
        (HEADER.encode(), "csv", "roster.csv:1: no companies: the file has only its header"),
        (
            b"slug,name_en,name_zh\n\xff\xfe,x,y\n",
            "csv",
            "roster.csv: not UTF-8 text (byte 22 of line 2)",
        ),
        (
            b'slug,name_en,name_zh\n"a,b\n',
            "csv",
            "roster.csv:2: not valid CSV: unexpected end of data",
        ),
        (b"slug: a\n", "yaml", "roster.yaml:1: expected a list of companies, got a mapping"),
        (b"just text\n", "yaml", "roster.yaml:1: expected a list of companies, got text"),
        (b"[]\n", "yaml", "roster.yaml:1: no companies: the list is empty"),
        (
            b"- slug: a\n  name_en: [A\n",
            "yaml",
            "roster.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>'",
        ),
    ],
)
def test_files_that_are_no_roster(data, file_format, says):
    assert problems(data, file_format) == [says]


def test_every_problem_of_a_yaml_file_is_located_by_entry_key_and_line():
    found = problems(
        "- slug: a\n"
        "  name_en: A\n"
        "  name_zh: 甲\n"
        "  signatory: true\n"
        "- just a string\n"
        "- slug: 2024\n"
        "  name_en: X\n"
        "  name_zh: [1, 2]\n"
        "  colour: red\n"
        "  signatory: sometimes\n"
        "- slug: a\n"
        "  name_en: Again\n"
        "  name_zh: 再\n"
        "  slug: b\n",
        "yaml",
    )
    assert found == [
        "roster.yaml:1: [0].source: a signatory needs its source (where the signature is "
        "documented)",
        "roster.yaml:5: [1]: expected a mapping of slug, name_en, name_zh… for a company",
        "roster.yaml:6: [2].slug: expected text, got a number or true/false; put it in quotes",
        "roster.yaml:8: [2].name_zh: expected text, got a list or a mapping",
        "roster.yaml:9: [2].colour: unknown key 'colour' (allowed: slug, name_en, name_zh, "
        "website, signatory, source)",
        "roster.yaml:10: [2].signatory: 'sometimes' is not true or false (use true/false, "
        "yes/no or 1/0)",
        "roster.yaml:14: [3].slug: duplicate key 'slug'",
    ]


def test_format_from_the_name():
    assert format_of("r.CSV") == "csv"
    assert format_of("a/r.yml") == "yaml" and format_of("r.yaml") == "yaml"
    assert format_of("roster.txt") is None
