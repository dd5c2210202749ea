"""python -m webserver as a process: worker processes on one port, a busy port, stopping."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*flags: str, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "webserver", "--store-path", str(tmp_path / "m.sqlite3"), *flags],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def healthy(port: int, server: subprocess.Popen) -> None:
    """Wait until the server answers /healthz (or fail if it exits first)."""
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail(f"the server exited: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
                assert json.load(reply) == {"status": "ok"}
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("the server never answered")


def workers_of(pid: int) -> set[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {int(child) for child in children}


def stop(server: subprocess.Popen) -> str:
    server.send_signal(signal.SIGTERM)
    output, _ = server.communicate(timeout=30)
    return output


def test_a_busy_port_is_one_line_and_no_traceback(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "webserver", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"python -m webserver: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]
    assert "Traceback" not in result.stdout + result.stderr


def test_worker_processes_share_the_port_and_stop_together(tmp_path):
    port = free_port()
    server = start("--port", str(port), "--workers", "2", "--threads", "2", tmp_path=tmp_path)
    try:
        healthy(port, server)
        workers = workers_of(server.pid)
        assert len(workers) == 2
    finally:
        output = stop(server)
    assert server.returncode == 0, output
    assert "2 workers x 2 threads" in output
    assert "Traceback" not in output
    for worker in workers:
        assert not Path(f"/proc/{worker}").exists()


def test_a_worker_that_dies_is_replaced(tmp_path):
    port = free_port()
    server = start("--port", str(port), "--workers", "2", "--threads", "2", tmp_path=tmp_path)
    try:
        healthy(port, server)
        first = workers_of(server.pid)
        killed = min(first)
        os.kill(killed, signal.SIGKILL)
        for _ in range(300):
            now = workers_of(server.pid)
            if len(now) == 2 and killed not in now:
                break
            time.sleep(0.1)
        assert len(now) == 2 and killed not in now
        healthy(port, server)
    finally:
        output = stop(server)
    assert f"worker {killed} stopped (signal 9)" in output


def test_a_single_worker_serves_in_the_process_itself(tmp_path):
    port = free_port()
    server = start("--port", str(port), "--workers", "1", tmp_path=tmp_path)
    try:
        healthy(port, server)
        assert workers_of(server.pid) == set()
    finally:
        output = stop(server)
    assert server.returncode == 0, output
    assert "Traceback" not in output


def test_workers_that_fail_as_they_start_stop_the_server():
    """Not a loop of forks: a worker that cannot build its app means the configuration is wrong."""
    script = """
from webserver.__main__ import Supervisor, listen
from webserver.app import Settings

def broken():
    raise RuntimeError("no app today")

settings = Settings(port=0, workers=2)
raise SystemExit(Supervisor(settings, listen(settings), broken).run())
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "a worker stopped as soon as it started: stopping the server" in result.stderr
    assert result.stderr.count("RuntimeError: no app today") <= 2
