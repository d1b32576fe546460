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

from .anchors import LITERAL_ATTRS, LemmaForms, literal_values
from .gates import _MAX_ALTERNATIVES, _alternatives, holds_unsure_form
from .stages import PipelineStages, pipe_effects


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
        effects = {name: pipe_effects(pipe) for name, pipe in nlp.pipeline}
        shown = set().union(*(effects[name][1] for name in stages.tagged_pipes))
        self.visible = frozenset(self._surface | shown)
        # attribute -> (value, the test a ruler pattern makes before setting it, as the tags show it)
        self._setters: dict[str, list[tuple[str, dict]]] = {}
        self._opaque: set[str] = set()  # written after the tagged stage by a pipe we cannot read
        for name, pipe in nlp.pipeline:
            if name in stages.tagged_pipes:
                continue
            writes = effects[name][1]
            if not isinstance(pipe, AttributeRuler):
                self._opaque |= writes
                continue
            for entry in pipe.patterns:
                index = entry.get("index", 0)
                for attr, value in entry.get("attrs", {}).items():
                    for pattern in entry["patterns"]:
                        test = pattern[index] if -len(pattern) <= index < len(pattern) else {}
                        shown_test = {key: val for key, val in test.items() if key in self.visible}
                        self._setters.setdefault(attr, []).append((value, shown_test))

    def attribute(self, attr: str, condition) -> list[dict] | None:
        """Specs that together cover every token whose `attr` meets `condition` after the parse;
        None when the tags cannot tell (any token)."""
        if attr in self._opaque or (attr not in self.visible and attr not in self._setters):
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
        """Specs that together match every token `spec` can match on the parse."""
        if spec.get("OP") == "!":
            return [{}]
        kept = {key: value for key, value in spec.items() if key == "OP" or key in self._surface}
        choices = []
        for attr, condition in spec.items():
            if attr in kept or attr == "LEMMA":
                continue
            alternatives = self.attribute(attr, condition)
            if alternatives is not None:
                choices.append(alternatives)
        if "LEMMA" in spec and not any(attr in kept for attr in LITERAL_ATTRS):
            choices.append(_alternatives({"LEMMA": spec["LEMMA"]}, self._lemma_forms, self._surface))
        if math.prod(len(choice) for choice in choices) > _MAX_ALTERNATIVES:
            choices = [choice for choice in choices if len(choice) == 1]
        out = _merged([_combined([kept, *specs]) for specs in itertools.product(*choices)])
        if not out and "OP" in spec:
            return [{"OP": spec["OP"]}]  # a token no tag leads to may still be skipped, or any token
        return out

    def pattern(self, pattern: list[dict]) -> list[list[dict]]:
        choices = [self.token(spec) for spec in pattern]
        if math.prod(len(choice) for choice in choices) > _MAX_ALTERNATIVES:
            choices = [choice if len(choice) == 1 else [{"OP": spec["OP"]} if "OP" in spec else {}]
                       for choice, spec in zip(choices, pattern)]
        return [list(specs) for specs in itertools.product(*choices)]


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
        relaxed = [p for p in self.view.pattern(pattern) if p]
        matcher = None  # a token no tag can lead to: the pattern never matches
        if relaxed:
            matcher = Matcher(self._vocab, validate=False)
            matcher.add("gate", relaxed)
        self._gates[owner] = (matcher, 0, unsure)

    def add_nodes(self, owner: tuple, nodes: list[dict]) -> None:
        matcher = Matcher(self._vocab, validate=False)
        for number, attrs in enumerate(nodes):
            alternatives = self.view.token(attrs)
            if not alternatives:
                matcher = None
                break
            matcher.add(str(number), [[spec] for spec in alternatives])
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
