"""A real Geodesic server for the UI tests: ``geodesic ui`` (through ``python -m agent.cli``,
so the plug-in registration is what starts it) in a process of its own on 127.0.0.1 and a
free port, with every store in a temporary folder; stopped, with its process group, after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from agent.serve import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"          # git-ignored: screenshots of the browser test


class Server:
    """``with Server(home, GEODESIC_API_TOKEN="...") as s: requests.get(s.url + "/health")``"""

    def __init__(self, home: Path, port: int | None = None, **env: str) -> None:
        self.home, self.port = Path(home), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.feedback = self.home / "feedback.sqlite"
        self.log = self.home / f"server-{self.port}.log"
        self.env = {**os.environ, "GEODESIC_HOME": str(self.home), "HF_HUB_OFFLINE": "1",
                    "GEODESIC_CHECKPOINTS": str(self.home / "checkpoints.sqlite"),
                    "GEODESIC_FEEDBACK": str(self.feedback),
                    "GEODESIC_QDRANT_PATH": str(self.home / "qdrant"),
                    "GEODESIC_RETRIEVE_K": "0", "GEODESIC_TOOL_TIMEOUT": "60",
                    "GEODESIC_PINN_SECONDS": "5", **env}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 300) -> Server:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "agent.cli", "ui", "--port", str(self.port)],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n"
                                   + self.log.read_text()[-3000:])
            try:
                if requests.get(self.url + "/health", timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"the server did not answer in {timeout} s:\n"
                           + self.log.read_text()[-3000:])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and \
            requests.get(self.url + "/health", timeout=10).ok

    def stop(self) -> None:
        if self.process is None:
            return
        group = os.getpgid(self.process.pid)
        self.process.send_signal(signal.SIGTERM)             # uvicorn: a graceful shutdown
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        try:
            os.killpg(group, signal.SIGKILL)                   # the agent's tool worker too
        except ProcessLookupError:
            pass
        self.process = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One open server (no token) for the API tests and the fuzzing."""
    with Server(tmp_path_factory.mktemp("ui-server")) as s:
        yield s
