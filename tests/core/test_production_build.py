"""The production configuration builds and serves: collectstatic, then gunicorn.

Runs the same commands as the Dockerfile's build step and the compose file's web
service, with `frontdesk.settings_production`, in subprocesses with their own
environment. Nothing here skips: a vendored file that breaks the manifest, or a
page that needs a static file the build did not produce, fails the suite.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

pytestmark = pytest.mark.production_build

ROOT = Path(__file__).resolve().parents[2]
HOST = "desk.example.com"
# Variables of the developer's or CI's shell that would change the configuration under test.
READ_BY_SETTINGS = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "FRONTDESK_VAR_DIR",
    "SECURE_SSL_REDIRECT",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def _database_url() -> str:
    """The URL of this test's database, so that the served pages find their tables."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    # As a TLS-terminating proxy in front of gunicorn would send it.
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def production_env(tmp_path, transactional_db):
    environ = {k: v for k, v in os.environ.items() if k not in READ_BY_SETTINGS}
    environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "frontdesk.settings_production",
            "SECRET_KEY": "a-production-secret-key-of-more-than-fifty-characters-0123456789",
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": _database_url(),
            "FRONTDESK_VAR_DIR": str(tmp_path / "var"),
            "STATIC_ROOT": str(tmp_path / "staticfiles"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return environ


def test_production_build_collects_static_and_gunicorn_serves_login(production_env, tmp_path):
    """collectstatic succeeds with production settings; gunicorn answers /login/ and its CSS."""
    build = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())["paths"]
    assert manifest["vendor/chartjs/chart.umd.min.js"] != "vendor/chartjs/chart.umd.min.js"

    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "frontdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=production_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            if server.poll() is not None:
                break
            try:
                status, headers, body = _get(f"{base}/login/")
                break
            except OSError:
                time.sleep(0.3)
        logs = (tmp_path / "gunicorn.log").read_text(errors="replace")
        assert status == 200, f"/login/ answered {status}\n{logs[-4000:]}"
        page = body.decode()
        css = manifest["css/desk.css"]
        # The page names the hashed file, and that file is served, cacheable for ever.
        assert f"/static/{css}" in page
        assert re.search(r"css/desk\.[0-9a-f]{12}\.css", css)
        status, headers, body = _get(f"{base}/static/{css}")
        assert status == 200
        assert body == (tmp_path / "staticfiles" / css).read_bytes()
        assert "immutable" in headers.get("Cache-Control", "")
        chart = manifest["vendor/chartjs/chart.umd.min.js"]
        status, _headers, _body = _get(f"{base}/static/{chart}")
        assert status == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()


def test_no_vendored_file_names_a_missing_source_map():
    """Every `sourceMappingURL` in static/ names a file that is there (the manifest needs it)."""
    missing = []
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for name in re.findall(r"sourceMappingURL=([^\s*]+)", path.read_text(errors="replace")):
            if not (path.parent / name).exists():
                missing.append(f"{path.relative_to(ROOT)} -> {name}")
    assert missing == []
