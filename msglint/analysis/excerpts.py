"""The excerpt a finding quotes: the words matched, without the sentence punctuation around them.

Only the excerpt is trimmed; the span (line, column, end column, carets) still covers what the
rule matched, so "Great news!" is quoted as 'Great news' and underlined with its "!". A match that
is all punctuation (an exclamation run) is quoted whole, and inner punctuation ("Yes. Correct.
Confirmed") stays.
"""

from __future__ import annotations

SENTENCE_PUNCTUATION = ".,;:!?\u2026"  # not quotes or brackets: trimming one side would unbalance them


def excerpt_of(text: str) -> str:
    collapsed = " ".join(text.split())
    trimmed = collapsed.strip(SENTENCE_PUNCTUATION + " ")
    return trimmed or collapsed
