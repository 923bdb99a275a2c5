"""Tensor results: components with explicit index positions, coordinate names and LaTeX.

>>> import sympy as sp
>>> t, x = sp.symbols("t x")
>>> T = Tensor("T", "T", "dd", (t, x), sp.Array([[1, 0], [0, x**2]]))
>>> T[x, x], T["t", "t"]
(x**2, 1)
>>> T.nonzero()
{('t', 't'): 1, ('x', 'x'): x**2}
"""

from __future__ import annotations

from itertools import product
from typing import Iterable, Sequence

import sympy as sp


class Tensor:
    """Components of a tensor in a coordinate basis.

    ``indices`` spells the position of each index: ``"udd"`` for Gamma^a_{bc}.
    ``symmetries`` lists index groups whose permutations give no new component
    (used only to print each independent component once).
    """

    def __init__(self, name: str, symbol: str, indices: str, coords: Sequence[sp.Symbol],
                 array: sp.Array, symmetries: Iterable[tuple[int, ...]] = ()):
        if any(ch not in "ud" for ch in indices):
            raise ValueError(f"index positions are 'u' (up) or 'd' (down), got {indices!r}")
        self.name = name
        self.symbol = symbol
        self.indices = indices
        self.coords = tuple(coords)
        self.array = sp.ImmutableDenseNDimArray(array)
        self.symmetries = tuple(tuple(s) for s in symmetries)

    @property
    def rank(self) -> int:
        return len(self.indices)

    def _index(self, key) -> int:
        if isinstance(key, int):
            return key
        name = key.name if isinstance(key, sp.Symbol) else str(key)
        for i, c in enumerate(self.coords):
            if c.name == name:
                return i
        raise KeyError(f"{name!r} is not a coordinate; the coordinates are "
                       f"{', '.join(c.name for c in self.coords)}")

    def __getitem__(self, key):
        key = key if isinstance(key, tuple) else (key,)
        if len(key) != self.rank:
            raise IndexError(f"{self.name} has {self.rank} indices, got {len(key)}")
        return self.array[tuple(self._index(k) for k in key)]

    def __iter__(self):
        raise TypeError(f"iterate over {self.name}.nonzero() or {self.name}.array")

    def _independent(self) -> list[tuple[int, ...]]:
        seen, out = set(), []
        n = len(self.coords)
        for idx in product(range(n), repeat=self.rank):
            canon = list(idx)
            for group in self.symmetries:
                values = sorted(canon[i] for i in group)
                for i, v in zip(group, values):
                    canon[i] = v
            canon = tuple(canon)
            if canon not in seen:
                seen.add(canon)
                out.append(canon)
        return out

    def nonzero(self) -> dict[tuple[str, ...], sp.Expr]:
        """The nonzero independent components, keyed by coordinate names."""
        return {tuple(self.coords[i].name for i in idx): self.array[idx]
                for idx in self._independent() if self.array[idx] != 0}

    def is_zero(self) -> bool:
        return all(v == 0 for v in sp.flatten(self.array.tolist()))

    def _latex_head(self, idx: tuple[int, ...]) -> str:
        """``\\Gamma^{t}_{t r}``: consecutive indices of one position share a script."""
        groups: list[tuple[str, list[str]]] = []
        for position, i in zip(self.indices, idx):
            name = sp.latex(self.coords[i])
            if groups and groups[-1][0] == position:
                groups[-1][1].append(name)
            else:
                groups.append((position, [name]))
        out, used = self.symbol, set()
        for position, names in groups:
            mark = "^" if position == "u" else "_"
            out += ("{}" if mark in used else "") + mark + "{" + " ".join(names) + "}"
            used.add(mark)
        return out

    def latex(self) -> str:
        """The nonzero independent components as a LaTeX ``aligned`` block."""
        rows = [f"{self._latex_head(idx)} &= {sp.latex(self.array[idx])}"
                for idx in self._independent() if self.array[idx] != 0]
        if not rows:
            return f"{self.symbol} = 0"
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return f"$${self.latex()}$$"

    def __repr__(self) -> str:
        comps = ", ".join(f"{''.join(k) if len(self.coords) else k}: {v}"
                          for k, v in list(self.nonzero().items())[:6])
        more = "" if len(self.nonzero()) <= 6 else ", ..."
        return f"<{self.name} {self.indices} on ({', '.join(c.name for c in self.coords)}): {{{comps}{more}}}>"

