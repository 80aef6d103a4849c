"""Request ids: one per request, in the response's X-Request-ID, in every log record of the
request (text or JSON lines) and on error pages; LOG_FORMAT and LOG_LEVEL checked at start-up."""

from __future__ import annotations

import json
import logging
import re

import pytest

from tests.support.app import make_app
from tracker import requestlog
from tracker.db import db

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def logging_app(app, tmp_path):
    """Make an app of the given settings, with a route that logs and one that fails."""
    made = []

    def build(**extra):
        built = make_app(
            app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / f"log{len(made)}", **extra
        )

        @built.get("/test/log")
        def log_something():
            logging.getLogger("tracker.somewhere").warning("a warning from a view")
            return "logged"

        @built.get("/test/fail")
        def fail():
            raise RuntimeError("the view broke")

        made.append(built)
        return built

    yield build
    for built in made:
        with built.app_context():
            db.engine.dispose()
    make_app(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "reset")  # logging as before


def test_every_response_gets_a_new_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second) and first != second


@pytest.mark.parametrize("given", ["abc-123", "lb.trace_ID-9", "x" * 64])
def test_a_sane_incoming_id_is_kept(client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given


@pytest.mark.parametrize(
    "given", ["", "x" * 65, "has space", "semi;colon", "<script>", "ünïcode", "a/b", "a\tb"]
)
def test_anything_else_is_replaced(client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_error_pages_show_the_reference(client):
    response = client.get("/no/such/page", headers={"X-Request-ID": "ref-404"})
    assert response.status_code == 404
    assert "Reference: ref-404" in response.get_data(as_text=True)
    zh = client.get("/no/such/page", headers={"X-Request-ID": "ref-zh", "Accept-Language": "zh-CN"})
    assert "参考编号：ref-zh" in zh.get_data(as_text=True)


def test_cached_pages_never_replay_an_old_id(app, client):
    first = client.get("/about/")
    second = client.get("/about/", headers={"X-Request-ID": "second-one"})
    assert second.status_code == 200
    assert second.headers["X-Request-ID"] == "second-one"
    assert first.headers["X-Request-ID"] != "second-one"


def test_text_logs_carry_the_request_id(logging_app, capsys):
    client = logging_app(LOG_FORMAT="text").test_client()
    client.get("/test/log", headers={"X-Request-ID": "text-id-1"})
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "a warning from a view" in line)
    assert "WARNING [text-id-1] tracker.somewhere: a warning from a view" in line


def test_json_logs_carry_the_request_id_and_the_traceback(logging_app, capsys):
    client = logging_app(LOG_FORMAT="json").test_client()
    logged = client.get("/test/log", headers={"X-Request-ID": "json-id-1"})
    failed = client.get("/test/fail")
    assert failed.status_code == 500
    failed_id = failed.headers["X-Request-ID"]
    assert f"Reference: {failed_id}" in failed.get_data(as_text=True)
    records = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    warning = next(r for r in records if r["message"] == "a warning from a view")
    assert warning["request_id"] == logged.headers["X-Request-ID"] == "json-id-1"
    assert warning["level"] == "WARNING" and warning["logger"] == "tracker.somewhere"
    assert "time" in warning
    error = next(r for r in records if r["message"].startswith("Unhandled exception"))
    assert error["request_id"] == failed_id and error["level"] == "ERROR"
    assert "RuntimeError: the view broke" in error["exc_info"]


def test_records_outside_requests_say_dash(logging_app, capsys):
    logging_app(LOG_FORMAT="json")
    logging.getLogger("tracker.somewhere").error("outside")
    record = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert record["message"] == "outside" and record["request_id"] == "-"


def test_log_level_filters(logging_app, capsys):
    client = logging_app(LOG_LEVEL="error").test_client()
    client.get("/test/log")
    assert "a warning from a view" not in capsys.readouterr().err


def test_one_handler_however_many_apps(logging_app):
    logging_app()
    logging_app(LOG_FORMAT="json")
    ours = [
        handler
        for handler in logging.getLogger(requestlog.LOGGER).handlers
        if isinstance(handler, requestlog._TrackerHandler)
    ]
    assert len(ours) == 1


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("LOG_FORMAT", "xml", "LOG_FORMAT (TRACKER_LOG_FORMAT) must be text or json, not 'xml'"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL (TRACKER_LOG_LEVEL) is not a logging level: 'LOUD'"),
    ],
)
def test_bad_settings_stop_the_app(tmp_path, setting, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_app("sqlite://", tmp_path / "instance", **{setting: value})


def test_the_format_comes_from_the_environment(monkeypatch, tmp_path, capsys):
    from tracker.app import create_app

    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "env-instance"))
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "env-secret")
    monkeypatch.setenv("TRACKER_LOG_FORMAT", "json")
    monkeypatch.setenv("TRACKER_LOG_LEVEL", "warning")
    try:
        made = create_app()
        assert made.config["LOG_FORMAT"] == "json" and made.config["LOG_LEVEL"] == "warning"
        logging.getLogger("tracker.x").warning("from env")
        assert json.loads(capsys.readouterr().err.strip().splitlines()[-1])["message"] == "from env"
    finally:
        make_app("sqlite://", tmp_path / "reset")
