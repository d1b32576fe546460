"""Splitting a message into units: the stretches of text that are analysed as one spaCy Doc.

A unit ends where a sentence must end anyway: at a blank line, or at a line break followed by
anything but a lower-case letter (subject lines, list items, headings). A line that continues in
lower case is hard-wrapped prose and stays in its unit. Units are the grain of parsing, of the
anchor shortcut and of the result cache, so the same unit text always gives the same analysis.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\n[^\S\n]*(?:\n[^\S\n]*)*")


def split_units(text: str) -> list[tuple[int, int]]:
    """(start, end) character ranges covering the text; empty or all-space text gives no unit."""
    units: list[tuple[int, int]] = []
    start = 0
    for breaks in _LINE_BREAKS.finditer(text):
        following = text[breaks.end(): breaks.end() + 1]
        paragraph = breaks.group().count("\n") >= 2
        if following and (paragraph or not following.islower()):
            units.append((start, breaks.end()))
            start = breaks.end()
    units.append((start, len(text)))
    return [(s, e) for s, e in units if text[s:e].strip()]
