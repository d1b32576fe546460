"""msglint.analysis.ruler finds exactly the attribute_ruler's matches, so the parts of speech,
morphology and lemmas it leads to are spaCy's own."""

from __future__ import annotations

import spacy

from msglint.analysis.engine import Linter
from msglint.analysis.ruler import FastRuler
from msglint.analysis.units import split_units
from msglint.sources.message import normalize

from .test_shortcut_identity import TRICKY, _texts


def _before_the_ruler(nlp, texts):
    return list(nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer"]))


def test_the_same_matches_as_the_attribute_ruler_on_every_unit(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    fast = FastRuler.for_pipe(ruler)
    assert fast is not None
    texts = _texts() + ["", " ", "\n\n", "y' know nothin' , y'all", "It's isn't. There are n't any."]
    units = sorted({normalize(t)[s:e] for t in texts for s, e in split_units(normalize(t))} | set(TRICKY))
    docs = _before_the_ruler(nlp, units)
    differing = [doc.text for doc in docs if fast.matches(doc) != [tuple(m) for m in ruler.match(doc)]]
    assert differing == []
    assert sum(len(fast.matches(doc)) for doc in docs) > sum(len(doc) for doc in docs)  # not vacuous


def test_annotations_equal_spacys_through_the_lemmatizer(nlp):
    texts = ["We're shipping it, y' know: there's nothing left.", "Do you have it? I did.", "  spaced   out  "]
    expected = [[(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc] for doc in nlp.pipe(texts)]
    fast = FastRuler.for_pipe(nlp.get_pipe("attribute_ruler"))
    lemmatizer = nlp.get_pipe("lemmatizer")
    got = [[(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in lemmatizer(fast(doc))]
           for doc in _before_the_ruler(nlp, texts)]
    assert got == expected


def test_a_ruler_with_patterns_it_does_not_cover_is_left_to_spacy():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a"}, {"LOWER": "b", "OP": "?"}]], {"TAG": "X"})
    assert FastRuler.for_pipe(ruler) is None
    assert FastRuler.for_pipe(nlp.add_pipe("sentencizer")) is None  # not a ruler at all
    plain = spacy.blank("en").add_pipe("attribute_ruler")
    plain.add([[{"LOWER": {"IN": ["a", "b"]}}, {"TAG": "NN"}]], {"TAG": "X"}, index=-1)
    assert FastRuler.for_pipe(plain) is not None


def test_only_the_staged_path_uses_it(ruleset, nlp):
    assert set(Linter(ruleset, nlp=nlp)._stand_ins) == {"attribute_ruler", "lemmatizer"}
    assert Linter(ruleset, nlp=nlp, shortcut=False)._stand_ins == {}
