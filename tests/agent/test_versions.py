"""The planner registry (versions, promotions, the atomic pointer, the round lock) and the
served planner that follows it: ``resolve_adapter("auto")``, ``Planner.tuned``, and a
TransformersPlanner that switches versions between two questions without a restart."""

import json
import logging
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from agent.config import Settings
from agent.model import project_adapter, resolve_adapter
from agent.plan import PlanError
from agent.planner.local import Serving, TransformersPlanner, _Loaded
from agent.planner import prompt
from agent.registry import default_registry
from agent.training.versions import (PlannerRegistry, RegistryBusy, RegistryError,
                                     UnknownVersion)

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = project_adapter()
TOOLS = default_registry()
needs_adapter = pytest.mark.skipif(COMMITTED is None, reason="no committed planner adapter")


@pytest.fixture
def registry(tmp_path):
    return PlannerRegistry(tmp_path / "planners")


def fake_adapter(folder: Path, rank: int = 8) -> Path:
    """An adapter folder as the registry sees one (it copies files, it loads nothing)."""
    folder.mkdir(parents=True)
    (folder / "adapter_config.json").write_text(json.dumps({"r": rank, "peft_type": "LORA"}))
    (folder / "adapter_model.safetensors").write_bytes(b"weights")
    (folder / "checkpoint-50").mkdir()
    (folder / "checkpoint-50" / "optimizer.pt").write_bytes(b"not wanted")
    return folder


# ---------------------------------------------------------------------- the registry
def test_versions_are_added_promoted_refused_and_rolled_back(registry, tmp_path):
    assert registry.versions() == [] and registry.current() is None
    assert not registry.root.exists()                 # reading creates nothing

    base = registry.add(None, kind="base", note="Gemma 3 270M alone")
    sft = registry.add(fake_adapter(tmp_path / "sft"), kind="sft", parent=base.id,
                       info={"examples": 1156, "data": tmp_path / "data"})
    assert (base.id, base.path, base.status) == ("v0001", None, "candidate")
    assert sft.id == "v0002" and sft.parent == "v0001"
    assert sft.info == {"examples": 1156, "data": str(tmp_path / "data")}
    assert sft.path == registry.root / "v0002" / "adapter"
    assert (sft.path / "adapter_model.safetensors").read_bytes() == b"weights"
    assert not (sft.path / "checkpoint-50").exists()  # trainer checkpoints stay behind
    assert [v.id for v in registry.versions()] == ["v0001", "v0002"]
    assert not list(registry.root.glob(".staging-*"))

    registry.promote("v0001", reason="start")
    assert registry.promote("v0002", reason="gate: accuracy 0.50 -> 0.60").status == "promoted"
    assert registry.current().id == "v0002"
    assert registry.get("v0001").status == "retired"

    dpo = registry.add(fake_adapter(tmp_path / "dpo"), kind="dpo", parent="v0002")
    assert registry.refuse(dpo.id, reason="gate: verified-and-wrong rose").status == "refused"
    with pytest.raises(RegistryError, match="being served"):
        registry.refuse("v0002")

    assert registry.rollback(reason="by hand").id == "v0001"
    assert (registry.current().id, registry.get("v0002").status) == ("v0001", "retired")
    with pytest.raises(RegistryError, match="nothing to roll back to"):
        registry.rollback()

    # a person may overrule the gate; promoting what already serves changes nothing
    assert registry.promote(dpo.id, reason="by hand").status == "promoted"
    registry.promote(dpo.id)
    assert [(e["event"], e["id"], e["from"]) for e in registry.history()] == [
        ("promote", "v0001", None), ("promote", "v0002", "v0001"), ("refuse", "v0003", None),
        ("rollback", "v0001", "v0002"), ("promote", "v0003", "v0001")]
    assert registry.history()[-1]["was"] == "refused"
    assert registry.history()[1]["reason"] == "gate: accuracy 0.50 -> 0.60"

    registry.set_metrics("v0003", "eval-abc", {"accuracy": 0.6, "verified_wrong": 0})
    again = PlannerRegistry(registry.root)            # another process's view
    assert again.current().id == "v0003"
    assert again.get("3").metrics == {"eval-abc": {"accuracy": 0.6, "verified_wrong": 0}}
    assert [v.status for v in again.versions()] == ["retired", "retired", "promoted"]
    assert again.history() == registry.history()


