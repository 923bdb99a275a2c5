"""A physics-informed neural network for a ``PDESpec``, on DeepXDE with PyTorch.

The residual comes from the parsed equations by automatic differentiation; Dirichlet and
initial conditions become hard constraints where :mod:`.constraints` can build them, periodic
variables enter through Fourier features (so periodicity is exact), the rest are penalties.
Training is Adam, then L-BFGS in float64 with residual-based adaptive refinement (RAR-D):
points drawn where the residual is large join the collocation set between L-BFGS rounds. A
NaN or diverging loss restarts from a new seed with half the learning rate. DeepXDE puts the
work on the GPU when one is present.

>>> from tools.pde import library
>>> from tools.pde.pinn import PINNConfig, solve_pinn
>>> sol = solve_pinn(library.get("harmonic_oscillator"),
...                  PINNConfig(adam_iterations=500, lbfgs_iterations=1000, progress=False))
>>> sol.metrics["l2re"] < 1e-3
True
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

from .constraints import hard_constraint
from .errors import SolverFailed
from .evaluate import NUMPY, Program, evaluate, torch_namespace
from .solution import Solution, relative_l2, sample_domain
from .spec import ParsedCondition, PDESpec

os.environ.setdefault("DDE_BACKEND", "pytorch")


@dataclass(frozen=True)
class PINNConfig:
    """Network, sampling and training settings; the defaults suit small 1D-3D problems."""

    width: int = 20
    depth: int = 3
    num_domain: int | None = None        # collocation points; by dimension when None
    num_boundary: int | None = None
    adam_iterations: int = 1000
    learning_rate: float = 1e-3
    lbfgs_iterations: int = 4000
    lbfgs_history: int = 100             # correction pairs kept by L-BFGS
    rar_rounds: int | None = None        # L-BFGS rounds after the first, each after RAR;
    #                                      one per 1500 L-BFGS iterations when None
    rar_points: int = 200                # points added per RAR round
    fourier_modes: int = 4               # features cos/sin(2 pi k x / L), k = 1..modes
    seed: int = 0
    seconds: float | None = None         # wall-clock budget for training
    retries: int = 2                     # restarts after NaN or divergence
    threads: int | None = None           # torch CPU threads; chosen by problem size if None
    progress: bool = True


def solve_pinn(spec: PDESpec, config: PINNConfig | None = None, **overrides) -> Solution:
    """Train a PINN for ``spec``; the returned Solution has metrics and a loss history."""
    config = replace(config or PINNConfig(), **overrides)
    if spec.budget.iterations is not None:      # a total: Adam warms up, L-BFGS gets the rest
        adam = max(1, min(config.adam_iterations, spec.budget.iterations // 5))
        config = replace(config, adam_iterations=adam,
                         lbfgs_iterations=max(1, spec.budget.iterations - adam))
    if spec.budget.seconds is not None and config.seconds is None:
        config = replace(config, seconds=spec.budget.seconds)
    last_error: Exception | None = None
    for attempt in range(config.retries + 1):
        trial = replace(config, seed=config.seed + 1000 * attempt,
                        learning_rate=config.learning_rate / 2**attempt)
        try:
            solution = _train(spec, trial)
        except _Diverged as err:
            last_error = err
            continue
        solution.metrics["attempts"] = attempt + 1
        return solution
    raise SolverFailed(f"the PINN diverged on every attempt ({config.retries + 1}): "
                       f"{last_error}")


class _Diverged(Exception):
    pass


# ---------------------------------------------------------------------- problem assembly
class _Problem:
    """The DeepXDE pieces of one spec: geometry, residual, conditions, transforms."""

    def __init__(self, spec: PDESpec, config: PINNConfig) -> None:
        import deepxde as dde
        import torch
        self.spec, self.config, self.dde, self.torch = spec, config, dde, torch
        names = list(spec.variables)
        self.order = spec.space + ([spec.time] if spec.time else [])   # DeepXDE's columns
        self.perm = [names.index(v) for v in self.order]
        self.columns = {spec.symbol(v): i for i, v in enumerate(self.order)}
        self.geometry = self._geometry()
        self.hard = [hard_constraint(spec, k) for k in range(len(spec.unknowns))]
        covered = {id(c) for h in self.hard if h for c in h.covers}
        self.soft = [c for c in spec.parsed_conditions
                     if id(c) not in covered and c.kind != "periodic"]
        self.periodic = {str(c.side.variable) for c in spec.parsed_conditions
                         if c.kind == "periodic"}
        self.ns = torch_namespace()
        # compiled once: the residual and the output transform run at every iteration
        self.derivatives = sorted({d for r in spec.residuals for d in r.atoms(sp.Derivative)},
                                  key=sp.default_sort_key)
        self.residual_program = Program(
            spec.residuals, [*self.columns, *spec.functions, *self.derivatives], self.ns)
        hard = [h for h in self.hard if h is not None]
        self.output_program = Program([e for h in hard for e in (h.g, h.D)], self.columns,
                                      self.ns) if hard else None

    def _geometry(self):
        g, spec = self.dde.geometry, self.spec
        lo = [spec.variables[v][0] for v in spec.space]
        hi = [spec.variables[v][1] for v in spec.space]
        if spec.disk is not None:
            space = g.Disk(list(spec.disk.center), spec.disk.radius)
        elif len(lo) == 1:
            space = g.Interval(lo[0], hi[0])
        elif len(lo) == 2:
            space = g.Rectangle(lo, hi)
        elif len(lo) == 3:
            space = g.Cuboid(lo, hi)
        else:
            space = None
        if spec.time is None:
            return space
        timedomain = g.TimeDomain(*spec.variables[spec.time])
        return timedomain if space is None else g.GeometryXTime(space, timedomain)

    # -------------------------------------------------------------- residual
    def coordinates(self, X) -> dict:
        return {s: X[:, i:i + 1] for s, i in self.columns.items()}

    def leaves(self, X, Y) -> dict:
        values = self.coordinates(X)
        values.update({f: Y[:, k:k + 1] for k, f in enumerate(self.spec.functions)})
        return values

    def residual(self, X, Y):
        leaves = self.leaves(X, Y)
        gradients: dict = {}
        for d in self.derivatives:
            leaves[d] = self._derivative(d, X, Y, gradients)
        return self.residual_program(leaves)

    def _derivative(self, d: sp.Derivative, X, Y, cache: dict):
        """A mixed partial derivative by repeated autograd, sharing intermediate gradients."""
        torch = self.torch
        k = self.spec.functions.index(d.expr)
        value, path = Y[:, k:k + 1], ()
        for var, count in d.variable_count:
            for _ in range(count):
                col = self.columns[var]
                if (k, path) not in cache:
                    cache[(k, path)] = torch.autograd.grad(
                        value, X, grad_outputs=torch.ones_like(value), create_graph=True)[0]
                value = cache[(k, path)][:, col:col + 1]
                path = path + (col,)
        return value

    # -------------------------------------------------------------- conditions
    def conditions(self) -> list:
        icbc, spec = self.dde.icbc, self.spec
        out = []
        for c in self.soft:
            on = self._where(c)
            value = self._numpy_value(c.value)
            if c.kind == "dirichlet":
                out.append(icbc.DirichletBC(self.geometry, value, on, component=c.unknown))
            elif c.kind == "neumann":
                out.append(icbc.NeumannBC(self.geometry, value, on, component=c.unknown))
            elif c.kind == "robin":
                torch = self.torch
                out.append(icbc.RobinBC(
                    self.geometry,
                    lambda X, y, c=c, value=value: (torch.as_tensor(value(X), dtype=y.dtype)
                                                    - c.alpha * y) / c.beta,
                    on, component=c.unknown))
            elif c.kind == "initial" and c.derivative == 0 and spec.space:
                out.append(icbc.IC(self.geometry, value, on, component=c.unknown))
            elif c.kind == "initial":
                out.append(icbc.OperatorBC(self.geometry, self._initial_operator(c), on))
        return out

    def _where(self, c: ParsedCondition) -> Callable:
        if c.kind == "initial":
            col, at = self.columns[c.side.variable], c.side.at
            return lambda X, on_b: bool(np.isclose(X[col], at))
        if c.side.variable is None:
            return lambda X, on_b: on_b
        col, at = self.columns[c.side.variable], c.side.at
        return lambda X, on_b: on_b and bool(np.isclose(X[col], at))

    def _numpy_value(self, expr: sp.Expr) -> Callable:
        def value(X):
            leaves = {s: X[:, i] for s, i in self.columns.items()}
            out = evaluate(expr, leaves, NUMPY)
            return np.broadcast_to(np.asarray(out, dtype=float), (len(X),))[:, None].copy()
        return value

    def _initial_operator(self, c: ParsedCondition) -> Callable:
        torch = self.torch
        t_col, value, k = self.columns[c.side.variable], self._numpy_value(c.value), c.unknown

        def operator(X_tensor, Y, X):
            d = Y[:, k:k + 1]
            for _ in range(c.derivative):
                d = torch.autograd.grad(d, X_tensor, grad_outputs=torch.ones_like(d),
                                        create_graph=True)[0][:, t_col:t_col + 1]
            return d - torch.as_tensor(value(X), dtype=d.dtype)
        return operator

    # -------------------------------------------------------------- network
    def network(self):
        dde, torch, config = self.dde, self.torch, self.config
        spec = self.spec
        bounds = [spec.variables[v] for v in self.order]
        periodic = [v in self.periodic for v in self.order]
        n_in = sum(2 * config.fourier_modes if p else 1 for p in periodic)
        net = dde.nn.FNN([n_in] + [config.width] * config.depth + [len(spec.unknowns)],
                         "tanh", "Glorot normal")
        modes = torch.arange(1, config.fourier_modes + 1, dtype=torch.float64)
        lo = torch.tensor([b[0] for b in bounds], dtype=torch.float64)
        hi = torch.tensor([b[1] for b in bounds], dtype=torch.float64)

        def features(X):
            if not any(periodic):      # one affine map onto [-1, 1] per column
                return (X - lo.to(X)) * (2 / (hi - lo)).to(X) - 1
            parts = []
            for i, ((a, b), p) in enumerate(zip(bounds, periodic)):
                x = X[:, i:i + 1]
                if p:
                    angle = 2 * math.pi * (x - a) / (b - a) * modes.to(x)
                    parts += [torch.cos(angle), torch.sin(angle)]
                else:
                    parts.append(2 * (x - a) / (b - a) - 1)
            return torch.cat(parts, dim=1)

        net.apply_feature_transform(features)
        if self.output_program is not None:
            def output(X, N):
                gD = iter(self.output_program(self.coordinates(X)))
                columns = [N[:, k:k + 1] if h is None else next(gD) + next(gD) * N[:, k:k + 1]
                           for k, h in enumerate(self.hard)]
                return torch.cat(columns, dim=1)

            net.apply_output_transform(output)
        return net


# ---------------------------------------------------------------------- training
def _sizes(spec: PDESpec, config: PINNConfig) -> tuple[int, int, int]:
    dims = len(spec.variables)
    domain = config.num_domain or {1: 256, 2: 800, 3: 4000, 4: 8000}[dims]
    boundary = config.num_boundary or {1: 2, 2: 200, 3: 800, 4: 1600}[dims]
    return domain, boundary, boundary


@contextlib.contextmanager
def _threads(config: PINNConfig, n_points: int):
    """One CPU thread for small networks: on a shared 2-core machine a second thread mostly
    waits on the first (measured up to 50x slower); larger problems get up to 4."""
    import torch
    before = torch.get_num_threads()
    if config.threads:
        wanted = config.threads
    else:
        work = n_points * config.width**2 * config.depth
        wanted = 1 if work < 2e8 else min(4, os.cpu_count() or 1)
    torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        torch.set_num_threads(before)


@contextlib.contextmanager
def _quiet():
    """DeepXDE prints as it works; a library does not."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        yield


