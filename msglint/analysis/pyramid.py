"""The deepest level a message reaches for, and overreach against the customer's recorded level.

Malaviya & Spargo: relationships deepen one level at a time, so copy one level above the
customer's recorded level is fine and two or more levels above is an overreach.
"""

from __future__ import annotations

from .findings import Evidence

BASE_LEVEL = 1  # every message offers at least a product: utility
ALLOWED_REACH = 1  # how many levels above the recorded one copy may reach


def detected_level(evidence: list[Evidence]) -> int:
    return max((e.level for e in evidence), default=BASE_LEVEL)


def highest_allowed(customer_level: int) -> int:
    return min(customer_level + ALLOWED_REACH, 6)


def overreaching(evidence: list[Evidence], customer_level: int | None) -> list[Evidence]:
    """Per sentence, the first of its highest-reaching cues, when that is more than one level too deep.

    One finding per sentence: several cues in one sentence ("Show the world who you are") are one
    thing for the writer to rework, and the deepest of them is the one that decides it. A sentence
    here is a unit (msglint.analysis.units: cut at sentence punctuation and line breaks), not the
    parser's sentence: the writer can see where a unit ends, the parser's boundaries in unpunctuated
    copy are a guess, and the count no longer sends a unit with two cues through the parser.
    """
    if customer_level is None:
        return []
    limit = highest_allowed(customer_level)
    deepest: dict[int, Evidence] = {}
    for item in evidence:
        if item.level <= limit:
            continue
        current = deepest.get(item.sentence)
        if current is None or item.level > current.level:
            deepest[item.sentence] = item
    return sorted(deepest.values(), key=lambda e: e.location.start)
