"""Anchors: the words without which a pattern cannot match, derived from the rules themselves.

For every pattern that needs the tagger or the parser, the anchor is the surface forms of its most
selective required token (a literal word, or every form the pipeline's lemmatizer maps to a lemma).
A unit that contains no anchor of any such pattern cannot match one, so it is not parsed.
"""

from __future__ import annotations

from typing import Iterable

# How often a word turns up in marketing copy decides how good an anchor it is: the most frequent
# English words (by rank), punctuation, and words every promotion uses. Other words count as rare.
_FREQUENT_ENGLISH = """
the of and to a in is you that it he was for on are as with his they i at be this have from or one
had by but not what all were we when your can said there use an each which she do how their if will
up other about out many then them these so some her would make like him into time has look two more
go see no way could people my than first been call who its now find long down day did get come made
may part over new after also back any only just very our us me u ur 's 're 've 'll 'd n't here most
well need know want best good great today free off now shop sale save get order buy deal offer
""".split()
_RANK = {word: rank for rank, word in enumerate(dict.fromkeys(_FREQUENT_ENGLISH), start=1)}
_RARE_COST = 1e-4


def word_cost(word: str) -> float:
    """Rough share of units that contain the word: the lower, the better the anchor."""
    if word in _RANK:
        return 1.0 / _RANK[word]
    if not any(ch.isalnum() for ch in word):
        return 1.0  # punctuation and symbols are everywhere
    return _RARE_COST


LEXICAL_ATTRS = frozenset(
    {"ORTH", "TEXT", "LOWER", "NORM", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER",
     "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT",
     "IS_RIGHT_PUNCT", "IS_CURRENCY", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "SHAPE", "PREFIX", "SUFFIX", "OP"}
)
_LITERAL_ATTRS = ("LOWER", "ORTH", "TEXT", "NORM")
_OPTIONAL_OPS = ("?", "*", "!")


def is_lexical(token_spec: dict) -> bool:
    """True when a token spec reads only what the tokenizer provides."""
    return set(token_spec) <= LEXICAL_ATTRS


class LemmaForms:
    """Every surface form (lower case) that the pipeline can give a lemma, from its own tables."""

    def __init__(self, nlp):
        self._rules: list[tuple[str, str]] = []
        self._irregular: dict[str, set[str]] = {}
        if "lemmatizer" in nlp.pipe_names:
            lookups = nlp.get_pipe("lemmatizer").lookups
            if lookups.has_table("lemma_rules"):
                for rules in lookups.get_table("lemma_rules").values():
                    self._rules.extend((old, new) for old, new in rules)
            if lookups.has_table("lemma_exc"):
                for exceptions in lookups.get_table("lemma_exc").values():
                    for form, lemmas in exceptions.items():
                        for lemma in lemmas:
                            self._irregular.setdefault(lemma.lower(), set()).add(form.lower())
        if "attribute_ruler" in nlp.pipe_names:
            for entry in nlp.get_pipe("attribute_ruler").patterns:
                lemma = entry.get("attrs", {}).get("LEMMA")
                if not lemma:
                    continue
                for pattern in entry["patterns"]:
                    for spec in pattern:
                        for attr in _LITERAL_ATTRS:
                            if isinstance(spec.get(attr), str):
                                self._irregular.setdefault(lemma.lower(), set()).add(spec[attr].lower())

    def forms(self, lemma: str) -> set[str]:
        lemma = lemma.lower()
        out = {lemma} | self._irregular.get(lemma, set())
        for old, new in self._rules:
            if lemma.endswith(new):
                out.add(lemma[: len(lemma) - len(new)] + old if new else lemma + old)
        return out


def _values(value) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return [v for v in value["IN"] if isinstance(v, str)]
    return None


def token_anchor(spec: dict, lemma_forms: LemmaForms) -> set[str] | None:
    """Surface forms one token spec must have, or None when it does not pin the word down."""
    if spec.get("OP") in _OPTIONAL_OPS or str(spec.get("OP", "")).startswith("{0"):
        return None
    for attr in _LITERAL_ATTRS:
        values = _values(spec.get(attr))
        if values is not None:
            return {v.lower() for v in values}
    lemmas = _values(spec.get("LEMMA"))
    if lemmas is not None:
        return set().union(*(lemma_forms.forms(lemma) for lemma in lemmas))
    return None


def best_anchor(candidates: Iterable[set[str] | None]) -> set[str] | None:
    """The required token whose forms are rarest in all: the fewest units will need parsing."""
    usable = [c for c in candidates if c]
    return min(usable, key=lambda anchor: sum(word_cost(w) for w in anchor)) if usable else None


def pattern_anchor(token_specs: list[dict], lemma_forms: LemmaForms) -> set[str] | None:
    return best_anchor(token_anchor(spec, lemma_forms) for spec in token_specs)


def phrase_anchor(tokens: list[str]) -> set[str]:
    return best_anchor({t.lower()} for t in tokens) or set()