def _train(spec: PDESpec, config: PINNConfig) -> Solution:
    with _quiet():
        import deepxde as dde
        dde.config.set_default_float("float64")
        dde.config.set_random_seed(config.seed)
    problem = _Problem(spec, config)
    domain, boundary, initial = _sizes(spec, config)
    conditions = problem.conditions()
    data_cls = dde.data.TimePDE if spec.time and spec.space else dde.data.PDE
    kwargs = dict(num_domain=domain, num_boundary=boundary if conditions else 0,
                  train_distribution="Hammersley")
    if data_cls is dde.data.TimePDE:
        kwargs["num_initial"] = initial if conditions else 0
    with _quiet():
        data = data_cls(problem.geometry, problem.residual, conditions, **kwargs)
        net = problem.network()
        model = dde.Model(data, net)
    clock = _Clock(config, model)
    start = time.perf_counter()
    with _threads(config, domain) as threads, clock.bar():
        with _quiet():
            model.compile("adam", lr=config.learning_rate)
            model.train(iterations=config.adam_iterations, callbacks=[clock], verbose=0,
                        display_every=100)
        clock.check_finite()
        rounds = 1 + (config.rar_rounds if config.rar_rounds is not None
                      else config.lbfgs_iterations // 1500)
        for r in range(rounds):
            if clock.out_of_time:
                break
            if r:
                _refine(problem, model, data, config.rar_points, seed=config.seed + r)
            with _quiet():
                maxiter = max(1, config.lbfgs_iterations // rounds)
                dde.optimizers.set_LBFGS_options(maxiter=maxiter, maxcor=config.lbfgs_history)
                # steps of at most 100 iterations, so the clock and the bar see progress
                dde.optimizers.config.LBFGS_options["iter_per_step"] = min(100, maxiter)
                dde.optimizers.config.LBFGS_options["fun_per_step"] = min(125, maxiter * 5 // 4)
                model.compile("L-BFGS")
                model.train(callbacks=[clock], verbose=0, display_every=100)
            clock.check_finite()
    seconds = time.perf_counter() - start

    def evaluate_points(points: np.ndarray) -> np.ndarray:
        with _quiet():
            return model.predict(np.asarray(points, dtype=float)[:, problem.perm])

    solution = Solution(spec, "pinn", evaluate_points,
                        loss_history=list(zip(model.losshistory.steps,
                                              np.sum(model.losshistory.loss_train, axis=1)
                                              .tolist())))
    solution.metrics.update(
        seconds=seconds, iterations=model.train_state.step, threads=threads,
        device=str(_device()), seed=config.seed, collocation_points=len(data.train_x_all),
        hard_constraints=[h is not None for h in problem.hard],
        final_loss=float(np.sum(model.train_state.loss_train)))
    _measure(solution, problem, model)
    return solution


def _refine(problem: _Problem, model, data, n_points: int, seed: int) -> None:
    """Residual-based adaptive refinement by density (RAR-D, Wu et al. 2023, k = 2, c = 0):
    new points drawn from many random candidates with probability proportional to the
    squared residual. Unlike taking the worst points outright (greedy RAR), it does not pile
    every new point into one spot; on Burgers it halved the error for the same iterations."""
    candidates = problem.geometry.random_points(max(20 * n_points, 5000))
    with _quiet():
        residual = model.predict(candidates, operator=problem.residual)
    density = np.sum([np.asarray(r, dtype=float).ravel() ** 2 for r in residual], axis=0)
    total = density.sum()
    if not np.isfinite(total) or total <= 0:
        return
    chosen = np.random.default_rng(seed).choice(len(candidates), n_points, replace=False,
                                                p=density / total)
    data.add_anchors(candidates[chosen])


def _measure(solution: Solution, problem: _Problem, model) -> None:
    """Residual on fresh points, condition errors, and the error against any reference."""
    spec = solution.spec
    points = sample_domain(spec, 4000, seed=12345)
    with _quiet():
        residual = model.predict(points[:, problem.perm], operator=problem.residual)
    solution.metrics["residual_rms"] = float(np.sqrt(np.mean(
        [np.mean(np.asarray(r) ** 2) for r in residual])))
    truth = spec.reference_values(points)
    if truth is not None:
        l2re = relative_l2(solution(points), truth)
        solution.metrics["l2re"] = l2re
        solution.error_estimate = l2re
        solution.metrics["error_basis"] = "exact solution" if spec.exact else \
            "reference solution"


class _Clock:
    """DeepXDE callback: progress bar, wall-clock budget, NaN and divergence guard."""

    def __init__(self, config: PINNConfig, model) -> None:
        self.config, self.model = config, model
        self.start = time.perf_counter()
        self.first_loss: float | None = None
        self.out_of_time = False
        self._bar = None
        self._done = 0

    # the methods DeepXDE calls
    def set_model(self, model):
        self.model = model

    def init(self):
        pass

    def on_train_begin(self):
        pass

    def on_train_end(self):
        pass

    def on_epoch_begin(self):
        pass

    def on_batch_begin(self):
        pass

    def on_batch_end(self):
        pass

    def on_predict_begin(self):
        pass

    def on_predict_end(self):
        pass

    def on_epoch_end(self):
        state = self.model.train_state
        if self._bar is not None:
            self._bar.update(state.step - self._done)
            self._done = state.step
        loss = float(np.sum(state.loss_train)) if state.loss_train is not None else None
        if loss is not None:
            if self.first_loss is None:
                self.first_loss = loss
            if self._bar is not None and state.step % 100 == 0:
                self._bar.set_postfix(loss=f"{loss:.2e}")
            if not math.isfinite(loss) or loss > 1e6 * max(self.first_loss, 1e-12):
                self.model.stop_training = True
        if self.config.seconds and time.perf_counter() - self.start > self.config.seconds:
            self.out_of_time = True
            self.model.stop_training = True

    def check_finite(self) -> None:
        loss = float(np.sum(self.model.train_state.loss_train))
        if not math.isfinite(loss) or loss > 1e6 * max(self.first_loss or 0, 1e-12):
            raise _Diverged(f"loss {loss:.3g} after {self.model.train_state.step} steps")

    @contextlib.contextmanager
    def bar(self):
        if self.config.progress:
            from tqdm.auto import tqdm
            total = self.config.adam_iterations + self.config.lbfgs_iterations
            with tqdm(total=total, desc="PINN", unit="it", leave=False) as self._bar:
                yield
            self._bar = None
        else:
            yield


def _device():
    import torch
    return torch.get_default_device()
