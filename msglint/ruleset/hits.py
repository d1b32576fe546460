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
    """Per rule, where matches overlap the longest wins (then the earliest).

    O(n log n): hits are taken longest first, and each is checked against the hits already chosen
    for its rule with two Fenwick trees over the hits' (doubled) offsets, not against every one."""
    by_rule: dict[str, list[Hit]] = defaultdict(list)
    for hit in set(hits):
        by_rule[hit.rule_id].append(hit)
    chosen: list[Hit] = []
    for group in by_rule.values():
        chosen.extend(_choose(group))
    return sorted(chosen, key=lambda h: (h.start, h.end, h.rule_id))


class _Counts:
    """A Fenwick tree: counts at positions 0..size-1, prefix sums and the k-th position in O(log n)."""

    def __init__(self, size: int):
        self._tree = [0] * (size + 1)
        self._top = 1 << size.bit_length()

    def add(self, position: int) -> None:
        index = position + 1
        while index < len(self._tree):
            self._tree[index] += 1
            index += index & -index

    def below(self, position: int) -> int:
        """How many counted positions are < position."""
        total, index = 0, position
        while index > 0:
            total += self._tree[index]
            index -= index & -index
        return total

    def kth(self, k: int) -> int:
        """The position of the k-th counted position (1-based k)."""
        index, step = 0, self._top
        while step:
            nxt = index + step
            if nxt < len(self._tree) and self._tree[nxt] < k:
                index, k = nxt, k - self._tree[nxt]
            step >>= 1
        return index


def _choose(group: list[Hit]) -> list[Hit]:
    """The greedy choice of longest_non_overlapping for one rule's hits.

    Offsets are doubled so that a span [s, e) is the open interval (2s, 2e) and an empty span [s, s)
    the point 2s; two hits overlap when those share a point, and two empty spans never do. Chosen
    non-empty spans are disjoint, so only the last one starting before a span's end can reach into it."""
    coordinates = sorted({2 * h.start for h in group} | {2 * h.end for h in group})
    rank = {value: index for index, value in enumerate(coordinates)}
    starts, points = _Counts(len(coordinates)), _Counts(len(coordinates))
    end_at: dict[int, int] = {}  # rank of a chosen span's start -> rank of its end
    chosen = []
    for hit in sorted(group, key=lambda h: (h.start - h.end, h.start)):
        low, high = rank[2 * hit.start], rank[2 * hit.end]
        # A chosen span starting before this one's end (or at its point) must end at or before its start.
        before = starts.below(high if high > low else low)
        if before and end_at[starts.kth(before)] > low:
            continue
        if high > low and points.below(high) - points.below(low + 1):
            continue  # an empty span chosen strictly inside this one
        chosen.append(hit)
        if high > low:
            starts.add(low)
            end_at[low] = high
        else:
            points.add(low)
    return chosen
