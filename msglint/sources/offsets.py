"""Where each character of the copy a reader sees came from in the original file.

Readers that only mask (plain text, Markdown) keep offsets equal and need no map. Readers that
decode (HTML entities, quoted-printable e-mail bodies) record, for every character they produce,
the original range it stands for, so findings point into the file as written, tags included.
"""

from __future__ import annotations

import re
from array import array


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins: 0, and one past every newline."""
    return [0, *(match.end() for match in re.finditer("\n", text))]


class OffsetMap:
    def __init__(self, starts: array, ends: array, original_length: int):
        self._starts, self._ends, self._length = starts, ends, original_length

    def start(self, offset: int) -> int:
        """Original offset where the character at `offset` begins (the end of the file past the last)."""
        return self._starts[offset] if offset < len(self._starts) else self._length

    def end(self, offset: int) -> int:
        """Original offset just after the character before `offset` (exclusive span ends)."""
        return self._ends[offset - 1] if offset > 0 else 0

    def compose(self, inner: "OffsetMap") -> "OffsetMap":
        """This map applied after `inner`: for text decoded in two steps (an HTML part of an e-mail)."""
        starts = array("q", (self.start(s) for s in inner._starts))
        ends = array("q", (self.end(e) for e in inner._ends))
        return OffsetMap(starts, ends, self._length)


class MappedTextBuilder:
    """Builds a display text piece by piece, with the original range of every character."""

    def __init__(self, original_length: int):
        self._parts: list[str] = []
        self._starts, self._ends = array("q"), array("q")
        self._length = original_length

    def verbatim(self, text: str, at: int) -> None:
        self._parts.append(text)
        self._starts.extend(range(at, at + len(text)))
        self._ends.extend(range(at + 1, at + len(text) + 1))

    def replaced(self, text: str, start: int, end: int) -> None:
        """Characters standing for the original range [start, end), such as a decoded entity."""
        self._parts.append(text)
        self._starts.extend([start] * len(text))
        self._ends.extend([end] * len(text))

    def synthetic(self, text: str, at: int) -> None:
        """Characters with no original, such as the break a block tag implies."""
        self.replaced(text, at, at)

    def build(self) -> tuple[str, OffsetMap]:
        return "".join(self._parts), OffsetMap(self._starts, self._ends, self._length)
