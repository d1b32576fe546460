"""The stages change speed only: the same findings, evidence and levels as parsing every unit with
every rule as written, over the whole corpus, every rule example and (when beside this checkout)
both dev sets; and what makes a surface decision exact is checked against spaCy itself."""

from __future__ import annotations

import json

import pytest

from msglint.sources.context import Context
from msglint.evaluation.corpus import load_corpus
from msglint.analysis.engine import Linter
from msglint.sources.message import message_from_text
from msglint.ruleset.stages import PARSED, SURFACE, PipelineStages

from .conftest import REPO, stage_reached

DEV_SETS = [REPO.parent / "shared" / "eval" / name for name in ("dev.jsonl", "dev2.jsonl")]
# Our own texts where the surface form alone could mislead: lemmas that depend on the tag, words in
# capitals that the tagger may take for names (whose lemma keeps its capitals), title case.
TRICKY = [
    "SAFE Grants: the small-business fund opens in May.",
    "RELAX. ENJOY. REPEAT.",
    "Relax And Enjoy The Show",
    "She felt the felt hat. He leaves the leaves. We saw the saw. The left shoe left early.",
    "Feeling cozy? Cozier nights start here. We loved it, you will love it.",
    "Shipping is free. We are shipping your order today. Delivered by Friday.",
    "Enjoyed by thousands. ENJOYING the view? Enjoys a following.",
]


def _texts() -> list[str]:
    texts = [case.text for case in load_corpus(REPO / "corpora")]
    from msglint.ruleset.loading import load_ruleset

    for rule in load_ruleset().rules:
        texts += [example.text for example in rule.flag_examples + rule.pass_examples]
    texts += TRICKY
    texts.append("\n\n".join(texts[:40]))  # one long multi-paragraph message as well
    for dev_set in DEV_SETS:
        if dev_set.is_file():
            texts += [json.loads(line)["text"] for line in dev_set.read_text().splitlines() if line.strip()]
    return texts


def _snapshot(linter, texts, context):
    results = linter.check((message_from_text(t), context) for t in texts)
    return [
        (r.level, [f.as_dict() for f in r.findings], [e.as_dict() for e in r.evidence])
        for r in results
    ]


@pytest.fixture(scope="module")
def texts():
    return _texts()


@pytest.mark.parametrize("context", [Context(), Context(customer_level=1), Context(relationship="expressive", customer_level=3)],
                         ids=["instrumental", "customer-level-1", "expressive-level-3"])
def test_stages_give_identical_results(ruleset, nlp, texts, context):
    staged = Linter(ruleset, nlp=nlp, shortcut=True)
    fast = _snapshot(staged, texts, context)
    full = _snapshot(Linter(ruleset, nlp=nlp, shortcut=False), texts, context)
    differing = [texts[i] for i, (a, b) in enumerate(zip(fast, full)) if a != b]
    assert differing == []
    # the comparison is not vacuous, with or without the dev sets beside the checkout
    assert sum(1 for level, findings, _ in full if findings) > 50
    assert sum(1 for level, _, _ in full if level >= 3) > 20
    # and the stages did skip work: most units were decided on the surface
    assert staged.stage_counts["surface"] > staged.stage_counts["parsed"] > 0


