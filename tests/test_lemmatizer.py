"""msglint.analysis.lemmatizer gives exactly the lemmas of spaCy's rule lemmatizer."""

from __future__ import annotations

import spacy
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.lookups import Lookups

from msglint.analysis.lemmatizer import FastLemmatizer
from msglint.analysis.units import split_units
from msglint.sources.message import normalize

from .test_shortcut_identity import TRICKY, _texts


def _before_the_lemmatizer(nlp, texts):
    return list(nlp.pipe(texts, disable=["lemmatizer", "parser", "ner"]))


def test_the_same_lemmas_as_spacys_on_every_unit(nlp):
    texts = _texts() + ["", " ", "\n\n", "y' know nothin' , y'all", "Shippings shipped; sheep's ships."]
    units = sorted({normalize(t)[s:e] for t in texts for s, e in split_units(normalize(t))} | set(TRICKY))
    lemmatizer = nlp.get_pipe("lemmatizer")
    fast = FastLemmatizer.for_pipe(lemmatizer)
    assert fast is not None
    ours = [fast(doc) for doc in _before_the_lemmatizer(nlp, units)]
    lemmatizer.cache.clear()  # spaCy's answers made afresh, in the same order
    theirs = [lemmatizer(doc) for doc in _before_the_lemmatizer(nlp, units)]
    differing = [a.text for a, b in zip(ours, theirs) if [t.lemma_ for t in a] != [t.lemma_ for t in b]]
    assert differing == []
    # not vacuous: many lemmas differ from the text, and the ruler's lemmas ("'re" -> "be") are kept
    changed = sum(t.lemma_ != t.lower_ for doc in ours for t in doc)
    assert changed > 1000
    assert "be" in {t.lemma_ for doc in ours for t in doc if t.lower_ == "'re"}


def test_a_second_pass_answers_from_its_cache_the_same(nlp):
    lemmatizer = nlp.get_pipe("lemmatizer")
    fast = FastLemmatizer.for_pipe(lemmatizer)
    texts = ["She felt the felt hat. He leaves the leaves.", "We saw the saw; the left shoe left early."]
    first = [[t.lemma_ for t in fast(doc)] for doc in _before_the_lemmatizer(nlp, texts)]
    kept = len(fast._cache)
    second = [[t.lemma_ for t in fast(doc)] for doc in _before_the_lemmatizer(nlp, texts)]
    assert kept >= 10 and len(fast._cache) == kept  # the second pass asked nothing new
    spacys = [[t.lemma_ for t in lemmatizer(doc)] for doc in _before_the_lemmatizer(nlp, texts)]
    assert first == second == spacys
    assert "leave" in first[0] and "see" in first[1]


def _rule_lemmatizer(kind=None):
    nlp = spacy.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "rule"}) if kind is None else kind(
        nlp.vocab, None, mode="rule")
    lookups = Lookups()
    for name in ("lemma_index", "lemma_exc", "lemma_rules"):
        lookups.add_table(name, {"noun": {} if name == "lemma_exc" else [] if name == "lemma_index" else [["s", ""]]})
    lemmatizer.lookups = lookups
    return lemmatizer


def test_other_lemmatizers_are_left_to_spacy():
    assert FastLemmatizer.for_pipe(_rule_lemmatizer()) is not None
    assert FastLemmatizer.for_pipe(_rule_lemmatizer(EnglishLemmatizer)) is not None
    lookup_mode = spacy.blank("en").add_pipe("lemmatizer", config={"mode": "lookup"})
    assert FastLemmatizer.for_pipe(lookup_mode) is None

    class ReadsTheTag(EnglishLemmatizer):  # an answer outside spaCy's cache key: not ours to keep
        def is_base_form(self, token):
            return token.tag_ == "NN"

    assert FastLemmatizer.for_pipe(_rule_lemmatizer(ReadsTheTag)) is None
    missing_tables = spacy.blank("en").add_pipe("lemmatizer", config={"mode": "rule"})
    assert FastLemmatizer.for_pipe(missing_tables) is None
