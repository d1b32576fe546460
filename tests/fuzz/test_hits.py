"""longest_non_overlapping: the same choice as the quadratic reference, in O(n log n)."""

from __future__ import annotations

import time
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msglint.ruleset.hits import Hit, longest_non_overlapping

pytestmark = pytest.mark.fuzz


def reference(hits: list[Hit]) -> list[Hit]:
    """The original all-pairs algorithm, kept as the specification."""
    chosen: dict[str, list[Hit]] = defaultdict(list)
    for hit in sorted(set(hits), key=lambda h: (h.start - h.end, h.start)):
        taken = chosen[hit.rule_id]
        if all(hit.end <= c.start or c.end <= hit.start for c in taken):
            taken.append(hit)
    return sorted((h for group in chosen.values() for h in group), key=lambda h: (h.start, h.end, h.rule_id))


@st.composite
def hit_lists(draw):
    spans = st.tuples(st.integers(0, 40), st.integers(0, 8)).map(lambda p: (p[0], p[0] + p[1]))
    rows = draw(st.lists(st.tuples(st.sampled_from(["a.x", "a.y", "b.z"]), spans), max_size=60))
    return [Hit(rule, start, end) for rule, (start, end) in rows]


@given(hit_lists())
def test_same_choice_as_the_reference(hits):
    assert longest_non_overlapping(hits) == reference(hits)


def test_regression_nicely_done_40000_times_is_fast():
    """issue 13: "Nicely done! " * 40000 gave 40,000 overlapping hits of one rule and ran past 60 s."""
    hits = [Hit("expressive.praise", 13 * i, 13 * i + 11) for i in range(40_000)]
    hits += [Hit("expressive.praise", 13 * i + 7, 13 * i + 19) for i in range(40_000)]
    started = time.perf_counter()
    chosen = longest_non_overlapping(hits)
    assert time.perf_counter() - started < 5
    assert chosen[:2] == [Hit("expressive.praise", 7, 19), Hit("expressive.praise", 20, 32)]