def test_units_go_only_as_far_as_their_patterns_need(ruleset, nlp):
    linter = Linter(ruleset, nlp=nlp)
    assert stage_reached(linter, "Trail shoes, 30% off until Sunday.") == "surface"
    # one required word is not enough: "your" alone does not make a unit worth parsing
    assert stage_reached(linter, "Your receipt is attached.") == "surface"
    # the base form of a lemma is decided on the surface; its evidence is the same
    assert stage_reached(linter, "Relax this weekend.") == "surface"
    assert linter.check_one(message_from_text("Relax this weekend."), Context()).level == 3
    # an inflected form whose lemma depends on the tag waits for it ("unwinding" the adjective keeps
    # its own lemma); "relaxing" does not, as both its lemmas are in the comfort-word class
    assert stage_reached(linter, "An unwinding weekend.") == "parsed"
    assert stage_reached(linter, "A relaxing weekend.") == "surface"
    # dependency patterns need the parse
    assert stage_reached(linter, "You've been selected for this deal.") == "parsed"
    # a pattern that reads the parse ("express" + "your" + adjectives or nouns) is tried only where
    # its words stand in its order (msglint.ruleset.gates): the words alone no longer send the unit on
    assert stage_reached(linter, "Parcels to your door by express.") == "surface"
    assert stage_reached(linter, "Express yourself in linen.") == "parsed"
    # a unit bound for the parse is tagged first, and stops there when no pattern it was bound for can
    # match on its tags (msglint.ruleset.tag_gates): "Hello" + a proper noun needs NNP/NNPS after it;
    # a passive "gift" needs the tag VBN
    assert stage_reached(linter, "Hello, the shop opens at nine.") == "tagged"
    assert stage_reached(linter, "Hi Priya, the shop opens at nine.") == "parsed"
    assert stage_reached(linter, "A nice gift for you!") == "tagged"
    assert stage_reached(linter, "You have been given a gift.") == "parsed"


def test_every_gate_matches_wherever_its_pattern_does(ruleset, nlp, texts):
    """A gate is sound only if its relaxed pattern, on the surface, matches every span the pattern
    matches on the parsed unit: checked for every gated pattern over every unit of the test texts."""
    from spacy.matcher import Matcher

    from msglint.analysis.units import split_units
    from msglint.ruleset.compiling import lowercase_capitalized_lemmas

    compiled = Linter(ruleset, nlp=nlp).compiled
    compiled.plan_all()
    gated = [v for variants in compiled.variants.values() for v in variants if v.relaxed is not None]
    assert len(gated) > 50
    strict, relaxed = Matcher(nlp.vocab), Matcher(nlp.vocab)
    for number, variant in enumerate(gated):
        strict.add(str(number), [variant.payload])
        relaxed.add(str(number), variant.relaxed)
    units = sorted({t[s:e] for t in texts[:3000] for s, e in split_units(t)})
    checked = 0
    for doc, surface in zip(nlp.pipe(units), nlp.tokenizer.pipe(units)):
        lowercase_capitalized_lemmas(doc)
        opened = {(key, start, end) for key, start, end in relaxed(surface)}
        for key, start, end in strict(doc):
            assert (key, start, end) in opened, (doc.text, gated[int(nlp.vocab.strings[key])].where)
            checked += 1
    assert checked > 100


def test_every_tag_gate_stays_open_wherever_its_pattern_matches(ruleset, nlp, texts):
    """A tag gate is sound only if, on the unit as the tagger leaves it, it is open wherever the
    pattern matches the parsed unit: checked for every pattern that needs the parse over every unit
    of the test texts (tagged by the pipes before the parse, as the stages run them)."""
    from spacy.matcher import DependencyMatcher, Matcher

    from msglint.analysis.units import split_units
    from msglint.ruleset.compiling import lowercase_capitalized_lemmas
    from msglint.ruleset.gates import holds_unsure_form

    compiled = Linter(ruleset, nlp=nlp).compiled
    compiled.plan_all()
    tag_gates = compiled.tag_gates
    owners = {variant.owner: variant for variants in compiled.variants.values() for variant in variants
              if variant.shortcut and variant.stage == PARSED}
    assert len(owners) > 50
    strict = {}
    for owner, variant in owners.items():
        if variant.kind == "dependency":
            strict[owner] = DependencyMatcher(nlp.vocab)
        else:
            strict[owner] = Matcher(nlp.vocab)
        strict[owner].add("strict", [variant.payload])
    before_parse = [name for name in nlp.pipe_names if name not in compiled.stages.tagged_pipes]
    units = sorted({t[s:e] for t in texts[:3000] for s, e in split_units(t)})
    checked = shut = 0
    for doc, tagged in zip(nlp.pipe(units), nlp.pipe(units, disable=before_parse)):
        lowercase_capitalized_lemmas(doc)
        for owner, matcher in strict.items():
            closed = tag_gates.shut(tagged, owner)
            unsure = owners[owner].unsure  # spans of sure forms only are matched on the surface instead
            found = matcher(doc)
            if found and (unsure is None or any(holds_unsure_form(doc, start, end, unsure) for _, start, end in found)):
                assert not closed, (doc.text, owner)
                checked += 1
            shut += closed
    assert checked > 100 and shut > checked  # sound, and not vacuous: most gates stay shut on most units


