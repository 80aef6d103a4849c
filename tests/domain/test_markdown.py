"""Markdown from companies is rendered and sanitised; XSS payloads come out inert."""

import pytest

from tracker.domain.markdown import render_markdown

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[file](file:///etc/passwd)",
    "[local](/etc/hostname)",
    "![x](file:///etc/passwd)",
    "![x](https://tracker.example/pixel.png)",
    '<a href="javascript:alert(1)">x</a>',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    '<p onclick="alert(1)">x</p>',
    "<object data=x.swf></object>",
    '<form action="https://evil.example"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert(payload):
    html = render_markdown(f"Before {payload} after").lower()
    for marker in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "file:",
        "data:",
        "<iframe",
        "<svg",
        "<style",
        "style=",
        "<object",
        "<form",
        "<input",
        "<meta",
        "<link",
        "<img",
        'href="/',
    ):
        assert marker not in html, (payload, html)


def test_ordinary_markdown_renders():
    html = render_markdown("**Bold** and *em*\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<strong>Bold</strong>" in html
    assert "<em>em</em>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow ugc">site</a>' in html


def test_headings_move_below_the_pages_own():
    assert render_markdown("# Top\n\n## Next") == "<h3>Top</h3>\n<h4>Next</h4>"


@pytest.mark.parametrize("text", [None, "", "   \n "])
def test_nothing_renders_to_empty(text):
    assert render_markdown(text) == ""


def test_chinese_text_survives():
    html = render_markdown("我们设立了**安全委员会**。")
    assert html == "<p>我们设立了<strong>安全委员会</strong>。</p>"
