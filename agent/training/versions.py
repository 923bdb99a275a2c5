"""The model registry of the planner: every adapter the planner has served or been offered,
with its lineage, eval figures and fate, and one pointer to the version being served.

A folder (``Settings.planner_registry``, empty: ``GEODESIC_HOME/planners``) holds::

    v0001/version.json    id, kind, parent, created, status, metrics, info, note
    v0001/adapter/        the LoRA adapter (absent for a version of kind "base": no adapter)
    current.json          the pointer: the served version and the ones served before it
    history.jsonl         promotions, refusals and rollbacks, one JSON object a line
    .lock                 held (flock) by an RLHF round for its whole length
    .write.lock           held for the few milliseconds of each change to the files above

Every JSON file is replaced in one ``os.replace`` of a synced temporary file and every
version folder arrives by one ``rename``, so a reader (the server deciding which planner to
load) sees the old state or the new, never half of either. Changes from several threads or
processes are serialised by ``.write.lock``; whole RLHF rounds by :meth:`PlannerRegistry.lock`.

Statuses: a new version is a ``candidate``; the gate ``promote``\\ s it (it serves now and the
version it replaces is ``retired``) or ``refuse``\\ s it. A person may still promote a refused
version by hand (the gate's verdict is advice about one eval set, not a ban), and may
``rollback`` to the version served before the current one.

>>> import tempfile
>>> registry = PlannerRegistry(Path(tempfile.mkdtemp()))
>>> first = registry.add(None, kind="base", note="Gemma 3 270M alone")
>>> registry.promote(first.id).status, registry.current().id
('promoted', 'v0001')
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from tools.base import geodesic_home

KINDS = ("sft", "dpo", "kto", "grpo", "base", "import")
STATUSES = ("candidate", "promoted", "refused", "retired")
POINTER = "current.json"
WRITE_WAIT = 30.0                 # seconds a change waits for another process's change


class RegistryError(ValueError):
    """A request the planner registry cannot carry out as asked."""


class UnknownVersion(RegistryError, LookupError):
    """No version of that id in the registry."""


class RegistryBusy(RegistryError, TimeoutError):
    """Another round (or process) holds the registry's lock."""


@dataclass
class Version:
    """One planner in the registry. ``path`` is its adapter folder, None for the base model."""

    id: str
    path: Path | None
    kind: str
    parent: str | None
    created: str
    status: str = "candidate"
    metrics: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def label(self) -> str:
        """How answers name the planner that made them: ``planner v0003``."""
        return f"planner {self.id}"


def default_root() -> Path:
    return geodesic_home() / "planners"


