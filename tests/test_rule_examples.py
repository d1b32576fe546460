"""Every rule's own examples: `flag` examples must fire the rule, `pass` examples must not.

Run one rule's examples with `pytest -k expressive.false-selection`.
"""

from __future__ import annotations

import pytest

from msglint.ruleset.loading import load_ruleset

RULES = load_ruleset().rules


def _cases(kind: str):
    for rule in RULES:
        examples = rule.flag_examples if kind == "flag" else rule.pass_examples
        for index, example in enumerate(examples):
            yield pytest.param(rule, example, id=f"{rule.id}-{kind}-{index}")


def _fired(result, rule) -> bool:
    if rule.reports_findings:
        return rule.id in result.rule_ids()
    return any(evidence.rule == rule.id for evidence in result.evidence)


@pytest.mark.parametrize(("rule", "example"), list(_cases("flag")))
def test_flag_example_fires(lint, rule, example):
    result = lint(example.text, **{k.replace("_", "-"): v for k, v in example.context.items()})
    assert _fired(result, rule), f"{rule.id} did not fire on {example.text!r}"


@pytest.mark.parametrize(("rule", "example"), list(_cases("pass")))
def test_pass_example_does_not_fire(lint, rule, example):
    result = lint(example.text, **{k.replace("_", "-"): v for k, v in example.context.items()})
    assert not _fired(result, rule), f"{rule.id} fired on {example.text!r}"


def test_every_rule_documents_itself():
    """Meta-test: a rule without examples of both kinds, or without its theory, cannot be shipped."""
    for rule in RULES:
        assert rule.flag_examples and rule.pass_examples, rule.id
        assert rule.why and rule.message, rule.id
        if rule.reports_findings:
            assert rule.suggest and rule.severity, rule.id


def test_every_pyramid_level_above_utility_has_a_cue_rule():
    cue_levels = {rule.level for rule in RULES if rule.category == "level"}
    assert cue_levels == {2, 3, 4, 5, 6}


def test_every_expressive_family_of_the_theory_is_covered():
    ids = {rule.id for rule in RULES}
    for family in ("unearned-praise", "false-selection", "manufactured-affirmation",
                   "simulated-intimacy", "confirmshaming", "demanded-loyalty"):
        assert f"expressive.{family}" in ids
