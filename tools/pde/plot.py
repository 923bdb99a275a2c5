"""A PNG summary of a solution: the field, its error against the reference, the loss curve."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .solution import Solution


def plot_solution(solution: Solution, path: str | Path | None = None) -> Path:
    """Write the figure to ``path`` (a temporary file if None) and return the path.

    Problems of one variable are drawn as curves; of two or more as a colour map over the
    first two variables, the others held at their midpoints (the disk masked outside).
    """
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    spec = solution.spec
    names = list(spec.variables)
    grid, shape, axes = _grid(spec)
    values = solution(grid).reshape(len(grid), -1)[:, 0]
    truth = spec.reference_values(grid)
    truth = None if truth is None else truth[:, 0]
    panels = 2 + (truth is not None)
    fig, ax = plt.subplots(1, panels, figsize=(4.6 * panels, 3.8), constrained_layout=True)
    title = spec.name or spec.equations[0]
    unknown = spec.unknowns[0]
    if len(axes) == 1:
        ax[0].plot(axes[0], values, label=solution.method)
        if truth is not None:
            ax[0].plot(axes[0], truth, "--", label="exact/reference")
            ax[1].semilogy(axes[0], np.abs(values - truth) + 1e-300)
            ax[1].set(title="|error|", xlabel=names[0])
        ax[0].set(title=title, xlabel=names[0], ylabel=unknown)
        ax[0].legend()
    else:
        x_name, y_name = _plane(spec)
        extent = [*spec.variables[x_name], *spec.variables[y_name]]
        image = ax[0].imshow(values.reshape(shape).T, origin="lower", extent=extent,
                             aspect="auto", cmap="viridis")
        fig.colorbar(image, ax=ax[0])
        ax[0].set(title=f"{unknown}: {title}", xlabel=x_name, ylabel=y_name)
        if truth is not None:
            err = np.abs(values - truth).reshape(shape).T
            image = ax[1].imshow(err, origin="lower", extent=extent, aspect="auto",
                                 cmap="magma")
            fig.colorbar(image, ax=ax[1])
            ax[1].set(title="|error|", xlabel=x_name, ylabel=y_name)
    loss_ax = ax[-1]
    if solution.loss_history:
        steps, losses = zip(*solution.loss_history)
        loss_ax.semilogy(steps, losses)
        loss_ax.set(title="training loss", xlabel="iteration")
    else:
        loss_ax.axis("off")
        loss_ax.text(0.05, 0.5, f"{solution.method} solver\n"
                     f"{solution.metrics.get('solver', '')}\nno training loss", va="center")
    estimate = solution.error_estimate
    fig.suptitle(f"{solution.method}; error estimate "
                 f"{'n/a' if estimate is None else f'{estimate:.2e}'}")
    if path is None:
        path = Path(tempfile.mkstemp(prefix="geodesic-pde-", suffix=".png")[1])
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plane(spec) -> tuple[str, str]:
    """The two variables drawn: space first, time second when there is one."""
    names = spec.space + ([spec.time] if spec.time else [])
    return names[0], names[1]


def _grid(spec, n: int = 121):
    names = list(spec.variables)
    if len(names) == 1:
        axis = np.linspace(*spec.variables[names[0]], 400)
        return axis[:, None], (400,), [axis]
    x_name, y_name = _plane(spec)
    xs = np.linspace(*spec.variables[x_name], n)
    ys = np.linspace(*spec.variables[y_name], n)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    points = np.empty((n * n, len(names)))
    for i, name in enumerate(names):
        lo, hi = spec.variables[name]
        points[:, i] = (lo + hi) / 2
    points[:, names.index(x_name)] = X.ravel()
    points[:, names.index(y_name)] = Y.ravel()
    if spec.disk is not None:   # points outside the disk are drawn at the centre's value
        cx, cy = spec.disk.center
        outside = (X.ravel() - cx)**2 + (Y.ravel() - cy)**2 > spec.disk.radius**2
        points[outside, names.index(x_name)] = cx
        points[outside, names.index(y_name)] = cy
    return points, (n, n), [xs, ys]