def test_token_patterns_are_planned_when_a_unit_first_holds_their_words(ruleset, nlp):
    """A short run plans only the patterns its words reach; the listing of stages plans them all."""
    compiled = Linter(ruleset, nlp=nlp).compiled
    assert len(compiled._planned) < len(compiled._plans) / 4  # at most the patterns that name no word
    unit = compiled.start(nlp.tokenizer("Relax this weekend."))
    planned = len(compiled._planned)
    assert planned > 0 and any(rule == "level.feeling-at-ease" for rule, _, _, _ in unit.candidates)
    compiled.start(nlp.tokenizer("Relax this weekend."))
    assert len(compiled._planned) == planned
    compiled.rule_stages()
    assert len(compiled._planned) == len(compiled._plans)


def test_a_word_in_capitals_waits_for_the_tagger(ruleset, nlp):
    """"SAFE" may be a name whose lemma keeps its capitals, so it is not decided on the surface."""
    linter = Linter(ruleset, nlp=nlp)
    assert stage_reached(linter, "Safe travels.") == "surface"
    assert stage_reached(linter, "SAFE Grants open in May.") == "parsed"


def test_two_cues_in_one_unit_are_one_overreach_finding_without_the_parse(ruleset, nlp):
    """Overreach gives one finding per sentence, and a sentence is a unit: two cues in one unit need
    no parse to be counted, and two units give two findings."""
    linter = Linter(ruleset, nlp=nlp)
    assert stage_reached(linter, "Relax and enjoy the show.") == "surface"
    context = Context(customer_level=1)
    one = linter.check_one(message_from_text("Relax and enjoy the show."), context)
    assert [f.rule for f in one.findings] == ["pyramid.overreach"]
    assert one.findings[0].location.excerpt == "Relax"
    two = linter.check_one(message_from_text("Relax tonight. Enjoy the show."), context)
    assert [(f.rule, f.location.excerpt) for f in two.findings] == [("pyramid.overreach", "Relax"),
                                                                    ("pyramid.overreach", "Enjoy")]


def test_the_stage_listing_names_why_a_pattern_waits_for_the_parse(ruleset, nlp):
    compiled = Linter(ruleset, nlp=nlp).compiled
    stages = compiled.rule_stages()
    assert set(stages) == ruleset.ids
    dependency = [v for v in stages["style.false-co-creation"] if v.kind == "dependency"]
    assert dependency and all(v.stage == PARSED for v in dependency)
    convenience = stages["level.convenience"]
    # its delivery words are read as phrases, on the surface; its lemma patterns say why they wait
    assert any(v.role == "match" and v.kind == "phrases" and v.stage == SURFACE for v in convenience)
    assert any(v.kind == "tokens" and v.stage == PARSED and "depends on the tag" in v.note for v in convenience)
    ease = stages["level.feeling-at-ease"]
    assert any(v.stage == SURFACE and v.kind == "tokens" for v in ease)
    assert any(v.stage == PARSED and "depends on the tag" in v.note for v in ease)


