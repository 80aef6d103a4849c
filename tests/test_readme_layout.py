"""The README's "Project layout" names the file that serves every address of the app."""

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
ROW = re.compile(r"^\| (?P<addresses>`.+?`(?:, `.+?`)*) \| `(?P<file>[^`]+)`")


def layout_table() -> list[tuple[str, str]]:
    """(address pattern, file) pairs from the table under "## Project layout"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Project layout", 1)[1].split("\n## ", 1)[0]
    pairs = []
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            for address in re.findall(r"`([^`]+)`", match["addresses"]):
                pairs.append((address, match["file"]))
    return pairs


def shape(address: str) -> str:
    """An address with every variable part as <>, so that /x/<slug> and /x/<int:id> agree."""
    return re.sub(r"<[^>]+>", "<>", address)


def served_by(rule: str, table: list[tuple[str, str]]) -> str | None:
    """The file the table names for a route: an exact address first, else the longest prefix
    written with a trailing …"""
    exact = [file for address, file in table if shape(address) == shape(rule)]
    if exact:
        return exact[0]
    prefixes = [(address[:-1], file) for address, file in table if address.endswith("…")]
    matching = [(len(p), file) for p, file in prefixes if shape(rule).startswith(shape(p))]
    return max(matching)[1] if matching else None


def test_the_table_has_rows():
    assert len(layout_table()) >= 20


def test_every_route_is_served_by_the_file_the_readme_names(app):
    table = layout_table()
    wrong = []
    for rule in app.url_map.iter_rules():
        named = served_by(rule.rule, table)
        if rule.endpoint == "static":  # Flask's own view; the table's last row says so
            continue
        module = sys.modules[app.view_functions[rule.endpoint].__module__]
        actual = Path(module.__file__).resolve().relative_to(README.parent).as_posix()
        if named != actual:
            wrong.append(f"{rule.rule}: README says {named}, served by {actual}")
    assert not wrong, "\n".join(wrong)


def test_the_check_itself_tells_a_wrong_row():
    table = [("/filing/…", "tracker/filing/views.py"), ("/filing/<c>/report.pdf", "r.py")]
    assert served_by("/filing/<cycle_slug>/report.pdf", table) == "r.py"
    assert served_by("/filing/<cycle_slug>/submit", table) == "tracker/filing/views.py"
    assert served_by("/review/", table) is None
