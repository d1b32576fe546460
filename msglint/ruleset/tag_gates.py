"""Tag gates: after the tagger, a second look before the parse.

A unit sent to the parse for a pattern (its surface gate opened: msglint.ruleset.gates) is first
taken through the pipes that do not depend on the parse (in en_core_web_sm: tok2vec and tagger, two
thirds of the model's time). The pattern is then tried relaxed to what those pipes show: a tag as
the tagger gave it; a part of speech as the tests of the attribute_ruler patterns that can set it
(a token ends up PROPN only if a ruler pattern that sets PROPN matched it, and those test the tag:
NNP or NNPS); a lemma as its surface forms; a dependency label, a sentence start or anything else as
any token. Every token the pattern can match on the parse, the relaxed one matches on the tags, so
where it finds nothing the unit is not parsed for that pattern, and the parser, the ruler and the
lemmatizer (the other third) are saved. A dependency pattern is tried node by node: each node must
find some token.
"""

from __future__ import annotations

import itertools
import math

from spacy.matcher import Matcher

from .anchors import LemmaForms, literal_values
from .gates import MAX_ALTERNATIVES, alternatives, any_token, holds_unsure_form, patterns_of_alternatives
from .stages import PipelineStages, indexed_token

# What the gates read of what the attribute_ruler sets: values compared as written (a MORPH may be
# written in another order or as a dict, so it is not read).
_RULED = ("TAG", "POS")


class TaggedView:
    """Which token specs, reading only what the tagged stage shows, cover a spec of the parse."""

    @classmethod
    def of(cls, nlp, stages: PipelineStages, lemma_forms: LemmaForms) -> "TaggedView | None":
        """None when the pipeline has no pipes before the parse (nothing to look at first)."""
        return cls(nlp, stages, lemma_forms) if stages.tagged_pipes else None

    def __init__(self, nlp, stages: PipelineStages, lemma_forms: LemmaForms):
        from spacy.pipeline import AttributeRuler

        self._lemma_forms = lemma_forms
        self._surface = stages.surface_attrs
        shown = set().union(*(stages.pipe_writes[name] for name in stages.tagged_pipes))
        self.visible = frozenset(self._surface | shown)
        # attribute -> (value, the test a ruler pattern makes before setting it, as the tags show it)
        self._setters: dict[str, list[tuple[str, dict]]] = {}
        self._opaque: set[str] = set()  # written after the tagged stage by a pipe we cannot read
        for name, pipe in nlp.pipeline:
            if name in stages.tagged_pipes:
                continue
            if not isinstance(pipe, AttributeRuler):
                self._opaque |= stages.pipe_writes[name]
                continue
            for entry in pipe.patterns:
                index = entry.get("index", 0)
                for attr, value in entry.get("attrs", {}).items():
                    for pattern in entry["patterns"]:
                        self._setters.setdefault(attr, []).append((value, self._shown_test(pattern, index)))

    def _shown_test(self, pattern: list[dict], index: int) -> dict:
        """What a ruler pattern tests of the token it sets, as the tags show it; {} (any token) when a
        quantifier may move that token away from pattern[index]."""
        test = indexed_token(pattern, index)
        if test is None or any("OP" in spec for spec in pattern):
            return {}
        return {key: value for key, value in test.items() if key in self.visible}

    def attribute(self, attr: str, condition) -> list[dict] | None:
        """Specs that together cover every token whose `attr` meets `condition` after the parse;
        None when the tags cannot tell (any token)."""
        if attr not in _RULED or attr in self._opaque or (attr not in self.visible and attr not in self._setters):
            return None
        values = literal_values(condition)
        if values is None or "" in values:
            return None
        out = [{attr: condition}] if attr in self.visible else []
        for value, test in self._setters.get(attr, ()):
            if value in values:
                if not test:
                    return None
                out.append(test)
        return _merged(out)

    def token(self, spec: dict) -> list[dict]:
        """Specs that together match every token `spec` can match on the parse: its surface
        alternatives (msglint.ruleset.gates), each narrowed by what the tags show."""
        surface = alternatives(spec, self._lemma_forms, self._surface)
        if spec.get("OP") == "!":
            return surface
        ruled = [found for attr, condition in spec.items() if (found := self.attribute(attr, condition)) is not None]
        if len(surface) * math.prod(len(choice) for choice in ruled) > MAX_ALTERNATIVES:
            ruled = [choice for choice in ruled if len(choice) == 1]
        out = _merged([_combined(list(specs)) for specs in itertools.product(surface, *ruled)])
        if not out and "OP" in spec:
            return any_token(spec)  # a token no tag leads to may still be skipped
        return out

    def pattern(self, pattern: list[dict]) -> list[list[dict]]:
        return patterns_of_alternatives(pattern, [self.token(spec) for spec in pattern])


def _combined(specs: list[dict]) -> dict:
    """One spec meeting all of `specs`, less any key two of them set differently (dropping a test
    only widens what the spec matches)."""
    out: dict = {}
    clashing: set[str] = set()
    for spec in specs:
        for key, value in spec.items():
            if key in out and out[key] != value:
                clashing.add(key)
            out.setdefault(key, value)
    return {key: value for key, value in out.items() if key not in clashing}


def _merged(specs: list[dict]) -> list[dict]:
    """The same specs, those that test one attribute's literal values joined into one set."""
    joined: dict[str, set[str]] = {}
    rest: list[dict] = []
    for spec in specs:
        if not spec or (len(spec) == 1 and "OP" in spec):
            return [spec]  # any token covers them all
        key = next(iter(spec)) if len(spec) == 1 else None
        values = literal_values(spec[key]) if key is not None else None
        if values is not None:
            joined.setdefault(key, set()).update(values)
        elif spec not in rest:
            rest.append(spec)
    return [{key: sorted(values)[0] if len(values) == 1 else {"IN": sorted(values)}}
            for key, values in joined.items()] + rest


class TagGates:
    """Per parse-stage pattern (its candidate owner), its relaxed form on the tags."""

    def __init__(self, vocab, view: TaggedView):
        self.view = view
        self._vocab = vocab
        self._gates: dict[tuple, tuple[Matcher, int, tuple | None]] = {}

    def add_tokens(self, owner: tuple, pattern: list[dict], unsure: tuple | None) -> None:
        relaxed = self.view.pattern(pattern)
        matcher = None  # a token no tag can lead to: the pattern never matches
        if relaxed:
            matcher = Matcher(self._vocab, validate=False)
            matcher.add("gate", relaxed)
        self._gates[owner] = (matcher, 0, unsure)

    def add_nodes(self, owner: tuple, nodes: list[dict]) -> None:
        matcher = Matcher(self._vocab, validate=False)
        for number, attrs in enumerate(nodes):
            specs = self.view.token(attrs)
            if not specs:
                matcher = None
                break
            matcher.add(str(number), [[spec] for spec in specs])
        self._gates[owner] = (matcher, len(nodes), None)

    def shut(self, doc, owner: tuple) -> bool:
        """Whether the tagged unit cannot match the owner's pattern on the parse."""
        gate = self._gates.get(owner)
        if gate is None:
            return False
        matcher, nodes, unsure = gate
        if matcher is None:
            return True
        if nodes:
            return len({key for key, _, _ in matcher(doc)}) < nodes
        return not any(holds_unsure_form(doc, start, end, unsure) for _, start, end in matcher(doc))