def test_a_lemma_sequence_is_decided_on_the_surface_where_its_forms_are_sure(nlp, tmp_path):
    """`lemmas:` in a rule file: sure forms ("settle in", "settles in") at the surface, the rest gated."""
    from msglint.ruleset.loading import load_ruleset

    path = tmp_path / "house.yaml"
    path.write_text(
        "rules:\n  - id: house.settle\n    category: tone\n    severity: info\n    message: m\n    why: w\n"
        "    suggest: s\n    match:\n      lemmas: [\"settle in\"]\n"
        "    examples: {flag: [Settle in tonight.], pass: [Settle the bill.]}\n")
    ruleset = load_ruleset([str(path)], builtin=False)
    linter = Linter(ruleset, nlp=nlp)
    variants = linter.compiled.rule_stages()["house.settle"]
    assert any(v.kind == "orth-phrases" and v.stage == SURFACE for v in variants)
    assert any(v.stage == PARSED and v.relaxed is not None for v in variants)
    assert stage_reached(linter, "Settle in tonight.") == "surface"
    assert stage_reached(linter, "Settling in tonight.") == "parsed"  # "settling" may be a noun
    assert stage_reached(linter, "Settling the bill tonight.") == "surface"  # the gate needs "in" next
    assert linter.check_one(message_from_text("Settle in tonight."), Context()).rule_ids() == {"house.settle"}


def test_pipeline_stages_are_read_from_the_pipeline(nlp):
    stages = PipelineStages.of(nlp)
    assert stages.parsed_pipes == nlp.pipe_names
    assert "parser" not in stages.tagged_pipes
    assert "LOWER" in stages.surface_attrs and "LEMMA" not in stages.surface_attrs
    if any("DEP" in spec for entry in nlp.get_pipe("attribute_ruler").patterns
           for pattern in entry["patterns"] for spec in pattern):
        # en_core_web_sm's attribute_ruler reads the parse to set POS, and the lemmatizer reads POS
        assert stages.attr_stage("POS") == PARSED and stages.attr_stage("LEMMA") == PARSED
        assert "parse" in stages.reason("POS")
    assert stages.attr_stage("DEP") == PARSED


def test_possible_lemmas_agree_with_spacys_lemmatizer(nlp):
    """The surface forms (and the lemmatizer's stand-in) rest on msglint's copy of the lemmatizer's
    rules (anchors.rule_lemma): check it against spaCy's own rule_lemmatize for every form of every
    lemma the rules name, under every part of speech."""
    from spacy.tokens import Doc

    from msglint.ruleset.anchors import LemmaForms, lemma_tables, rule_lemma
    from msglint.ruleset.loading import load_ruleset

    forms = LemmaForms(nlp)
    lemmas = set()
    for rule in load_ruleset().rules:
        for spec in (rule.match, rule.exceptions, rule.sentence_exceptions):
            lemmas.update(w for phrase in spec.lemmas for w in phrase.split())
            for pattern in spec.tokens:
                for token in pattern:
                    value = token.get("LEMMA")
                    lemmas.update([value] if isinstance(value, str) else value.get("IN", []) if isinstance(value, dict) else [])
    words = sorted(forms.forms_of(lemmas))
    assert len(words) > 100
    lemmatizer = nlp.get_pipe("lemmatizer")
    checked = 0
    for pos in forms._tables:
        doc = Doc(nlp.vocab, words=words, pos=[pos.upper()] * len(words))
        for token in doc:
            expected = lemmatizer.rule_lemmatize(token)[0].lower()
            assert rule_lemma(token.lower_, lemma_tables(lemmatizer.lookups)[pos]) == expected, (token.text, pos)
            assert expected in forms.possible_lemmas(token.lower_)
            checked += 1
    assert checked > 400


