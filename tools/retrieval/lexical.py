r"""A BM25-style sparse vector, computed locally, for symbol- and formula-heavy queries.

Dense sentence embeddings blur ``\Gamma^r_{tt}`` and ``48 M^2/r^6`` into "some formula";
this vector keeps them. Text is normalised so that LaTeX and plain spellings meet
(``\Gamma^{r}_{tt}`` and ``Gamma^r_tt`` give the same tokens), and every compound symbol
also yields its parts. A document's weights are BM25's saturated term frequencies; the
inverse document frequency is applied by Qdrant at query time (``Modifier.IDF``), so it
always reflects the collection as it is.

>>> tokens(r"\Gamma^{r}_{tt} = M(r-2M)/r^3")
['gamma^r_tt', 'gamma', 'r', 'tt', 'm', 'r-2m', 'r', '2m', 'r^3', 'r', '3']
>>> tokens("Kretschmann scalars of Kerr black holes")
['kretschmann', 'scalar', 'kerr', 'black', 'hole']
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

K1, B = 1.2, 0.75          # the usual BM25 constants
AVERAGE_LENGTH = 120       # tokens in a typical chunk (CHUNK_CHARS of prose and LaTeX)

_STOP = frozenset("""a an and are as at be by for from has have how i in is it its of on or
that the this to was what when where which why with do does can my we you""".split())
_LATEX_SPACING = re.compile(r"\\[,;:! ]|\\(left|right|big|Big|bigg|Bigg|mathrm|mathbf|"
                            r"operatorname|text|rm|bf)\b")
_TOKEN = re.compile(r"[a-z0-9]+(?:[\^_'\-][a-z0-9]+)*")


def normalise(text: str) -> str:
    text = _LATEX_SPACING.sub(" ", text)
    text = text.replace("\\", " ").replace("{", "").replace("}", "")
    text = re.sub(r"\s*([\^_])\s*", r"\1", text)         # "r ^ 2" -> "r^2"
    return text.lower()


def tokens(text: str) -> list[str]:
    """Words, numbers and compound symbols (with their parts), lower case, stop words out."""
    out: list[str] = []
    for token in _TOKEN.findall(normalise(text)):
        parts = re.split(r"[\^_'\-]", token)
        if len(parts) > 1:
            out.append(token)
            out += [p for p in parts if p]
        elif token not in _STOP:
            out.append(_stem(token))
    return out


def _stem(word: str) -> str:
    """Plural 's' off long words: 'scalars' and 'scalar' meet; 'gauss' stays."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def index_of(token: str) -> int:
    """A stable 31-bit index for a token (the same in every process and version)."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(),
                          "big") & 0x7FFFFFFF


def document_vector(text: str) -> tuple[list[int], list[float]]:
    """Sparse (indices, values): BM25 term-frequency saturation with length normalisation."""
    counts = Counter(tokens(text))
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / AVERAGE_LENGTH)
    weights: dict[int, float] = {}
    for token, tf in counts.items():
        i = index_of(token)
        weights[i] = weights.get(i, 0.0) + tf * (K1 + 1) / (tf + norm)
    return list(weights), list(weights.values())


def query_vector(text: str) -> tuple[list[int], list[float]]:
    """Sparse (indices, values): each distinct query term once."""
    indices = sorted({index_of(t) for t in tokens(text)})
    return indices, [1.0] * len(indices)
