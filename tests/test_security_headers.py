"""Security headers on every response, errors included."""

import re

import pytest

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@pytest.mark.parametrize(
    "url",
    ["/", "/checklist/", "/companies/", "/no-such-page", "/static/css/tracker.css", "/language/en"],
)
def test_headers_on_every_response(client, url):
    response = client.get(url)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "Strict-Transport-Security" not in response.headers
    response.close()


def test_hsts_only_when_served_over_https(migrated_database, tmp_path):
    from tests.support.app import make_app

    app = make_app(migrated_database, tmp_path, SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    with app.app_context():
        from tracker.db import db

        db.engine.dispose()


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/", "/checklist/", "/companies/"):
        html = client.get(url).get_data(as_text=True)
        # scripts are the app's files (the CSP allows only 'self'): none has a body
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
        assert html.count("<script") == len(scripts)
        for attributes, body in scripts:
            assert re.search(r'\ssrc="/static/js/[\w.-]+\.js"', attributes), attributes
            assert body.strip() == ""
        assert "<style" not in html
        assert " style=" not in html
