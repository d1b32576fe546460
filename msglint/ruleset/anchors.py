"""Anchors: the words without which a pattern cannot match, derived from the rules themselves; and
the surface forms of lemmas, from the pipeline's own lemmatizer tables.

Every token a pattern requires and that names its word (a literal, or a lemma, expanded to every
form the pipeline's lemmatizer can map to it) is a requirement. A unit whose words do not meet all
the requirements of a pattern cannot match it, so that pattern is not run there, and a unit that
can match no pattern beyond the tokenizer's reach is not tagged or parsed at all.
"""

from __future__ import annotations

import re
import weakref

from .patterns import op_bounds
from .stages import TOKENIZER_ATTRS, indexed_token

LEXICAL_ATTRS = TOKENIZER_ATTRS | {"OP"}
LITERAL_ATTRS = ("LOWER", "ORTH", "TEXT", "NORM")  # token attributes that name the word itself
_WORD_ATTRS = ("LOWER", "ORTH", "TEXT")  # those a unit's words (lower-case texts) can be checked for
_UNIVERSAL_POS = ("adj", "adp", "adv", "aux", "cconj", "det", "intj", "noun", "num", "part", "pron", "propn",
                  "punct", "sconj", "sym", "verb", "x")


def is_lexical(token_spec: dict) -> bool:
    """True when a token spec reads only what the tokenizer provides."""
    return set(token_spec) <= LEXICAL_ATTRS


