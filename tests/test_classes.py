"""Word classes: defined as data, named in token and dependency patterns, expanded when rules load,
validated with file, class and field, shown by `explain`, and indexed for the parse shortcut."""

from __future__ import annotations

import json
import textwrap

import pytest

from msglint.analysis.engine import Linter
from msglint.sources.message import message_from_text
from msglint.sources.context import Context
from msglint.ruleset.loading import load_ruleset

from .conftest import stage_reached

RULE_FILE = textwrap.dedent("""\
    classes:
      bakery-noun:
        description: Things a bakery sells (lemmas).
        words: [croissant, bagel, muffin]
      pastry-noun:
        description: Bakery things plus pies.
        words: [pie]
        include: [bakery-noun]
    rules:
      - id: test.praised-pastry
        category: tone
        severity: warning
        message: "Pastry praised"
        why: "A test rule."
        suggest: "Say the price."
        match:
          tokens:
            - [{LEMMA: {CLASS: pastry-noun}}, {LOWER: {IN: [rock, rocks, rule, rules]}}]
          dependency:
            - - {RIGHT_ID: verb, RIGHT_ATTRS: {LEMMA: love}}
              - {LEFT_ID: verb, REL_OP: ">", RIGHT_ID: object, RIGHT_ATTRS: {DEP: dobj, LEMMA: {CLASS: bakery-noun}}}
              - {LEFT_ID: verb, REL_OP: ">", RIGHT_ID: subject, RIGHT_ATTRS: {DEP: nsubj, LOWER: {NOT_CLASS: [bakery-noun], IN: [we, i]}}}
        examples:
          flag: ["Our pie rules."]
          pass: ["Pies from $4."]
""")


@pytest.fixture
def rule_file(tmp_path):
    path = tmp_path / "bakery.yaml"
    path.write_text(RULE_FILE)
    return path


def test_classes_expand_into_plain_spacy_operators(rule_file):
    ruleset = load_ruleset([str(rule_file)], builtin=False)
    rule = ruleset.get("test.praised-pastry")
    assert rule.classes == ("bakery-noun", "pastry-noun")
    first = rule.match.tokens[0][0]
    assert first == {"LEMMA": {"IN": ["pie", "croissant", "bagel", "muffin"]}}
    subject = rule.match.dependency[0][2]["RIGHT_ATTRS"]["LOWER"]
    assert subject == {"IN": ["we", "i"], "NOT_IN": ["croissant", "bagel", "muffin"]}
    assert set(ruleset.classes) == {"bakery-noun", "pastry-noun"}


def test_a_class_matches_through_tokens_and_the_parse(rule_file, nlp):
    linter = Linter(load_ruleset([str(rule_file)], builtin=False), nlp=nlp)
    for text, fires in [("Our bagels rule.", True), ("We love croissants.", True), ("Muffins, 3 for $5.", False),
                        ("They love bagels.", False), ("Our bread rules.", False)]:
        result = linter.check_one(message_from_text(text), Context())
        assert ("test.praised-pastry" in result.rule_ids()) is fires, text


def test_a_class_feeds_the_required_word_index(rule_file, nlp):
    linter = Linter(load_ruleset([str(rule_file)], builtin=False), nlp=nlp)
    # "croissants" is an inflection of a class lemma: the unit is parsed for the dependency pattern
    assert stage_reached(linter, "We love croissants.") == "parsed"
    assert stage_reached(linter, "We love bread.") == "surface"


@pytest.mark.parametrize("edit, message", [
    (("LEMMA: {CLASS: pastry-noun}", "LEMMA: {CLASS: pastry-nouns}"),
     "rule test.praised-pastry: field match.tokens: unknown word class 'pastry-nouns' (known: bakery-noun, pastry-noun)"),
    (("LEMMA: {CLASS: pastry-noun}", "LEMMA: {CLASS: 3}"),
     "rule test.praised-pastry: field match.tokens: token 1: LEMMA: CLASS needs a word class name or a list of them"),
    (("words: [croissant, bagel, muffin]", "words: [croissant, plain bagel]"),
     "class bakery-noun: field words: must be a list of single words (no spaces: a class matches one token)"),
    (("description: Things a bakery sells (lemmas).", "descr: x"),
     "class bakery-noun: field descr: unknown field (known: description, origin, words, include)"),
    (("include: [bakery-noun]", "include: [cake-noun]"),
     "class pastry-noun: field include: 'cake-noun' is not a class defined above it in this file"),
    (("  bakery-noun:\n", "  Bakery_Noun:\n"), "class Bakery_Noun: the name must be kebab-case"),
])
def test_class_errors_name_the_file_and_field(run_cli, tmp_path, edit, message):
    path = tmp_path / "bakery.yaml"
    path.write_text(RULE_FILE.replace(*edit))
    result = run_cli("rules", "--no-builtin-rules", "--rules", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"msglint: error: {path}:")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_explain_shows_a_rules_classes_and_a_class_words(run_cli):
    result = run_cli("explain", "expressive.unearned-praise")
    assert result.exit_code == 0
    assert "Word classes it uses" in result.stdout
    assert "  - praise-adjective (" in result.stdout
    result = run_cli("explain", "praise-adjective")
    assert result.exit_code == 0
    assert "vaderSentiment" in result.stdout  # where the seed words came from
    assert "stunning" in result.stdout and "amazing" in result.stdout


def test_rules_json_lists_classes(run_cli):
    rows = json.loads(run_cli("rules", "--format", "json").stdout)
    by_id = {row["id"]: row for row in rows}
    assert "award-verb" in by_id["expressive.false-selection"]["classes"]
    assert by_id["tone.shouting"]["classes"] == []


def test_builtin_classes_are_loaded_before_rules_and_counted_in_the_fingerprint():
    ruleset = load_ruleset()
    assert {"praise-adjective", "award-verb", "comfort-word", "cause-noun"} <= set(ruleset.classes)
    assert any(source.endswith("classes/reader.yaml") for source in ruleset.sources)


def test_a_class_in_a_phrase_or_lemma_sequence_expands_to_each_word(tmp_path, nlp):
    path = tmp_path / "bakery.yaml"
    path.write_text(RULE_FILE.replace(
        "      tokens:\n        - [{LEMMA: {CLASS: pastry-noun}}, {LOWER: {IN: [rock, rocks, rule, rules]}}]\n",
        "      lemmas: [\"bake @bakery-noun\"]\n      phrases: [\"warm @pastry-noun\"]\n"))
    assert "@bakery-noun" in path.read_text()
    ruleset = load_ruleset([str(path)], builtin=False)
    rule = ruleset.get("test.praised-pastry")
    assert rule.match.lemmas == ("bake croissant", "bake bagel", "bake muffin")
    assert rule.match.phrases[:2] == ("warm pie", "warm croissant")
    linter = Linter(ruleset, nlp=nlp)
    for text, fires in [("We baked bagels at dawn.", True), ("Warm muffin, $2.", True), ("Cold muffin, $2.", False)]:
        assert ("test.praised-pastry" in linter.check_one(message_from_text(text), Context()).rule_ids()) is fires, text


def test_a_phrase_class_that_is_unknown_or_too_wide_is_refused(run_cli, tmp_path):
    path = tmp_path / "bakery.yaml"
    path.write_text(RULE_FILE.replace("      tokens:\n", "      phrases: [\"warm @cake-noun\"]\n      tokens:\n"))
    result = run_cli("rules", "--no-builtin-rules", "--rules", str(path))
    assert result.exit_code == 2
    assert "field match.phrases: unknown word class 'cake-noun' in 'warm @cake-noun'" in result.stderr