def test_bad_requests_say_what_is_wrong(registry, tmp_path):
    with pytest.raises(UnknownVersion, match="no planner version 'v0007'.*known: none yet"):
        registry.get("v0007")
    registry.add(None, kind="base")
    with pytest.raises(UnknownVersion, match=r"known: v0001"):
        registry.promote("v0002")
    with pytest.raises(UnknownVersion, match="not a planner version id"):
        registry.get("latest")
    with pytest.raises(RegistryError, match="nothing to roll back"):
        registry.rollback()
    with pytest.raises(RegistryError, match="unknown kind 'ppo'"):
        registry.add(None, kind="ppo")
    with pytest.raises(RegistryError, match="kind 'base' has no adapter"):
        registry.add(fake_adapter(tmp_path / "a"), kind="base")
    with pytest.raises(RegistryError, match="kind 'base' has no adapter"):
        registry.add(None, kind="dpo")
    with pytest.raises(RegistryError, match="no adapter_config.json"):
        registry.add(tmp_path, kind="import")
    with pytest.raises(UnknownVersion):
        registry.add(None, kind="base", parent="v0042")
    assert [v.id for v in registry.versions()] == ["v0001"]
    # UnknownVersion is a LookupError, RegistryBusy a TimeoutError: callers may catch either
    assert issubclass(UnknownVersion, LookupError) and issubclass(RegistryBusy, TimeoutError)


@needs_adapter
def test_bootstrap_registers_the_committed_adapter_once(registry):
    first = registry.bootstrap()
    assert (first.id, first.kind, first.status) == ("v0001", "sft", "promoted")
    assert first.info["source"] == str(COMMITTED) and "training" in first.info
    assert ((first.path / "adapter_model.safetensors").read_bytes()
            == (COMMITTED / "adapter_model.safetensors").read_bytes())
    assert registry.bootstrap().id == "v0001"
    assert PlannerRegistry(registry.root).bootstrap().id == "v0001"
    assert len(registry.versions()) == 1 and len(registry.history()) == 1


def test_the_pointer_is_never_seen_half_written(registry):
    """One thread promotes back and forth; every read of current.json parses."""
    for _ in range(2):
        registry.add(None, kind="base")
    registry.promote("v0001")
    stop, seen, failures = threading.Event(), set(), []

    def promote_back_and_forth():
        for i in range(150):
            registry.promote("v0002" if i % 2 == 0 else "v0001")
        stop.set()

    writer = threading.Thread(target=promote_back_and_forth)
    writer.start()
    pointer = registry.root / "current.json"
    while not stop.is_set():
        try:
            seen.add(json.loads(pointer.read_text())["id"])
        except (json.JSONDecodeError, FileNotFoundError) as err:   # pragma: no cover
            failures.append(repr(err))
    writer.join()
    assert failures == [] and seen == {"v0001", "v0002"}
    assert len(registry.history()) == 151
    assert not list(registry.root.glob(".*.tmp"))


HOLD = textwrap.dedent("""
    import sys
    from agent.training.versions import PlannerRegistry
    with PlannerRegistry(sys.argv[1]).lock():
        print("held", flush=True)
        sys.stdin.read()                 # until the test closes our stdin
""")

ADD = textwrap.dedent("""
    import sys
    from agent.training.versions import PlannerRegistry
    registry = PlannerRegistry(sys.argv[1])
    print(" ".join(registry.add(None, kind="base").id for _ in range(8)))
""")


def test_one_round_at_a_time_across_processes(registry):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(registry.root)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RegistryBusy, match=f"held by an RLHF round.*{holder.pid}"):
            with registry.lock():
                pass
        started = time.monotonic()
        with pytest.raises(RegistryBusy, match="waited 0.3 s"):
            with registry.lock(timeout=0.3):
                pass
        assert time.monotonic() - started >= 0.3
        registry.promote(registry.add(None, kind="base").id)   # short changes still go through
    finally:
        holder.stdin.close()
        holder.wait(10)
    with registry.lock(timeout=5) as held:
        assert held is registry
        with pytest.raises(RegistryBusy):             # not re-entrant, even in one process
            with PlannerRegistry(registry.root).lock():
                pass


