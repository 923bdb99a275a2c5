"""Reports of an eval run (``report.json``, ``report.md``, PNG plots) and comparisons of two.

``report.json`` holds ``n_tasks``, ``n_correct``, ``accuracy``, ``verified_wrong`` (answers
marked verified that are wrong: the number that must stay 0), ``mean_credit``, ``suites``
(per suite ``{n, correct, accuracy, verified, verified_wrong, credit}``) and ``tasks`` (per
task ``{id, suite, correct, verified, seconds, error, ...}``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

TASK_KEYS = ("id", "suite", "correct", "credit", "verified", "status", "seconds", "error",
             "detail", "reason", "final", "tools")


def summarise(results: list[dict]) -> dict[str, Any]:
    """Counts over ``results`` (task records), overall and per suite."""
    def counts(rows: list[dict]) -> dict[str, Any]:
        n = len(rows)
        correct = sum(bool(r.get("correct")) for r in rows)
        return {"n": n, "correct": correct, "accuracy": round(correct / n, 4) if n else 0.0,
                "verified": sum(bool(r.get("verified")) for r in rows),
                "verified_wrong": sum(bool(r.get("verified")) and not r.get("correct")
                                      for r in rows),
                "errors": sum(r.get("status") == "error" for r in rows),
                "credit": round(sum(float(r.get("credit", 0)) for r in rows) / n, 4)
                if n else 0.0,
                "seconds": round(sum(float(r.get("seconds", 0)) for r in rows), 1)}
    suites = sorted({r["suite"] for r in results})
    total = counts(results)
    return {"n_tasks": total["n"], "n_correct": total["correct"], "accuracy": total["accuracy"],
            "verified_wrong": total["verified_wrong"], "n_verified": total["verified"],
            "n_errors": total["errors"], "mean_credit": total["credit"],
            "task_seconds": total["seconds"],
            "suites": {s: counts([r for r in results if r["suite"] == s]) for s in suites}}


def write_report(out: Path, results: list[dict], run: dict) -> dict:
    """Write ``report.json``, ``report.md`` and the plots into ``out``; return the report."""
    report = {"label": run.get("label", ""), "mode": run.get("mode", ""),
              "tasks_file": run.get("tasks", ""), "settings": run.get("settings", {}),
              "created": time.strftime("%Y-%m-%d %H:%M:%S"),
              **summarise(results),
              "skipped": run.get("skipped", []),
              **({"stopped": run["stopped"]} if run.get("stopped") else {}),
              "tasks": [{k: r.get(k) for k in TASK_KEYS} for r in results]}
    write_atomic(out / "report.json", json.dumps(report, indent=1, default=str))
    figures = plot(report, out)
    write_atomic(out / "report.md", markdown(report, figures))
    return report


def markdown(report: dict, figures: list[str] = ()) -> str:
    lines = [f"# Eval: {report['label']}", "",
             f"{report['created']} · tasks `{report['tasks_file']}` · mode {report['mode']}", "",
             f"**{report['n_correct']} / {report['n_tasks']} correct "
             f"({100 * report['accuracy']:.1f} %)**, verified but wrong: "
             f"**{report['verified_wrong']}**, mean partial credit "
             f"{report['mean_credit']:.2f}, errors {report['n_errors']}", "",
             "| suite | tasks | correct | accuracy | verified | verified & wrong | credit "
             "| seconds |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, s in report["suites"].items():
        lines.append(f"| {name} | {s['n']} | {s['correct']} | {100 * s['accuracy']:.1f} % | "
                     f"{s['verified']} | {s['verified_wrong']} | {s['credit']:.2f} | "
                     f"{s['seconds']:.0f} |")
    if report.get("skipped"):
        lines += ["", f"Skipped (no reference plan): {', '.join(report['skipped'])}"]
    if report.get("stopped"):
        lines += ["", f"Stopped early: {report['stopped']}"]
    lines += [""] + [f"![{Path(f).stem}]({Path(f).name})" for f in figures]
    wrong = [t for t in report["tasks"] if not t["correct"]]
    if wrong:
        lines += ["", "## Not correct", "", "| task | status | why |", "| --- | --- | --- |"]
        for t in wrong:
            why = t.get("error") or t.get("detail") or t.get("reason") or ""
            lines.append(f"| {t['id']} | {'VERIFIED BUT WRONG' if t['verified'] else t.get('status')}"
                         f" | {_cell(why)} |")
    return "\n".join(lines) + "\n"


def _cell(text: Any, limit: int = 160) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def plot(report: dict, out: Path) -> list[str]:
    """Accuracy per suite and seconds per task, as PNG files in ``out``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    suites = list(report["suites"])
    if not suites:
        return []
    figures = []
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(suites), 3.2))
    acc = [100 * report["suites"][s]["accuracy"] for s in suites]
    credit = [100 * report["suites"][s]["credit"] for s in suites]
    x = range(len(suites))
    ax.bar([i - 0.2 for i in x], acc, 0.4, label="correct")
    ax.bar([i + 0.2 for i in x], credit, 0.4, label="partial credit", alpha=0.6)
    for i, s in enumerate(suites):
        ax.text(i - 0.2, acc[i] + 1, f"{report['suites'][s]['correct']}/"
                f"{report['suites'][s]['n']}", ha="center", fontsize=7)
    ax.set_xticks(list(x), suites)
    ax.set_ylim(0, 110)
    ax.set_ylabel("%")
    ax.set_title(report["label"], fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    figures.append(_save(fig, out / "accuracy.png"))
    fig, ax = plt.subplots(figsize=(5, 3.2))
    data = [[max(t["seconds"] or 0.0, 1e-2) for t in report["tasks"] if t["suite"] == s]
            for s in suites]
    ax.boxplot(data)
    ax.set_xticks(range(1, len(suites) + 1), suites)
    ax.set_yscale("log")
    ax.set_ylabel("seconds per task")
    fig.tight_layout()
    figures.append(_save(fig, out / "seconds.png"))
    plt.close("all")
    return figures


def _save(fig, path: Path) -> str:
    tmp = path.with_name(path.stem + ".tmp.png")
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, path)
    return str(path)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename: a reader never sees
    half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def load_report(path: Path) -> dict:
    """A report from its folder or its ``report.json``."""
    path = Path(path)
    file = path / "report.json" if path.is_dir() else path
    try:
        return json.loads(file.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{file}: not an eval report ({err})") from None


def compare(a: dict, b: dict) -> str:
    """Markdown: accuracy per suite of two reports side by side, and the tasks that changed."""
    lines = [f"# {a['label']} (A) vs {b['label']} (B)", "",
             "| suite | A | B | change |", "| --- | ---: | ---: | ---: |"]
    for name in sorted(set(a["suites"]) | set(b["suites"])):
        sa, sb = a["suites"].get(name), b["suites"].get(name)
        cell = (lambda s: f"{s['correct']}/{s['n']} ({100 * s['accuracy']:.1f} %)"
                if s else "—")
        delta = (f"{100 * (sb['accuracy'] - sa['accuracy']):+.1f} pt" if sa and sb else "")
        lines.append(f"| {name} | {cell(sa)} | {cell(sb)} | {delta} |")
    lines.append(f"| **all** | {a['n_correct']}/{a['n_tasks']} ({100 * a['accuracy']:.1f} %) | "
                 f"{b['n_correct']}/{b['n_tasks']} ({100 * b['accuracy']:.1f} %) | "
                 f"{100 * (b['accuracy'] - a['accuracy']):+.1f} pt |")
    lines += ["", f"verified but wrong: A {a['verified_wrong']}, B {b['verified_wrong']}"]
    ta = {t["id"]: t for t in a["tasks"]}
    tb = {t["id"]: t for t in b["tasks"]}
    common = [i for i in ta if i in tb]
    fixed = [i for i in common if tb[i]["correct"] and not ta[i]["correct"]]
    broken = [i for i in common if ta[i]["correct"] and not tb[i]["correct"]]
    lines += ["", f"correct only in B ({len(fixed)}): {', '.join(fixed) or '—'}",
              f"correct only in A ({len(broken)}): {', '.join(broken) or '—'}"]
    only = sorted(set(ta) ^ set(tb))
    if only:
        lines.append(f"in one report only ({len(only)}): {', '.join(only[:20])}"
                     + (" ..." if len(only) > 20 else ""))
    return "\n".join(lines) + "\n"
