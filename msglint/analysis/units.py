"""Splitting a message into units: the sentences that are parsed, and cached, one Doc each.

A unit ends where a sentence must end anyway: at a blank line; at a line break followed by anything
but a lower-case letter (subject lines, list items, headings: a lower-case start is hard-wrapped
prose and continues the unit); and after sentence punctuation followed by a capital or a digit.
Units are the grain of parsing, of the anchor shortcut and of the result cache, so the same unit
text always gets the same analysis whatever message it appears in.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*[^\S\n]+(?=[\"'(\[]?[A-Z0-9])")


def split_units(text: str) -> list[tuple[int, int]]:
    """(start, end) character ranges in order; blank stretches give no unit."""
    boundaries = {0, len(text)}
    for breaks in _LINE_BREAKS.finditer(text):
        following = text[breaks.end(): breaks.end() + 1]
        paragraph = breaks.group().count("\n") >= 2
        if following and (paragraph or not following.islower()):
            boundaries.add(breaks.end())
    boundaries.update(end.end() for end in _SENTENCE_END.finditer(text))
    edges = sorted(boundaries)
    return [(s, e) for s, e in zip(edges, edges[1:]) if text[s:e].strip()]


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")
MAX_BLOCK_CHARS = 20_000


def split_blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs, for the lexical patterns: they may span sentences ("Yes. Correct. Confirmed.")
    but not paragraphs. A paragraph longer than MAX_BLOCK_CHARS is cut at unit boundaries, so that
    a huge file is never tokenized as one Doc."""
    blocks: list[tuple[int, int]] = []
    start = 0
    for breaks in _PARAGRAPH_BREAK.finditer(text):
        blocks.extend(_capped(text, start, breaks.end()))
        start = breaks.end()
    blocks.extend(_capped(text, start, len(text)))
    return [(s, e) for s, e in blocks if text[s:e].strip()]


def _capped(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_BLOCK_CHARS:
        return [(start, end)]
    pieces, piece_start = [], start
    for unit_start, unit_end in split_units(text[start:end]):
        if start + unit_end - piece_start > MAX_BLOCK_CHARS and start + unit_start > piece_start:
            pieces.append((piece_start, start + unit_start))
            piece_start = start + unit_start
    pieces.append((piece_start, end))
    return pieces
