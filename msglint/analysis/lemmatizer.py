"""The pipeline's rule-based lemmatizer, with its word lists looked up in sets.

spaCy's rule lemmatizer tests each candidate lemma against the lemma_index table, whose entries are
lists (57,528 nouns in en_core_web_sm): a form that is not a word scans the whole list. In a cold
process nearly every token is a cache miss, so on msglint's tagged units the lemmatizer took about
a fifth of the model's time. FastLemmatizer runs spaCy's own algorithm (Lemmatizer.rule_lemmatize,
its cache key, and the pipe's own is_base_form) over sets made once from the same tables
(msglint.ruleset.anchors.lemma_tables, rule_lemma, which the rules' lemma forms use too), and
writes the lemmas in one array, so what it gives is what spaCy gives. A lemmatizer of another mode
or class is left as it is (`FastLemmatizer.for_pipe` returns None). tests/test_lemmatizer.py checks
the lemmas against spaCy's on every unit of the corpus, the rule examples and the dev sets.
"""

from __future__ import annotations

import warnings

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.errors import Warnings
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.pipeline import Lemmatizer

from ..ruleset.anchors import LEMMA_TABLES, lemma_tables, rule_lemma

# is_base_form methods known to read only the part of speech and the morphology, so that every answer
# is a function of spaCy's cache key and may be kept (spaCy keeps only those past is_base_form)
_KNOWN_BASE_FORMS = (Lemmatizer.is_base_form, EnglishLemmatizer.is_base_form)


class FastLemmatizer:
    """Stands in for a rule-mode Lemmatizer in `nlp.pipeline` order."""

    def __init__(self, lemmatizer):
        self._lemmatizer = lemmatizer
        self._tables = lemma_tables(lemmatizer.lookups)  # shared with the rules' LemmaForms
        self._cache: dict[tuple[int, int, int], str] = {}  # spaCy's key: (orth, pos, morphology)

    @classmethod
    def for_pipe(cls, pipe) -> "FastLemmatizer | None":
        """A stand-in for spaCy's rule lemmatizer as shipped, generic or English; None for anything else."""
        if not isinstance(pipe, Lemmatizer) or pipe.mode != "rule":
            return None
        kind = type(pipe)
        if (kind.rule_lemmatize is not Lemmatizer.rule_lemmatize or kind.__call__ is not Lemmatizer.__call__
                or kind.is_base_form not in _KNOWN_BASE_FORMS):
            return None
        lookups = getattr(pipe, "lookups", None)
        if lookups is None or not all(lookups.has_table(name) for name in LEMMA_TABLES):
            return None  # spaCy's own call says what is missing
        return cls(pipe)

    def lemma(self, token) -> str:
        """Lemmatizer.rule_lemmatize(token)[0], with the index in a set."""
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space"):
            if univ_pos == "":
                warnings.warn(Warnings.W108)
            return string.lower()
        if self._lemmatizer.is_base_form(token):
            return string.lower()
        table = self._tables.get(univ_pos)
        if table is None:  # no table for this part of speech
            return string if univ_pos == "propn" else string.lower()
        return rule_lemma(string, table)

    def __call__(self, doc):
        if not len(doc):
            return doc
        overwrite = self._lemmatizer.overwrite
        strings = doc.vocab.strings
        columns = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = columns[:, 3].copy()
        cache = self._cache
        for i, (orth, pos, morph, lemma) in enumerate(columns.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            found = cache.get(key)
            if found is None:
                found = self.lemma(doc[i])
                if pos:  # spaCy caches every answer but the one that warns of a missing POS
                    cache[key] = found
            lemmas[i] = strings.add(found)
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc

    def pipe(self, stream, batch_size: int = 128):
        for doc in stream:
            yield self(doc)
