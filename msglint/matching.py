"""Compiling every rule once into shared spaCy matchers, and running them over one unit's Doc.

Patterns fall in two sets. Lexical patterns read only what the tokenizer gives (shouting, "!!!",
plain phrases of rules that report findings without pyramid evidence); they run over the whole
paragraph, tokenized only, so they can span sentences ("Yes. Correct. Confirmed."). Syntactic patterns
read tags, lemmas, sentence starts or the parse; they run on parsed units, and their required words
(msglint.anchors) decide whether a unit needs parsing at all.
Within each set one Matcher, one PhraseMatcher per attribute and one DependencyMatcher serve all
rules, keyed `rule-id|role`.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.tokens import Doc

from .anchors import AnchorIndex, LemmaForms, is_lexical, required_sets
from .errors import MsglintError
from .hits import Hit
from .message import normalize
from .ruleset import MatchSpec, Rule

ROLES = {"match": "match", "except": "exceptions", "except-sentence": "sentence_exceptions"}
# A first-token set of literals is expanded into one pattern per word: spaCy checks a plain value in
# C, but calls back into Python for every token to test a set ("IN").
_EXPANDABLE = ("LOWER", "ORTH", "TEXT", "NORM", "LEMMA")


class _MatcherSet:
    def __init__(self, vocab):
        self.tokens = Matcher(vocab, validate=True)
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.dependency = DependencyMatcher(vocab, validate=True)
        self.used: set[str] = set()

    def __call__(self, doc, strings) -> list[tuple[str, int, int]]:
        out = []
        for name in ("tokens", "lower", "lemma"):
            if name in self.used:
                out.extend((strings[key], start, end) for key, start, end in getattr(self, name)(doc))
        if "dependency" in self.used:
            out.extend((strings[key], min(ids), max(ids) + 1) for key, ids in self.dependency(doc))
        return out


class CompiledRules:
    def __init__(self, rules: list[Rule], nlp):
        self.rules = rules
        self._by_id = {rule.id: rule for rule in rules}
        self._strings = nlp.vocab.strings
        self._vocab = nlp.vocab
        self._lexical = _MatcherSet(nlp.vocab)
        # One set per rule, so a unit runs only the rules whose required words it contains.
        self._syntactic: dict[str, _MatcherSet] = {}
        self._lemma_forms = LemmaForms(nlp)
        self.anchors = AnchorIndex()
        for rule in rules:
            syntactic_rule = _needs_parse_as_a_whole(rule)
            for role, attribute in ROLES.items():
                spec: MatchSpec = getattr(rule, attribute)
                if not spec.is_empty():
                    self._add(rule, role, spec, nlp, syntactic_rule)

    def candidates(self, doc) -> set[str]:
        """Rules that could match in a tokenized unit; none means the unit needs no parse."""
        return self.anchors.candidates({token.lower_ for token in doc})

    def needs_parse(self, doc) -> bool:
        return bool(self.candidates(doc))

    def _syntactic_set(self, rule_id: str) -> _MatcherSet:
        return self._syntactic.setdefault(rule_id, _MatcherSet(self._vocab))

    def _add(self, rule: Rule, role: str, spec: MatchSpec, nlp, syntactic_rule: bool) -> None:
        key = f"{rule.id}|{role}"
        syntactic = self._syntactic_set(rule.id)
        requirements: list[list[set[str]]] = []
        lexical_tokens, syntactic_tokens = [], []
        for pattern in spec.tokens:
            if not syntactic_rule and all(is_lexical(t) for t in pattern):
                lexical_tokens.append(list(pattern))
            else:
                syntactic_tokens.append(list(pattern))
                requirements.append(required_sets(list(pattern), self._lemma_forms))
        if role != "match" and not syntactic_rule:
            # The exceptions of a rule that matches in both places are checked in both.
            syntactic_tokens += lexical_tokens
        for matchers, patterns in ((self._lexical, lexical_tokens), (syntactic, syntactic_tokens)):
            if patterns:
                expanded = [p for pattern in patterns for p in _expand_first_token(_case_insensitive_pattern(pattern))]
                try:
                    matchers.tokens.add(key, expanded, greedy="LONGEST")
                except (ValueError, KeyError) as exc:
                    raise self._error(rule, f"{role}.tokens", exc) from None
                matchers.used.add("tokens")
        if spec.phrases:
            docs = list(nlp.tokenizer.pipe([normalize(p) for p in spec.phrases]))
            homes = [syntactic] if syntactic_rule else [self._lexical] + ([syntactic] if role != "match" else [])
            for matchers in homes:
                matchers.lower.add(key, docs)
                matchers.used.add("lower")
            if syntactic_rule:
                requirements += [[{t.lower_} for t in doc] for doc in docs]
        if spec.lemmas:
            # Lemma sequences become hand-made Docs: nothing is run through the pipeline to compile them.
            docs = []
            for lemma in spec.lemmas:
                words = lemma.split()
                docs += [Doc(nlp.vocab, words=variant, lemmas=variant) for variant in _case_variants(words)]
                requirements.append(required_sets([{"LEMMA": w} for w in words], self._lemma_forms))
            syntactic.lemma.add(key, docs)
            syntactic.used.add("lemma")
        if spec.dependency:
            patterns = [[_case_insensitive_node(node) for node in p] for p in spec.dependency]
            try:
                syntactic.dependency.add(key, patterns)
            except (ValueError, KeyError) as exc:
                raise self._error(rule, f"{role}.dependency", exc) from None
            syntactic.used.add("dependency")
            for pattern in spec.dependency:
                requirements.append(required_sets([node.get("RIGHT_ATTRS", {}) for node in pattern], self._lemma_forms))
        # Exceptions only remove matches, and a match already makes its unit parsed.
        if role == "match":
            for requirement in requirements:
                self.anchors.add(requirement, rule.id)

    @staticmethod
    def _error(rule: Rule, field_name: str, exc: Exception) -> MsglintError:
        # spaCy's validation puts the useful part (which token, which key) on later lines: keep one line.
        details = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
        return MsglintError(f"{rule.source}:{rule.line}: rule {rule.id}: field {field_name}: invalid pattern: {details}")

    def block_hits(self, doc) -> list[Hit]:
        """Lexical matches over a paragraph, tokenized only."""
        return self._hits(doc, [self._lexical])

    def unit_hits(self, doc, rules: set[str] | None = None) -> list[Hit]:
        """Syntactic matches in one parsed unit, of the given rules (None: every rule)."""
        chosen = self._syntactic.values() if rules is None else [self._syntactic[r] for r in rules if r in self._syntactic]
        return self._hits(doc, chosen)

    def _hits(self, doc, matcher_sets) -> list[Hit]:
        found: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for matchers in matcher_sets:
            for key, start, end in matchers(doc, self._strings):
                found[key].append((start, end))
        hits: list[Hit] = []
        for key in [k for k in found if k.endswith("|match")]:
            rule = self._by_id[key[: -len("|match")]]
            exceptions = found.get(f"{rule.id}|except", [])
            excepted = {doc[s].sent.start for s, _ in found.get(f"{rule.id}|except-sentence", [])}
            for start, end in found[key]:
                if any(start < xe and xs < end for xs, xe in exceptions):
                    continue
                if excepted and doc[start].sent.start in excepted:
                    continue
                hits.append(_to_characters(doc, rule, start, end))
        return hits


def _is_lexical_spec(spec: MatchSpec) -> bool:
    return not spec.lemmas and not spec.dependency and all(is_lexical(t) for p in spec.tokens for t in p)


def _needs_parse_as_a_whole(rule: Rule) -> bool:
    """Pyramid evidence and sentence exceptions need sentence boundaries, and an exception that
    reads the parse must be checkable wherever the rule can match."""
    return rule.level is not None or not rule.sentence_exceptions.is_empty() or not _is_lexical_spec(rule.exceptions)


def _to_characters(doc, rule: Rule, start: int, end: int) -> Hit:
    while end - 1 > start and doc[end - 1].is_space:
        end -= 1
    while start < end - 1 and doc[start].is_space:
        start += 1
    last = doc[end - 1]
    sentence = doc[start].sent.start_char if rule.level is not None else 0
    return Hit(rule.id, doc[start].idx, last.idx + len(last.text), sentence)


# Words tagged as proper nouns keep their capitals in the lemma ("Cozy knitwear", "Join Mayor Pete"),
# common in title-case subject lines; rule authors write lemmas in lower case.
_CASINGS = (str, str.lower, str.capitalize)


def _case_variants(words: list[str]) -> list[list[str]]:
    """A lemma sequence with each word in each casing, independently: only the proper-noun words
    keep a capital ("Snuggle up" at the start of a line), so every mix must be matched."""
    choices = [dict.fromkeys(casing(w) for casing in _CASINGS) for w in words]
    return [list(variant) for variant in itertools.product(*choices)]


def _with_case_variants(words: list) -> list:
    """A list of words (a pattern's IN values) with every word in each casing."""
    return list(dict.fromkeys(casing(w) if isinstance(w, str) else w for w in words for casing in _CASINGS))


def _case_insensitive_lemma(token_spec: dict) -> dict:
    lemma = token_spec.get("LEMMA")
    if lemma is None:
        return token_spec
    if isinstance(lemma, str):
        lemma = {"IN": _with_case_variants([lemma])}
    elif isinstance(lemma, dict):
        lemma = {op: _with_case_variants(v) if op in ("IN", "NOT_IN") and isinstance(v, list) else v
                 for op, v in lemma.items()}
    return {**token_spec, "LEMMA": lemma}


def _case_insensitive_pattern(pattern: list[dict]) -> list[dict]:
    return [_case_insensitive_lemma(spec) for spec in pattern]


def _case_insensitive_node(node: dict) -> dict:
    if "RIGHT_ATTRS" not in node:
        return node
    return {**node, "RIGHT_ATTRS": _case_insensitive_lemma(node["RIGHT_ATTRS"])}


def _expand_first_token(pattern: list[dict]) -> list[list[dict]]:
    first = pattern[0]
    for attr in _EXPANDABLE:
        value = first.get(attr)
        if isinstance(value, dict) and set(value) == {"IN"}:
            return [[{**first, attr: word}, *pattern[1:]] for word in value["IN"]]
    return [pattern]
