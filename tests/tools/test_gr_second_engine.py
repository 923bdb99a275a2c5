"""Every catalogue metric's Ricci tensor against einsteinpy's, the independent second engine.

einsteinpy simplifies each component with SymPy; we compare component by component at
random points at 30 digits, outside our exact field.  Kerr, Kerr-Newman and Alcubierre
are left out: einsteinpy does not finish them in 120 s here (measured: see
EINSTEINPY_DOES_NOT_FINISH); their curvature is checked against closed forms from the
literature in test_gr_curvature.py instead.
"""

import pytest
import sympy as sp

from tools.gr import catalog
from tools.gr.numeric import numerically_equal
from tools.gr.second_engine import einsteinpy_ricci

EINSTEINPY_DOES_NOT_FINISH = {"kerr", "kerr_newman", "alcubierre"}
LIMIT_S = 600          # taub_nut: 54 s on a quiet machine, over 300 s once on a busy one


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(catalog.names()) - EINSTEINPY_DOES_NOT_FINISH))
def test_ricci_tensor_agrees_with_einsteinpy(name):
    metric = catalog.get(name)
    theirs, seconds = einsteinpy_ricci(metric, timeout=LIMIT_S)
    assert theirs is not None, f"einsteinpy did not finish {name} in {LIMIT_S} s"
    ours = metric.ricci_tensor()
    n = metric.dim
    symbols = metric.coords + metric.params
    for a in range(n):
        for b in range(a, n):
            assert numerically_equal(ours.array[a, b], theirs[a, b], symbols), \
                (name, a, b, ours.array[a, b], theirs[a, b])