def literal_values(value) -> list[str] | None:
    """The strings a spec value names, when it names them all (a string or an IN list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return list(value["IN"])
    return None


def _form_test(spec: dict):
    """A test of whether a token spec of the attribute_ruler could match a token of a (lower-case)
    text, made once per spec (an expression compiled once, not looked up per form)."""
    for attr in LITERAL_ATTRS:
        value = spec.get(attr)
        if value is None:
            continue
        literals = literal_values(value)
        if literals is not None:
            return frozenset(v.lower() for v in literals).__contains__
        if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
            return re.compile(value["REGEX"], flags=re.IGNORECASE).search
    return lambda form: True


LEMMA_TABLES = ("lemma_index", "lemma_exc", "lemma_rules")
_tables_of: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Lookups -> lemma_tables()


def lemma_tables(lookups) -> dict[str, tuple[frozenset, dict, list, tuple]]:
    """A rule lemmatizer's tables by universal part of speech, for the parts of speech that have any:
    (the index as a set, the exceptions, the rules, the rules' suffixes). Made once per Lookups: its
    index is lists (57,528 nouns in en_core_web_sm), which only a set makes quick to search."""
    found = _tables_of.get(lookups)
    if found is None:
        tables = [lookups.get_table(name) if lookups.has_table(name) else {} for name in LEMMA_TABLES]
        found = {}
        for pos in _UNIVERSAL_POS:
            index, exceptions, rules = (table.get(pos) for table in tables)
            if index or exceptions or rules:
                found[pos] = (frozenset(index or ()), dict(exceptions or {}), list(rules or ()),
                              tuple(old for old, _ in rules or ()))
        _tables_of[lookups] = found
    return found


def rule_lemma(text: str, table: tuple) -> str:
    """spaCy's Lemmatizer.rule_lemmatize(token)[0] past its early returns (part of speech, base form),
    from one part of speech's lemma_tables() entry: `text` as written, its lower case looked up."""
    index, exceptions, rules, suffixes = table
    lower = text.lower()
    forms: list[str] = []
    oov: list[str] = []
    # most forms end in no rule's suffix: one C call instead of a loop (compiling the classes asks
    # this of every form of every class word under every part of speech)
    for old, new in rules if lower.endswith(suffixes) else ():
        if lower.endswith(old):
            form = lower[: len(lower) - len(old)] + new
            if not form:
                continue
            if form in index:
                forms.insert(0, form)
            elif not form.isalpha():
                forms.append(form)
            else:
                oov.append(form)
    forms = list(dict.fromkeys(forms))
    for form in exceptions.get(lower, []):
        if form not in forms:
            forms.insert(0, form)
    return (forms or oov or [text])[0]


class LemmaForms:
    """The lemmatizer's tables turned around: every surface form (lower case) a lemma can come from,
    and every lemma a surface form can get under any part of speech.

    The second is what makes a surface decision exact: a form whose every possible lemma is in a
    pattern's lemma list matches it whatever the tagger says ("enjoy" is always "enjoy"), while a
    form whose lemma depends on the tag ("felt": "feel" as a verb, "felt" as a noun; and any word
    tagged as a proper noun keeps its own text) is left to the pipeline.
    """

    def __init__(self, nlp):
        self._rules: list[tuple[str, str]] = []
        self._irregular: dict[str, set[str]] = {}
        self._ruler_lemmas: dict[str, set[str]] = {}  # lower-case form -> lemmas the attribute_ruler gives it
        self.open_specs: list[tuple[dict, str]] = []  # (ruler token spec, lemma) for specs that list no forms
        self._tables: dict[str, tuple] = {}  # lemma_tables(): pos -> index, exceptions, rules, suffixes
        self.open_lemmas: set[str] = set()  # lemmas the ruler gives to forms we cannot list
        self.rule_based = False
        if "lemmatizer" in nlp.pipe_names:
            lemmatizer = nlp.get_pipe("lemmatizer")
            self.rule_based = lemmatizer.mode == "rule"
            self._tables = lemma_tables(lemmatizer.lookups)
            for _, exceptions, rules, _ in self._tables.values():
                self._rules.extend((old, new) for old, new in rules)
                for form, lemmas in exceptions.items():
                    for lemma in lemmas:
                        self._irregular.setdefault(lemma.lower(), set()).add(form.lower())
        if "attribute_ruler" in nlp.pipe_names:
            # Contractions get their lemmas here ("'re" -> "be"), not from the lemmatizer.
            for entry in nlp.get_pipe("attribute_ruler").patterns:
                lemma = entry.get("attrs", {}).get("LEMMA")
                if not isinstance(lemma, str):
                    continue
                lemma = lemma.lower()
                for pattern in entry["patterns"]:
                    spec = indexed_token(pattern, entry.get("index", 0)) or {}
                    forms = next((literal_values(spec[a]) for a in LITERAL_ATTRS if a in spec), None)
                    if forms is None:
                        self.open_lemmas.add(lemma)
                        self.open_specs.append((spec, lemma))
                    else:
                        self._irregular.setdefault(lemma, set()).update(f.lower() for f in forms)
                        for form in forms:
                            self._ruler_lemmas.setdefault(form.lower(), set()).add(lemma)
        self._open_tests = [(_form_test(spec), lemma) for spec, lemma in self.open_specs]
        self._possible: dict[str, frozenset] = {}
        self._forms: dict[str, frozenset] = {}
        self._known: frozenset | None = None

    def is_known(self, form: str) -> bool:
        """A word of the lemmatizer's tables (the rules also make forms that are never words)."""
        if self._known is None:
            self._known = frozenset().union(*(words for index, exceptions, _, _ in self._tables.values()
                                              for words in (index, exceptions)))
        return form in self._known

    def forms(self, lemma: str) -> set[str]:
        """Every lower-case form the pipeline may give this lemma (a superset: some are never words)."""
        lemma = lemma.lower()
        found = self._forms.get(lemma)
        if found is None:
            found = {lemma} | self._irregular.get(lemma, set())
            for old, new in self._rules:
                if lemma.endswith(new):
                    found.add(lemma[: len(lemma) - len(new)] + old)
            self._forms[lemma] = found = frozenset(found)
        return set(found)

    def forms_of(self, lemmas) -> set[str]:
        """Every lower-case form the pipeline may give any of these lemmas."""
        return set().union(*(self.forms(lemma) for lemma in lemmas))

    def possible_lemmas(self, form: str) -> frozenset:
        """Every lemma (lower case) the pipeline may give a token of this lower-case text."""
        found = self._possible.get(form)
        if found is None:
            lemmas = {form}  # a base form, a proper noun, a part of speech without tables
            lemmas.update(rule_lemma(form, table) for table in self._tables.values())
            lemmas.update(self._ruler_lemmas.get(form, ()))
            lemmas.update(lemma for test, lemma in self._open_tests if test(form))
            found = self._possible[form] = frozenset(lemmas)
        return found

    def split(self, lemmas: list[str]) -> tuple[set[str], set[str]] | None:
        """The forms of these lemmas as (sure, unsure): a sure form has one of them as its lemma
        whatever its tag; an unsure one only under some tags. None when the forms cannot be listed."""
        wanted = {lemma.lower() for lemma in lemmas}
        if not self.rule_based or wanted & self.open_lemmas:
            return None
        sure, unsure = set(), set()
        for form in self.forms_of(wanted):
            # every form may be its own lemma (a proper noun keeps its text), so only a form that is
            # one of the lemmas can be sure: the rest need no look at the tables
            (sure if form in wanted and self.possible_lemmas(form) <= wanted else unsure).add(form)
        return sure, unsure


def may_be_absent(op: str | None) -> bool:
    """Whether a token spec with this OP may match no token ("?", "*", "{0,2}", "{,2}"), or not this
    word ("!")."""
    return op == "!" or op_bounds(op)[0] == 0


def token_anchor(spec: dict, lemma_forms: LemmaForms) -> set[str] | None:
    """Surface forms a required token spec must have; None when it is optional or names no word.
    (NORM names a word, but not one a unit's words hold: "u" has the norm "you".)"""
    if may_be_absent(spec.get("OP")):
        return None
    for attr in _WORD_ATTRS:
        values = literal_values(spec.get(attr))
        if values is not None:
            return {v.lower() for v in values}  # empty for an empty list: the pattern never matches
    lemmas = literal_values(spec.get("LEMMA"))
    if lemmas is not None and not ({lemma.lower() for lemma in lemmas} & lemma_forms.open_lemmas):
        return lemma_forms.forms_of(lemmas)
    return None


def required_sets(token_specs: list[dict], lemma_forms: LemmaForms) -> list[set[str]]:
    """For each required token that names its word, the forms it may take: all must be present."""
    return [anchor for anchor in (token_anchor(spec, lemma_forms) for spec in token_specs) if anchor is not None]


class AnchorIndex:
    """Decides from a unit's words alone which patterns could match in it. Owners are any hashable
    label (here: a matcher slot's (rule, stage, role, slot), a gate's number, a plan's number).

    Each pattern is indexed under one of its required sets only, the one least likely to occur
    (fewest common words, then fewest words); the other sets are checked when that one is met. So
    "your" or "the", which occur in most units, rarely start a check. Each distinct required set is
    a bit: a unit's words light the bits of the sets they meet, and a pattern's other sets are met
    when none of its bits is dark (one integer test, where testing each set against the words was
    the largest part of this check).
    """

    def __init__(self, is_common=lambda word: False):
        self._is_common = is_common
        self._by_word: dict[str, list[int]] = {}
        self._rest: list[int] = []  # per pattern: the bits of its required sets but the trigger's
        self._owner: list = []
        self._triggers: dict = {}  # owner -> (pattern, the words that trigger its check)
        self._bit_of_set: dict[frozenset, int] = {}
        self._bits_of_word: dict[str, int] = {}  # word -> the bits of the sets it meets
        self.unanchored: set = set()  # owners with a pattern that names no word: always candidates

    def _bits(self, words: set[str]) -> int:
        key = frozenset(words)
        bit = self._bit_of_set.get(key)
        if bit is None:
            bit = self._bit_of_set[key] = 1 << len(self._bit_of_set)
            for word in key:
                self._bits_of_word[word] = self._bits_of_word.get(word, 0) | bit
        return bit

    def add(self, requirements: list[set[str]], owner) -> None:
        if any(not words for words in requirements):
            return  # a required token no word can meet: never a candidate
        if not requirements:
            self.unanchored.add(owner)
            return
        trigger = min(range(len(requirements)),
                      key=lambda i: (sum(map(self._is_common, requirements[i])), len(requirements[i])))
        pattern = len(self._owner)
        self._owner.append(owner)
        rest = 0
        for i, words in enumerate(requirements):
            if i != trigger:
                rest |= self._bits(words)
        self._rest.append(rest)
        self._triggers.setdefault(owner, []).append((pattern, requirements[trigger]))
        for word in requirements[trigger]:
            self._by_word.setdefault(word, []).append(pattern)

    def forget(self, owner) -> None:
        """Stop offering `owner` (its patterns are no longer looked for: planned ones, say)."""
        for pattern, words in self._triggers.pop(owner, ()):
            for word in words:
                listed = self._by_word[word]
                listed.remove(pattern)
                if not listed:
                    del self._by_word[word]

    def candidates(self, words: set[str]) -> set:
        """The owners with at least one pattern whose required words are all present."""
        found = set(self.unanchored)
        by_word = self._by_word
        triggered = by_word.keys() & words  # in C: most of a unit's words trigger nothing
        if not triggered:
            return found
        dark = -1  # the complement of the lit bits
        bits_of_word = self._bits_of_word
        for word in bits_of_word.keys() & words:
            dark &= ~bits_of_word[word]
        rest, owners = self._rest, self._owner
        for word in triggered:
            for pattern in by_word[word]:
                if not rest[pattern] & dark:
                    found.add(owners[pattern])
        return found
