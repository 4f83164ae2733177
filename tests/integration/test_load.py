"""The load drill, scaled down: clerks at once against gunicorn, then every serial checked."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_load_drill_has_no_error_and_no_serial_gap():
    """8 clients for 8 s against 2 gunicorn workers: no failed request, orders were registered,
    every serial sequence is 1..n without a gap, every order has its registration event."""
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--users", "8", "--seconds", "8",
         "--database", "fd_load_ci"],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout[done.stdout.index("{") :])
    assert result["problems"] == []
    assert result["total"]["failures"] == 0
    assert result["requests"]["POST register"]["requests"] > 0
    assert result["data"]["orders"] > 0 and result["data"]["gaps"] == {}
