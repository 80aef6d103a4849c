"""tracker/gunicorn_conf.py: its settings, gunicorn's own check of them, and a real gunicorn
with two workers answering /healthz and /readyz, logging request ids and adding up both
workers' metrics (PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import importlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tracker import gunicorn_conf

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
APP = "tracker.app:create_app()"
CONFIG = "python:tracker.gunicorn_conf"
TOKEN = "gunicorn-test-token"


def test_workers_from_cores_capped(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert gunicorn_conf.default_workers(1) == 3
    assert gunicorn_conf.default_workers(2) == 5
    assert gunicorn_conf.default_workers(64) == gunicorn_conf.MAX_WORKERS


def test_web_concurrency_wins(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "12")
    assert gunicorn_conf.default_workers(1) == 12
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    with pytest.raises(ValueError, match="WEB_CONCURRENCY must be at least 1"):
        gunicorn_conf.default_workers(1)


def test_settings(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    reloaded = importlib.reload(gunicorn_conf)
    try:
        assert reloaded.workers == 4
        assert reloaded.forwarded_allow_ips == "10.0.0.5"
        assert (reloaded.timeout, reloaded.graceful_timeout) == (60, 30)
        assert reloaded.keepalive > 0 and reloaded.preload_app is False
        assert "%({x-request-id}o)s" in reloaded.access_log_format
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return (
        os.environ
        | {
            "PYTHONPATH": str(ROOT),
            "TRACKER_INSTANCE_PATH": str(tmp_path / "instance"),
            "TRACKER_SECRET_KEY": "gunicorn-test-secret",
        }
        | extra
    )


def test_gunicorn_accepts_the_configuration(tmp_path):
    result = subprocess.run(
        [str(GUNICORN), "--print-config", "-c", CONFIG, APP],
        env=_env(tmp_path, WEB_CONCURRENCY="3"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"^workers\s+= 3$", result.stdout, re.M), result.stdout
    assert re.search(r"^timeout\s+= 60$", result.stdout, re.M)
    assert re.search(r"^preload_app\s+= False$", result.stdout, re.M)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, dict(answer.headers), answer.read().decode()
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, dict(answer.headers), answer.read().decode()


def _counted(base: str) -> dict[str, float]:
    """Requests answered 200, by endpoint, as /metrics reports them."""
    status, _, text = _get(f"{base}/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, text
    return {
        sample.labels["endpoint"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "tracker_http_requests_total" and sample.labels["status"] == "200"
    }


def test_a_real_gunicorn_serves_health_and_adds_up_its_workers_metrics(migrated_database, tmp_path):
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")  # emptied at start
    log = tmp_path / "gunicorn.log"
    env = _env(
        tmp_path,
        TRACKER_DATABASE_URL=migrated_database,
        TRACKER_METRICS_TOKEN=TOKEN,
        TRACKER_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
    )
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", CONFIG, APP], env=env, cwd=ROOT, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, body = _get(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        assert (status, body.strip()) == (200, '{"status":"ok"}')
        status, headers, body = _get(f"{base}/readyz", {"X-Request-ID": "from-the-lb-1"})
        assert status == 200, body
        assert headers["X-Request-ID"] == "from-the-lb-1"
        assert _get(f"{base}/metrics")[0] == 401
        before = _counted(base)
        for _ in range(20):
            assert _get(f"{base}/healthz")[0] == 200
        after = _counted(base)
        # Whichever worker answered each scrape, every worker's requests are in it.
        assert after["health.healthz"] - before["health.healthz"] == 20
        assert after["health.readyz"] == 1
        assert not (metrics_dir / "counter_999999.db").exists()
    finally:
        server.terminate()
        server.wait(timeout=60)
    output = log.read_text()
    assert re.search(r'"GET /readyz HTTP/1.1" 200 .* request_id=from-the-lb-1$', output, re.M)
    assert "Traceback" not in output
