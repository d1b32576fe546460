"""Linear scans for delimited spans, where a lazy regex (`<!--.*?-->`) would be quadratic.

A regex such as `<!--.*?-->` tries every opener and scans to the end of the text for a closer that
is not there: n unclosed openers cost n^2. Here each search for a closer (or a stop character)
remembers where it ended, and later searches that start before that point reuse the answer, so a
left-to-right scan costs O(n) in all.
"""

from __future__ import annotations

import re


class NextMatch:
    """The next match of a pattern at or after a position, for queries that mostly move forward."""

    def __init__(self, text: str, pattern: str | re.Pattern):
        self._text = text
        self._pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._from, self._found = 1, 0  # an empty cache: from > found

    def __call__(self, position: int) -> int:
        """Where the next match starts (len(text) when there is none)."""
        if not (self._from <= position <= self._found):
            match = self._pattern.search(self._text, position)
            self._from, self._found = position, match.start() if match else len(self._text)
        return self._found


def next_of(text: str, literal: str) -> NextMatch:
    return NextMatch(text, re.escape(literal))


def blank(text: str) -> str:
    """Spaces for every character but line breaks: the same length, the same lines."""
    return "".join("\n" if ch == "\n" else " " for ch in text)


def replace_spans(text: str, spans: list[tuple[int, int]], replacement) -> str:
    """text with each (start, end) span, in order and disjoint, replaced by replacement(span text)."""
    if not spans:
        return text
    parts, position = [], 0
    for start, end in spans:
        parts += [text[position:start], replacement(text[start:end])]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def delimited_spans(text: str, opener: str, closer: str) -> list[tuple[int, int]]:
    """Spans of `opener ... closer`, each ending at the first closer after its opener, as the lazy
    DOTALL regex would find them; one pass."""
    spans, position = [], 0
    find_closer = next_of(text, closer)
    while (start := text.find(opener, position)) >= 0:
        end = find_closer(start + len(opener))
        if end == len(text):
            break  # no closer after this opener, so none after any later one
        spans.append((start, end + len(closer)))
        position = end + len(closer)
    return spans