def test_versions_added_at_once_by_two_processes_get_distinct_ids(registry):
    runs = [subprocess.Popen([sys.executable, "-c", ADD, str(registry.root)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    ids = [i for run in runs for i in run.communicate(timeout=60)[0].split()]
    assert sorted(ids) == [f"v{n:04d}" for n in range(1, 17)]
    assert [v.id for v in registry.versions()] == sorted(ids)


# ---------------------------------------------------------------------- serving
@needs_adapter
def test_auto_serves_the_registrys_current_version(registry):
    settings = Settings(planner_registry=str(registry.root))
    assert resolve_adapter("auto", registry.root) == COMMITTED     # nothing promoted yet
    assert resolve_adapter("") is None
    assert resolve_adapter(str(COMMITTED), registry.root) == COMMITTED
    first = registry.bootstrap()
    assert resolve_adapter("auto", registry.root) == first.path
    assert first.path.is_relative_to(registry.root)
    planner = TransformersPlanner(settings, TOOLS)
    assert planner.tuned and planner.version == "v0001"
    assert planner.describe() == "transformers: gemma-3-270m + planner v0001"
    registry.promote(registry.add(None, kind="base").id)
    assert resolve_adapter("auto", registry.root) is None
    assert not planner.tuned and planner.version == "v0002"
    assert planner.describe() == "transformers: gemma-3-270m, planner v0002 (no adapter)"
    # a planner given a folder, or none, ignores the registry
    fixed = TransformersPlanner(settings.model_copy(update={"adapter": str(COMMITTED)}),
                                TOOLS)
    assert fixed.tuned and fixed.version == ""
    assert fixed.describe() == f"transformers: gemma-3-270m + {COMMITTED}"


def test_the_planner_switches_between_questions_and_survives_a_bad_version(
        registry, tmp_path, monkeypatch, caplog):
    """The switching machinery, with loading stubbed out (the real model: the slow test)."""
    loads = []

    def load(self, serving, old):
        loads.append(serving.version)
        if serving.version == "v0003":
            raise OSError("adapter_model.safetensors is truncated")
        return _Loaded(serving, tokenizer=None, model=None, grammar=None)

    monkeypatch.setattr(TransformersPlanner, "_load", load)
    registry.promote(registry.add(fake_adapter(tmp_path / "a"), kind="import").id)
    planner = TransformersPlanner(Settings(planner_registry=str(registry.root)),
                                  TOOLS)
    assert planner._serving().serving == Serving("v0001", registry.get("v0001").path)
    planner._serving()
    assert loads == ["v0001"]                         # the pointer did not move: no load

    registry.promote(registry.add(None, kind="base").id)
    assert planner._serving().serving == Serving("v0002", None) and loads == ["v0001", "v0002"]

    registry.promote(registry.add(fake_adapter(tmp_path / "b"), kind="dpo").id)
    with caplog.at_level(logging.WARNING, logger="agent.planner.local"):
        assert planner._serving().serving.version == "v0002"      # still the old one
    assert "truncated" in caplog.text and "still serving v0002" in caplog.text
    planner._serving()
    assert loads == ["v0001", "v0002", "v0003"]       # tried once, not before every question

    registry.rollback()                               # back to v0002, which is loaded
    assert planner._serving().serving.version == "v0002" and len(loads) == 3
    registry.promote("v0001")
    assert planner._serving().serving.version == "v0001" and loads[-1] == "v0001"


@needs_adapter
@pytest.mark.slow
def test_a_running_planner_takes_up_a_promoted_version(registry):
    """One TransformersPlanner plans with the committed adapter, then, after a promotion of
    the base model alone, with that: a new prompt form, a new description, the same object;
    the new model loads while the generation lock is held by someone else."""
    registry.bootstrap()
    planner = TransformersPlanner(Settings(planner_registry=str(registry.root), examples=2,
                                           max_new_tokens=160), TOOLS)
    question = "Ricci scalar of the Schwarzschild metric"
    try:
        planner.propose(question)
    except PlanError:                                 # a cut-off plan is a plan all the same
        pass
    assert planner.describe() == "transformers: gemma-3-270m + planner v0001"
    bank = planner.solved_examples()                  # the adapter brings its solved examples
    assert bank is not None
    assert planner.last_prompt == prompt.render_tuned(question, examples=bank.nearest(question))
    tuned_model = planner._loaded.model

    registry.promote(registry.add(None, kind="base").id)
    with planner._lock:                               # a plan in progress elsewhere
        loaded = planner._serving()
    assert loaded.serving == Serving("v0002", None) and loaded.model is not tuned_model
    try:
        planner.propose(question)
    except PlanError:
        pass
    assert planner.describe() == "transformers: gemma-3-270m, planner v0002 (no adapter)"
    assert planner.version == "v0002" and not planner.tuned
    assert planner.last_prompt == prompt.render(question, TOOLS, n_examples=2)


def test_vllm_serves_the_current_version_with_a_rank_it_accepts(registry, tmp_path):
    from agent.serve import VLLMServer, max_lora_rank
    assert max_lora_rank(fake_adapter(tmp_path / "r8")) == 8
    assert max_lora_rank(fake_adapter(tmp_path / "r24", rank=24)) == 32
    wide = fake_adapter(tmp_path / "wide")
    (wide / "adapter_config.json").write_text(json.dumps({"r": 8, "rank_pattern": {"q": 100}}))
    assert max_lora_rank(wide) == 128
    with pytest.raises(ValueError, match="rank 600"):
        max_lora_rank(fake_adapter(tmp_path / "r600", rank=600))

    registry.promote(registry.add(fake_adapter(tmp_path / "a", rank=24), kind="dpo").id)
    settings = Settings(planner_registry=str(registry.root), vllm_python=sys.executable)
    command = VLLMServer(settings, checkpoint=tmp_path).command()
    assert command[command.index("--lora-modules") + 1] == f"planner={registry.root}/v0001/adapter"
    assert command[command.index("--max-lora-rank") + 1] == "32"
    registry.promote(registry.add(None, kind="base").id)
    assert "--enable-lora" not in VLLMServer(settings, checkpoint=tmp_path).command()
