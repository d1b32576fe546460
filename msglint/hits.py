"""Matches as character offsets: what the matchers produce and the result cache stores.

Kept free of spaCy so that a run answered entirely from the cache never imports it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Hit:
    """A match of one rule, as character offsets (end exclusive) into the text it was found in.

    `sentence` is where the match's sentence starts, for rules that give pyramid evidence (0 otherwise).
    """

    rule_id: str
    start: int
    end: int
    sentence: int = 0


def longest_non_overlapping(hits: list[Hit]) -> list[Hit]:
    """Per rule, where matches overlap the longest wins (then the earliest)."""
    chosen: dict[str, list[Hit]] = defaultdict(list)
    for hit in sorted(set(hits), key=lambda h: (h.start - h.end, h.start)):
        taken = chosen[hit.rule_id]
        if all(hit.end <= c.start or c.end <= hit.start for c in taken):
            taken.append(hit)
    return sorted((h for group in chosen.values() for h in group), key=lambda h: (h.start, h.end, h.rule_id))
