"""DeepXDE's own example set-ups, the peer of ``pde_bench.py``, transcribed as functions.

Each follows the file of DeepXDE's repository named in its docstring (examples/pinn_forward/,
DeepXDE 1.15): geometry, point counts, network, optimiser schedule. Only the data loading
differs: the error is measured by the bench against our library's exact or reference solution
on the same test points. DeepXDE's defaults are kept, float32 included. ``scale`` multiplies
the Adam iterations, for a quick run of the bench (the L-BFGS stage keeps DeepXDE's default
stopping rule).
"""

from __future__ import annotations

import contextlib
import io

import numpy as np


def _setup(seed: int):
    import deepxde as dde
    with contextlib.redirect_stdout(io.StringIO()):
        dde.config.set_default_float("float32")
        dde.config.set_random_seed(seed)
        dde.optimizers.set_LBFGS_options()   # DeepXDE's defaults (maxiter 15000)
    return dde


def _train(model, schedule, **adam):
    with contextlib.redirect_stdout(io.StringIO()):
        model.compile("adam", lr=1e-3, **adam)
        model.train(iterations=schedule[0], verbose=0, **schedule[1])
        if schedule[2]:
            model.compile("L-BFGS")
            model.train(verbose=0)
    return model


def heat(seed: int, scale: float = 1.0):
    """examples/pinn_forward/heat.py: u_t = 0.4 u_xx, 2540/80/160 points, FNN 3x20, Adam
    20000 then L-BFGS."""
    dde = _setup(seed)
    a = 0.4

    def pde(x, y):
        return dde.grad.jacobian(y, x, i=0, j=1) - a * dde.grad.hessian(y, x, i=0, j=0)

    geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(0, 1),
                                          dde.geometry.TimeDomain(0, 1))
    bc = dde.icbc.DirichletBC(geomtime, lambda x: 0, lambda _, on_boundary: on_boundary)
    ic = dde.icbc.IC(geomtime, lambda x: np.sin(np.pi * x[:, 0:1]), lambda _, on_i: on_i)
    data = dde.data.TimePDE(geomtime, pde, [bc, ic], num_domain=2540, num_boundary=80,
                            num_initial=160, num_test=2540)
    net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
    return _train(dde.Model(data, net), (int(20000 * scale), {}, True))


def burgers(seed: int, scale: float = 1.0):
    """examples/pinn_forward/Burgers.py: nu = 0.01/pi, 2540/80/160 points, FNN 3x20, Adam
    15000 then L-BFGS."""
    dde = _setup(seed)

    def pde(x, y):
        dy_x = dde.grad.jacobian(y, x, i=0, j=0)
        dy_t = dde.grad.jacobian(y, x, i=0, j=1)
        dy_xx = dde.grad.hessian(y, x, i=0, j=0)
        return dy_t + y * dy_x - 0.01 / np.pi * dy_xx

    geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1),
                                          dde.geometry.TimeDomain(0, 0.99))
    bc = dde.icbc.DirichletBC(geomtime, lambda x: 0, lambda _, on_boundary: on_boundary)
    ic = dde.icbc.IC(geomtime, lambda x: -np.sin(np.pi * x[:, 0:1]), lambda _, on_i: on_i)
    data = dde.data.TimePDE(geomtime, pde, [bc, ic], num_domain=2540, num_boundary=80,
                            num_initial=160)
    net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
    return _train(dde.Model(data, net), (int(15000 * scale), {}, True))


def allen_cahn(seed: int, scale: float = 1.0):
    """examples/pinn_forward/Allen_Cahn.py: u_t = 0.001 u_xx + 5(u - u^3), hard constraints,
    8000 points, FNN 3x20, Adam 40000 then L-BFGS."""
    dde = _setup(seed)
    import torch
    d = 0.001

    def pde(x, y):
        dy_t = dde.grad.jacobian(y, x, i=0, j=1)
        dy_xx = dde.grad.hessian(y, x, i=0, j=0)
        return dy_t - d * dy_xx - 5 * (y - y**3)

    def output_transform(x, y):
        return x[:, 0:1]**2 * torch.cos(np.pi * x[:, 0:1]) + x[:, 1:2] * (1 - x[:, 0:1]**2) * y

    geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(-1, 1),
                                          dde.geometry.TimeDomain(0, 1))
    data = dde.data.TimePDE(geomtime, pde, [], num_domain=8000, num_boundary=400,
                            num_initial=800)
    net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
    net.apply_output_transform(output_transform)
    return _train(dde.Model(data, net), (int(40000 * scale), {}, True))


