"""The stylesheets parse as their authors meant: no block left open.

A missing ``}`` after an ``@media`` block is valid CSS to a browser: every later rule is then
inside that media query (issue 14's merges nested a third of tracker.css in a phone-only
query, so desktop pages lost their print and permalink rules). Here each stylesheet is parsed
with tinycss2 (WeasyPrint's parser) and no at-rule may hold another at-rule of the same kind.
"""

from pathlib import Path

import pytest
import tinycss2

CSS = Path(__file__).resolve().parent.parent / "tracker" / "static" / "css"


@pytest.mark.parametrize("name", sorted(p.name for p in CSS.glob("*.css")))
def test_no_media_block_is_left_open(name):
    rules = tinycss2.parse_stylesheet(
        (CSS / name).read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True
    )
    assert not [r for r in rules if r.type == "error"], name
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            nested = [r.lower_at_keyword for r in inner if r.type == "at-rule"]
            assert "media" not in nested, f"{name}: @media {tinycss2.serialize(rule.prelude)}"
