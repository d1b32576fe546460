"""Every corpus case: the exact set of rule ids that fire, and the detected pyramid level."""

from __future__ import annotations

import pytest

from msglint.sources.context import merge_context
from msglint.evaluation.corpus import load_corpus
from msglint.levels import LEVEL_NAMES
from msglint.sources.message import message_from_text

from .conftest import REPO

CASES = load_corpus(REPO / "corpora")


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corpus_case(linter, case):
    result = linter.check_one(message_from_text(case.text), merge_context([("case", case.context)]))
    assert sorted(result.rule_ids()) == sorted(case.rules), case.text
    assert result.level == case.level, [(e.rule, e.level, e.location.excerpt) for e in result.evidence]


def test_corpus_covers_every_level_and_family():
    assert {case.level for case in CASES} == set(LEVEL_NAMES)
    fired = {rule for case in CASES for rule in case.rules}
    for family in ("unearned-praise", "false-selection", "manufactured-affirmation",
                   "simulated-intimacy", "confirmshaming", "demanded-loyalty"):
        assert f"expressive.{family}" in fired
    assert "pyramid.overreach" in fired and "style.false-co-creation" in fired
    clean = [case for case in CASES if not case.rules]
    assert len(clean) >= 30, "plenty of clean copy keeps precision honest"
    assert len(CASES) >= 60