class PlannerRegistry:
    """The versions of the planner under ``root`` (default ``GEODESIC_HOME/planners``).

    Reading never creates anything: a registry that was never written is empty, with no
    current version (the server then serves the project's committed adapter).
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root) if root else default_root()
        self._guard = threading.RLock()          # this object's threads, one change at a time
        self._depth = 0
        self._write_fd: int | None = None

    def __repr__(self) -> str:
        return f"PlannerRegistry({str(self.root)!r})"

    # ------------------------------------------------------------------ reading
    def versions(self) -> list[Version]:
        """All versions, oldest first."""
        if not self.root.is_dir():
            return []
        folders = [p for p in self.root.glob("v[0-9]*")
                   if p.name[1:].isdigit() and (p / "version.json").is_file()]
        return [self._read(p) for p in sorted(folders, key=lambda p: int(p.name[1:]))]

    def get(self, id: str) -> Version:
        """The version ``id`` (``v0003``; ``3`` and ``"3"`` are accepted too)."""
        folder = self.root / _normal_id(id)
        if not (folder / "version.json").is_file():
            known = ", ".join(v.id for v in self.versions()) or "none yet"
            raise UnknownVersion(f"no planner version {id!r} in {self.root} (known: {known})")
        return self._read(folder)

    def current(self) -> Version | None:
        """The version being served, or None when nothing was ever promoted."""
        pointer = self.pointer()
        return self.get(pointer["id"]) if pointer else None

    def pointer(self) -> dict | None:
        """The content of ``current.json``: ``id``, ``since``, ``previous`` (older first)."""
        try:
            text = (self.root / POINTER).read_text()
        except FileNotFoundError:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            raise RegistryError(f"{self.root / POINTER} is not JSON ({err}); it is only ever "
                                f"replaced whole, so it was edited by hand") from None

    def history(self) -> list[dict]:
        """Promotions, refusals and rollbacks, oldest first."""
        try:
            lines = (self.root / "history.jsonl").read_text().splitlines()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    # ------------------------------------------------------------------ writing
    def add(self, adapter: Path | str | None, *, kind: str, parent: str | None = None,
            info: dict | None = None, note: str = "") -> Version:
        """Register a copy of the adapter folder ``adapter`` (None: the base model alone, kind
        ``base``) as a new candidate. Trainer checkpoints (``checkpoint-*``) are not copied."""
        if kind not in KINDS:
            raise RegistryError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        if (adapter is None) != (kind == "base"):
            raise RegistryError("a version of kind 'base' has no adapter, and only it: "
                                f"got kind {kind!r} with adapter {adapter!r}")
        if adapter is not None:
            adapter = Path(adapter)
            if not (adapter / "adapter_config.json").is_file():
                raise RegistryError(f"{adapter} is not a LoRA adapter folder (it has no "
                                    f"adapter_config.json)")
        if parent is not None:
            parent = self.get(parent).id
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.root))
        try:
            if adapter is not None:                  # the slow part, outside the write lock
                shutil.copytree(adapter, staging / "adapter",
                                ignore=shutil.ignore_patterns("checkpoint-*", "runs"))
            with self._writing():
                taken = [int(p.name[1:]) for p in self.root.glob("v[0-9]*")
                         if p.name[1:].isdigit()]
                new = f"v{max(taken, default=0) + 1:04d}"
                version = Version(id=new, path=None if adapter is None else
                                  self.root / new / "adapter", kind=kind, parent=parent,
                                  created=_now(), info=dict(info or {}), note=note)
                _write_json(staging / "version.json", _record(version))
                staging.rename(self.root / version.id)
                _sync_dir(self.root)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return self.get(version.id)

    def promote(self, id: str, reason: str = "") -> Version:
        """Serve version ``id`` from now on. The one it replaces is ``retired`` (and is where
        :meth:`rollback` goes back to). Promoting the current version changes nothing."""
        with self._writing():
            version = self.get(id)
            pointer = self.pointer()
            if pointer and pointer["id"] == version.id:
                return version
            before = self.current() if pointer else None
            previous = list(pointer["previous"]) + [pointer["id"]] if pointer else []
            was = version.status
            self._point(version.id, previous, reason)
            if before is not None:
                self._set_status(before, "retired")
            version = self._set_status(version, "promoted")
            self._log("promote", version.id, before, reason, was=was)
            return version

    def refuse(self, id: str, reason: str = "") -> Version:
        """Mark version ``id`` as not to be served (the gate's verdict on a candidate)."""
        with self._writing():
            version = self.get(id)
            pointer = self.pointer()
            if pointer and pointer["id"] == version.id:
                raise RegistryError(f"{version.id} is being served: promote another version "
                                    f"or roll back before refusing it")
            version = self._set_status(version, "refused")
            self._log("refuse", version.id, None, reason)
            return version

    def rollback(self, reason: str = "") -> Version:
        """Serve again the version served before the current one (skipping any refused since);
        the current one is ``retired``."""
        with self._writing():
            pointer = self.pointer()
            if not pointer:
                raise RegistryError(f"nothing to roll back: no planner was ever promoted in "
                                    f"{self.root}")
            previous = list(pointer["previous"])
            while previous and self.get(previous[-1]).status == "refused":
                previous.pop()
            if not previous:
                raise RegistryError(f"nothing to roll back to: {pointer['id']} is the first "
                                    f"planner served from {self.root}")
            before, target = self.get(pointer["id"]), self.get(previous.pop())
            self._point(target.id, previous, reason)
            self._set_status(before, "retired")
            target = self._set_status(target, "promoted")
            self._log("rollback", target.id, before, reason)
            return target

    def set_metrics(self, id: str, key: str, metrics: dict) -> Version:
        """Keep the eval figures ``metrics`` of version ``id`` on the eval set ``key``."""
        with self._writing():
            version = self.get(id)
            version.metrics[key] = metrics
            _write_json(self.root / version.id / "version.json", _record(version))
            return version

    def bootstrap(self) -> Version:
        """The current version; in a registry with none, first register and promote the
        project's committed adapter (``agent/adapters/planner``, kind ``sft``), else the base
        model alone. Calling it again returns the same version."""
        from ..model import project_adapter
        with self._writing():
            current = self.current()
            if current is not None:
                return current
            adapter = project_adapter()
            info: dict[str, Any] = {"source": str(adapter) if adapter else "base model"}
            if adapter is not None and (adapter / "training.json").is_file():
                info["training"] = json.loads((adapter / "training.json").read_text())
            version = self.add(adapter, kind="sft" if adapter else "base", info=info,
                               note="the project's committed planner" if adapter
                               else "the base model alone (no committed adapter)")
            return self.promote(version.id, reason="bootstrap: the planner served before "
                                                   "the registry existed")

    @contextmanager
    def lock(self, timeout: float | None = 0.0) -> Iterator[PlannerRegistry]:
        """Hold the registry for one RLHF round: an exclusive ``flock`` on ``root/.lock``, so
        that two rounds (two processes, or two threads) never overlap. ``timeout``: seconds to
        wait for it (0, the default: not at all; None: as long as it takes); then
        :class:`RegistryBusy` names the holder. Not re-entrant. Reading, and the registry's
        own short changes (``promote``...), do not need it."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / ".lock"
        fd = _acquire(path, timeout, "an RLHF round")
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                      "since": _now()}).encode(), 0)
            yield self
        finally:
            os.close(fd)                        # closing the descriptor releases the flock

    # ------------------------------------------------------------------ inside
    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One change at a time: this object's threads by a re-entrant lock, other objects
        and processes by ``flock`` on ``root/.write.lock``."""
        with self._guard:
            if self._depth == 0:
                self.root.mkdir(parents=True, exist_ok=True)
                self._write_fd = _acquire(self.root / ".write.lock", WRITE_WAIT,
                                          "a change to the registry")
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    os.close(self._write_fd)
                    self._write_fd = None

    def _read(self, folder: Path) -> Version:
        data = json.loads((folder / "version.json").read_text())
        data["path"] = folder / data["path"] if data.get("path") else None
        return Version(**data)

    def _set_status(self, version: Version, status: str) -> Version:
        version.status = status
        _write_json(self.root / version.id / "version.json", _record(version))
        return version

    def _point(self, id: str, previous: list[str], reason: str) -> None:
        _write_json(self.root / POINTER, {"id": id, "since": _now(), "previous": previous,
                                          "reason": reason})

    def _log(self, event: str, id: str, before: Version | None, reason: str, **more) -> None:
        entry = {"time": _now(), "event": event, "id": id,
                 "from": before.id if before else None, "reason": reason, **more}
        with open(self.root / "history.jsonl", "a") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()
            os.fsync(f.fileno())


def _record(version: Version) -> dict:
    """version.json: the adapter's place relative to the version's folder, so that a whole
    registry can be moved or copied."""
    data = asdict(version)
    data["path"] = "adapter" if version.path is not None else None
    return data


def _normal_id(id: str | int) -> str:
    text = str(id).strip()
    digits = text[1:] if text[:1] in ("v", "V") else text
    if not digits.isdigit():
        raise UnknownVersion(f"{id!r} is not a planner version id (they read v0001, v0002, ...)")
    return f"v{int(digits):04d}"


def _acquire(path: Path, timeout: float | None, what: str) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if deadline is not None and time.monotonic() >= deadline:
                holder = os.pread(fd, 4096, 0).decode(errors="replace").strip()
                os.close(fd)
                raise RegistryBusy(f"the planner registry {path.parent} is held by {what} "
                                   f"({holder or 'holder unknown'}); waited {timeout:g} s"
                                   ) from None
            time.sleep(0.05)
        except BaseException:
            os.close(fd)
            raise


def _write_json(path: Path, data: dict) -> None:
    """Replace ``path`` whole: a synced temporary file renamed over it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, default=str)      # Paths in info, say
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _sync_dir(path.parent)


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