def test_a_pipeline_whose_ruler_ignores_the_parse_gets_a_tagged_stage():
    """The stages come from what each pipe reads and writes, not from en_core_web_sm's layout."""
    import spacy

    from msglint.ruleset.stages import TAGGED

    nlp = spacy.blank("en")
    for name in ("tok2vec", "tagger", "parser"):
        nlp.add_pipe(name)
    nlp.add_pipe("attribute_ruler").add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    nlp.add_pipe("lemmatizer", config={"mode": "rule"})
    stages = PipelineStages.of(nlp)
    assert stages.tagged_pipes == ["tok2vec", "tagger", "attribute_ruler", "lemmatizer"]
    assert {stages.attr_stage(a) for a in ("TAG", "POS", "LEMMA")} == {TAGGED}
    assert stages.attr_stage("DEP") == PARSED
    assert stages.pipes_between(TAGGED, PARSED) == ["parser"]
    # once the ruler reads DEP, what it writes, and the lemmas read from it, wait for the parse
    nlp.get_pipe("attribute_ruler").add([[{"DEP": "aux"}]], {"POS": "AUX"})
    stages = PipelineStages.of(nlp)
    assert stages.tagged_pipes == ["tok2vec", "tagger"]
    assert stages.attr_stage("TAG") == TAGGED and stages.attr_stage("LEMMA") == PARSED
    assert stages.pipes_between(TAGGED, PARSED) == ["parser", "attribute_ruler", "lemmatizer"]


def test_rules_stages_lists_each_rule_with_its_stage(run_cli, ruleset):
    result = run_cli("rules", "--stages")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("pipeline ")
    assert any(line.startswith("  parsed:") and "parser" in line for line in lines)
    listed = {line.split()[0] for line in lines if line and not line.startswith(" ") and not line.startswith("pipeline")}
    assert listed == ruleset.ids
    row = next(line for line in lines if line.startswith("style.false-co-creation"))
    assert row.split()[1:] == ["surface", "+", "parsed"]  # its phrases, and its dependency patterns
    assert any("match.dependency[0]" in line and "a dependency pattern" in line for line in lines)
    assert any("tagged first" in line and "tag gate" in line for line in lines[:8])


def test_a_repeated_token_with_several_relaxed_forms_becomes_any_token(ruleset, nlp):
    """A "*" run may mix tokens of different alternatives ("just" by its tag, "but" by the ruler's
    own test of the word): split into one pattern per alternative, no pattern would cover it."""
    from msglint.ruleset.gates import repeats

    compiled = Linter(ruleset, nlp=nlp).compiled
    view = compiled.tag_gates.view
    pattern = [{"LEMMA": "enjoy"}, {"POS": {"IN": ["DET", "ADJ", "ADV"]}, "OP": "*"}, {"LIKE_NUM": True}]
    assert len(view.token(pattern[1])) > 1
    relaxed = view.pattern(pattern)
    assert relaxed and [p[1] for p in relaxed] == [{"OP": "*"}] * len(relaxed)
    # one alternative, or a token that does not repeat, keeps its test
    assert view.pattern([{"POS": "PROPN", "OP": "+"}]) == [[{"TAG": {"IN": ["NNP", "NNPS"]}, "OP": "+"}]]
    assert [repeats(op) for op in ("+", "*", "?", "!", "{2}", "{1}", "{0,3}", "{,1}", "{2,}", None)] == \
        [True, True, False, False, True, False, True, False, True, False]


def test_anchors_skip_tokens_that_may_be_absent_or_are_named_by_their_norm(nlp):
    from msglint.ruleset.anchors import LemmaForms, token_anchor

    forms = LemmaForms(nlp)
    assert token_anchor({"LOWER": "now"}, forms) == {"now"}
    for op in ("?", "*", "{0,2}", "{,1}"):
        assert token_anchor({"LOWER": "now", "OP": op}, forms) is None
    assert token_anchor({"LOWER": "now", "OP": "{2}"}, forms) == {"now"}
    assert token_anchor({"NORM": "you"}, forms) is None  # "u" has the norm "you"
