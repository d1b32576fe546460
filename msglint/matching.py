"""Compiling every rule once into shared spaCy matchers, and running them once per Doc.

One Matcher, one PhraseMatcher and one DependencyMatcher serve the whole rule set, keyed by
`rule-id|role`, so a message costs three matcher calls however many rules there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher

from .errors import MsglintError
from .message import normalize
from .ruleset import MatchSpec, Rule

ROLES = {"match": "match", "except": "exceptions", "except-sentence": "sentence_exceptions"}


@dataclass(frozen=True)
class Hit:
    """A matched token range [start, end) for one rule."""

    rule_id: str
    start: int
    end: int


class CompiledRules:
    def __init__(self, rules: list[Rule], nlp):
        self.rules = rules
        self._strings = nlp.vocab.strings
        self._matcher = Matcher(nlp.vocab, validate=True)
        self._phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._dependency = DependencyMatcher(nlp.vocab, validate=True)
        self._has = {"matcher": False, "phrases": False, "dependency": False}
        for rule in rules:
            for role, attribute in ROLES.items():
                spec: MatchSpec = getattr(rule, attribute)
                if not spec.is_empty():
                    self._add(rule, role, spec, nlp)

    def _add(self, rule: Rule, role: str, spec: MatchSpec, nlp) -> None:
        key = f"{rule.id}|{role}"
        field_prefix = role
        token_patterns = [[_case_insensitive_lemma(t) for t in p] for p in spec.tokens]
        # Lemma sequences become token patterns: no pipeline run is needed to compile them.
        token_patterns += [[{"LEMMA": _lemma_variants(word)} for word in lemma.split()] for lemma in spec.lemmas]
        if token_patterns:
            try:
                self._matcher.add(key, token_patterns, greedy="LONGEST")
            except (ValueError, KeyError) as exc:
                raise self._error(rule, f"{field_prefix}.tokens", exc) from None
            self._has["matcher"] = True
        if spec.phrases:
            normalized = [normalize(p) for p in spec.phrases]
            self._phrases.add(key, list(nlp.tokenizer.pipe(normalized)))
            self._has["phrases"] = True
        if spec.dependency:
            try:
                patterns = [[_case_insensitive_dependency_node(node) for node in p] for p in spec.dependency]
                self._dependency.add(key, patterns)
            except (ValueError, KeyError) as exc:
                raise self._error(rule, f"{field_prefix}.dependency", exc) from None
            self._has["dependency"] = True

    @staticmethod
    def _error(rule: Rule, field_name: str, exc: Exception) -> MsglintError:
        # spaCy's validation puts the useful part (which token, which key) on later lines: keep one line.
        details = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
        return MsglintError(f"{rule.source}:{rule.line}: rule {rule.id}: field {field_name}: invalid pattern: {details}")

    def hits(self, doc) -> dict[str, list[Hit]]:
        """Matches per `rule-id|role` key, as token ranges."""
        found: dict[str, list[Hit]] = defaultdict(list)
        label = self._strings
        if self._has["matcher"]:
            for match_id, start, end in self._matcher(doc):
                key = label[match_id]
                found[key].append(Hit(key.split("|")[0], start, end))
        if self._has["phrases"]:
            for match_id, start, end in self._phrases(doc):
                key = label[match_id]
                found[key].append(Hit(key.split("|")[0], start, end))
        if self._has["dependency"]:
            for match_id, token_ids in self._dependency(doc):
                key = label[match_id]
                found[key].append(Hit(key.split("|")[0], min(token_ids), max(token_ids) + 1))
        return found

    def rule_hits(self, doc) -> dict[str, list[Hit]]:
        """Per rule id: matches that survive its exceptions, longest first where they overlap."""
        found = self.hits(doc)
        out: dict[str, list[Hit]] = {}
        for rule in self.rules:
            candidates = found.get(f"{rule.id}|match")
            if not candidates:
                continue
            exceptions = found.get(f"{rule.id}|except", [])
            sentence_exceptions = found.get(f"{rule.id}|except-sentence", [])
            excepted_sentences = {doc[h.start].sent.start for h in sentence_exceptions}
            kept = [
                hit
                for hit in candidates
                if not any(hit.start < e.end and e.start < hit.end for e in exceptions)
                and doc[hit.start].sent.start not in excepted_sentences
            ]
            if kept:
                out[rule.id] = _longest_non_overlapping(kept)
        return out


def _lemma_variants(word: str) -> dict:
    """Words tagged as proper nouns keep their capitals in the lemma ("Cozy knitwear", "Join Mayor
    Pete"), which is common in title-case subject lines; rule authors write lemmas in lower case."""
    return {"IN": _with_case_variants([word])}


def _with_case_variants(words: list) -> list:
    out: list = []
    for word in words:
        out.extend([word, word.lower(), word.capitalize()] if isinstance(word, str) else [word])
    return list(dict.fromkeys(out))


def _case_insensitive_lemma(token_spec: dict) -> dict:
    lemma = token_spec.get("LEMMA")
    if lemma is None:
        return token_spec
    if isinstance(lemma, str):
        lemma = _lemma_variants(lemma)
    elif isinstance(lemma, dict):
        lemma = {op: _with_case_variants(v) if op in ("IN", "NOT_IN") and isinstance(v, list) else v
                 for op, v in lemma.items()}
    return {**token_spec, "LEMMA": lemma}


def _case_insensitive_dependency_node(node: dict) -> dict:
    if "RIGHT_ATTRS" not in node:
        return node
    return {**node, "RIGHT_ATTRS": _case_insensitive_lemma(node["RIGHT_ATTRS"])}


def _longest_non_overlapping(hits: list[Hit]) -> list[Hit]:
    chosen: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if all(hit.end <= c.start or c.end <= hit.start for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)
