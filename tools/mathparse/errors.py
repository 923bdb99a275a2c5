"""The one error type of :mod:`tools.mathparse`, with a caret under the offending character."""

from __future__ import annotations

from tools.base import BadInput

_WINDOW = 30  # characters of context shown on each side of the error


class ParseError(BadInput):
    """Text that is not understood as mathematics.

    ``message`` says what was not understood, ``text`` is the input and ``position`` the 0-based
    character offset of the problem (``None`` when the problem has no single place).

    >>> print(ParseError("unexpected character ':'", "lambda: 0", 6))
    unexpected character ':' (at position 6)
      lambda: 0
            ^
    """

    def __init__(self, message: str, text: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position

    def __str__(self) -> str:
        if self.position is None or not isinstance(self.text, str):
            return self.message
        excerpt, column = _excerpt(self.text, self.position)
        return f"{self.message} (at position {self.position})\n  {excerpt}\n  {' ' * column}^"


def _excerpt(text: str, position: int) -> tuple[str, int]:
    """A one-line window of ``text`` around ``position`` and the caret's column in it."""
    lo, hi = max(0, position - _WINDOW), min(len(text), position + _WINDOW)
    head = "..." if lo > 0 else ""
    tail = "..." if hi < len(text) else ""
    window = "".join(" " if c.isspace() else c for c in text[lo:hi])
    return head + window + tail, len(head) + position - lo
