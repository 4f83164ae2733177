"""`make run`'s process set (honcho with Procfile.dev): a crashed worker does not stop the desk.

Runs honcho as `make run` does, with no configuration (SQLite and the filesystem
broker under a temporary FRONTDESK_VAR_DIR), kills the Celery worker as a crash
would, and checks that the web server keeps answering and the worker comes back.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HONCHO = Path(sys.executable).with_name("honcho")
# The developer's or CI's servers: `make run` needs none of them.
LEFT_OUT = {
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _descendants(pid: int) -> list[int]:
    tree, found, todo = _children(), [], [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _celery_worker(honcho_pid: int) -> int | None:
    """The main process of the Celery worker that honcho runs (not its pool children)."""
    workers = [
        p
        for p in _descendants(honcho_pid)
        if "celery -A frontdesk worker" in (line := _cmdline(p)) and "while" not in line
    ]
    tree = _children()
    mains = [p for p in workers if not any(p in tree.get(w, []) for w in workers)]
    return mains[0] if mains else None


def _answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _wait(condition, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    return condition()


def test_a_crashed_worker_is_restarted_and_the_web_server_keeps_serving(tmp_path):
    """Killing the worker under `make run` leaves the web server answering; the worker restarts."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    env.update({"FRONTDESK_VAR_DIR": str(tmp_path / "var"), "HOST": "127.0.0.1", "PORT": str(port)})
    log = (tmp_path / "honcho.log").open("wb")
    honcho = subprocess.Popen(  # noqa: S603 - our own virtualenv's honcho and Procfile
        [str(HONCHO), "-f", "Procfile.dev", "start"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def logs() -> str:
        return (tmp_path / "honcho.log").read_text(errors="replace")[-4000:]

    try:
        login = f"http://127.0.0.1:{port}/login/"
        assert _wait(lambda: _answers(login) == 200, 90), logs()
        first = _wait(lambda: _celery_worker(honcho.pid), 90)
        assert first, logs()
        os.kill(first, signal.SIGKILL)  # a crash: no warm shutdown
        restarted = _wait(
            lambda: (w := _celery_worker(honcho.pid)) is not None and w != first and w, 60
        )
        assert restarted, logs()
        assert honcho.poll() is None, logs()
        assert _answers(login) == 200, logs()
    finally:
        if honcho.poll() is None:
            honcho.send_signal(signal.SIGTERM)  # honcho stops every process group it started
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            honcho.wait(timeout=5)
        log.close()
    # Nothing honcho started is left running.
    assert _wait(lambda: not _descendants(honcho.pid), 15)
