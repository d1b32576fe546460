"""Anchors: the words without which a pattern cannot match, derived from the rules themselves.

Every token a syntactic pattern requires and that names its word (a literal, or a lemma, expanded
to every form the pipeline's own lemmatizer tables map to it) is a requirement. A unit whose words
do not meet all the requirements of at least one pattern cannot match any, so it is not parsed.
"""

from __future__ import annotations

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
            # Contractions get their lemmas here ("'re" -> "be"), not from the lemmatizer.
            for entry in nlp.get_pipe("attribute_ruler").patterns:
                lemma = entry.get("attrs", {}).get("LEMMA")
                for pattern in entry["patterns"] if lemma else ():
                    for spec in pattern:
                        for attr in _LITERAL_ATTRS:
                            # Contractions come as lists: {"LOWER": {"IN": ["am", "'m"]}}.
                            for form in _values(spec.get(attr)) or ():
                                self._irregular.setdefault(lemma.lower(), set()).add(form.lower())

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
    """Surface forms a required token spec must have; None when it is optional or names no word."""
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


def required_sets(token_specs: list[dict], lemma_forms: LemmaForms) -> list[set[str]]:
    """For each required token that names its word, the forms it may take: all must be present."""
    return [anchor for anchor in (token_anchor(spec, lemma_forms) for spec in token_specs) if anchor]


class AnchorIndex:
    """Decides from a unit's words alone which rules' syntactic patterns could match in it."""

    def __init__(self):
        self._by_word: dict[str, list[tuple[int, int]]] = {}
        self._full: list[int] = []
        self._owner: list[str] = []
        self.unanchored: set[str] = set()  # rules with a pattern that names no word: always candidates

    def add(self, requirements: list[set[str]], owner: str) -> None:
        if not requirements:
            self.unanchored.add(owner)
            return
        pattern = len(self._full)
        self._full.append((1 << len(requirements)) - 1)
        self._owner.append(owner)
        for bit, words in enumerate(requirements):
            for word in words:
                self._by_word.setdefault(word, []).append((pattern, 1 << bit))

    def candidates(self, words: set[str]) -> set[str]:
        """The rules with at least one pattern whose required words are all present."""
        found = set(self.unanchored)
        seen: dict[int, int] = {}
        for word in words:
            for pattern, bit in self._by_word.get(word, ()):
                mask = seen.get(pattern, 0) | bit
                seen[pattern] = mask
                if mask == self._full[pattern]:
                    found.add(self._owner[pattern])
        return found