def wave(seed: int, scale: float = 1.0):
    """examples/pinn_forward/wave_1d.py: u_tt = 100 u_xx, 360 points each, loss weights
    5/initial loss, inverse-time decay, Adam 10000 with the PDE points resampled every step;
    no L-BFGS. The example's spatio-temporal multi-scale Fourier network (STMsFFN) exists
    only in DeepXDE's TensorFlow backends, so on PyTorch the same 3x100 tanh network is a
    plain FNN with the example's input scaling."""
    dde = _setup(seed)
    A, C = 2, 10

    def pde(x, y):
        return dde.grad.hessian(y, x, i=1, j=1) - C**2 * dde.grad.hessian(y, x, i=0, j=0)

    def func(x):
        x, t = np.split(x, 2, axis=1)
        return np.sin(np.pi * x) * np.cos(C * np.pi * t) + np.sin(A * np.pi * x) * np.cos(
            A * C * np.pi * t)

    geomtime = dde.geometry.GeometryXTime(dde.geometry.Interval(0, 1),
                                          dde.geometry.TimeDomain(0, 1))
    bc = dde.icbc.DirichletBC(geomtime, func, lambda _, on_boundary: on_boundary)
    ic_1 = dde.icbc.IC(geomtime, func, lambda _, on_initial: on_initial)
    ic_2 = dde.icbc.OperatorBC(geomtime, lambda x, y, _: dde.grad.jacobian(y, x, i=0, j=1),
                               lambda x, _: dde.utils.isclose(x[1], 0))
    data = dde.data.TimePDE(geomtime, pde, [bc, ic_1, ic_2], num_domain=360,
                            num_boundary=360, num_initial=360, solution=func, num_test=10000)
    net = dde.nn.FNN([2] + [100] * 3 + [1], "tanh", "Glorot uniform")
    net.apply_feature_transform(lambda x: (x - 0.5) * 2 * np.sqrt(3))
    model = dde.Model(data, net)
    with contextlib.redirect_stdout(io.StringIO()):
        model.compile("adam", lr=0.001, metrics=["l2 relative error"])
        initial = model.train(0, verbose=0)[0].loss_train[0]
    resampler = dde.callbacks.PDEPointResampler(period=1)
    return _train(model, (int(10000 * scale), {"callbacks": [resampler]}, False),
                  loss_weights=5 / initial, decay=("inverse time", 2000, 0.9))


def poisson_2d(seed: int, scale: float = 1.0):
    """examples/pinn_forward/Poisson_Lshape.py's set-up (FNN 4x50, 1200/120 points, Adam
    50000 then L-BFGS) on our unit-square problem -(u_xx + u_yy) = 2 pi^2 sin(pi x) sin(pi y)
    with zero Dirichlet data: the L-shape example has no exact solution to measure against."""
    dde = _setup(seed)

    def pde(x, y):
        f = 2 * np.pi**2 * dde.backend.sin(np.pi * x[:, 0:1]) * dde.backend.sin(np.pi * x[:, 1:2])
        return -dde.grad.hessian(y, x, i=0, j=0) - dde.grad.hessian(y, x, i=1, j=1) - f

    geom = dde.geometry.Rectangle([0, 0], [1, 1])
    bc = dde.icbc.DirichletBC(geom, lambda x: 0, lambda _, on_boundary: on_boundary)
    data = dde.data.PDE(geom, pde, bc, num_domain=1200, num_boundary=120, num_test=1500)
    net = dde.nn.FNN([2] + [50] * 4 + [1], "tanh", "Glorot uniform")
    return _train(dde.Model(data, net), (int(50000 * scale), {}, True))


EXAMPLES = {"heat": heat, "wave": wave, "poisson_2d": poisson_2d, "burgers": burgers,
            "allen_cahn": allen_cahn}
