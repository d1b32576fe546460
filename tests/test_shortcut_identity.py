"""The anchor shortcut changes speed only: the same findings, evidence and levels as parsing every
unit, over the whole corpus, every rule example and (when beside this checkout) the dev set."""

from __future__ import annotations

import json

import pytest

from msglint.context import Context
from msglint.corpus import load_corpus
from msglint.engine import Linter
from msglint.message import message_from_text

from .conftest import REPO
from .test_eval import DEV_SET


def _texts() -> list[str]:
    texts = [case.text for case in load_corpus(REPO / "corpora")]
    from msglint.ruleset import load_ruleset

    for rule in load_ruleset().rules:
        texts += [example.text for example in rule.flag_examples + rule.pass_examples]
    texts.append("\n\n".join(texts[:40]))  # one long multi-paragraph message as well
    if DEV_SET.is_file():
        texts += [json.loads(line)["text"] for line in DEV_SET.read_text().splitlines() if line.strip()]
    return texts


def _snapshot(linter, texts, context):
    results = linter.check((message_from_text(t), context) for t in texts)
    return [
        (r.level, [f.as_dict() for f in r.findings], [e.as_dict() for e in r.evidence])
        for r in results
    ]


@pytest.mark.parametrize("context", [Context(), Context(customer_level=1), Context(relationship="expressive", customer_level=3)],
                         ids=["instrumental", "customer-level-1", "expressive-level-3"])
def test_shortcut_gives_identical_results(ruleset, nlp, context):
    texts = _texts()
    fast = _snapshot(Linter(ruleset, nlp=nlp, shortcut=True), texts, context)
    full = _snapshot(Linter(ruleset, nlp=nlp, shortcut=False), texts, context)
    differing = [texts[i] for i, (a, b) in enumerate(zip(fast, full)) if a != b]
    assert differing == []
    # the comparison is not vacuous, with or without the dev set beside the checkout
    assert sum(1 for level, findings, _ in full if findings) > 50


def test_shortcut_skips_units_without_anchors(ruleset, nlp):
    linter = Linter(ruleset, nlp=nlp)
    compiled = linter.compiled
    assert not compiled.needs_parse(nlp.make_doc("Trail shoes, 30% off until Sunday."))
    assert compiled.needs_parse(nlp.make_doc("You've been given this deal."))
    # one required word is not enough: "your" alone does not make a unit worth parsing
    assert not compiled.needs_parse(nlp.make_doc("Your receipt is attached."))
    assert compiled.needs_parse(nlp.make_doc("Your style, your rules."))
    # and a parsed unit runs only the rules whose required words it has
    assert compiled.candidates(nlp.make_doc("Your style, your rules.")) == {"level.self-expression"}
