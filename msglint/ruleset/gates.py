"""Gates: a surface check, in word order, that a unit could still match a pattern that needs the model.

The anchor index (msglint.ruleset.anchors) knows only which words a unit holds. A gate also knows
their order and adjacency. It is the pattern with everything the tokenizer cannot decide relaxed:
a lemma becomes every surface form the pipeline can give that lemma (and, where the attribute_ruler
gives it by an expression, that expression), a part of speech, tag,
dependency label or sentence start becomes any token, and a negated token becomes any one token.
Every token the pattern can match, the relaxed token matches too, so where the gate finds nothing
the pattern cannot match, and the unit is not tagged or parsed for it ("your" ... "style" in two
different sentences of one unit, or in the wrong order, opens no gate).

A pattern whose lemmas were split into sure and unsure forms (msglint.ruleset.compiling) is matched
on the surface already wherever its lemma positions hold sure forms; its gate asks more: the span
must hold an unsure form (a form whose lemma depends on the tag, or a sure form in capitals, which
a proper noun keeps as its lemma). The whole span is searched, not the token the Matcher aligned
with a lemma position: spaCy reports one alignment per span, and with optional tokens another
alignment could put the unsure form at the lemma.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from spacy.matcher import Matcher

from .anchors import LITERAL_ATTRS, LemmaForms, literal_values
from .patterns import op_bounds

MAX_ALTERNATIVES = 16  # relaxed patterns per pattern; past it, a token with alternatives is any token


def regular_case(text: str) -> bool:
    """Lower case, or capitalized: the casings in which a proper noun's lemma still meets a rule's."""
    lower = text.lower()
    return text == lower or text == lower.capitalize()


def relaxed_patterns(pattern: list[dict], lemma_forms: LemmaForms, surface_attrs: frozenset) -> list[list[dict]]:
    """Patterns that together match every span `pattern` can match, reading only what the tokenizer
    sets: one, or a few where a lemma comes from forms listed and from forms the attribute_ruler
    finds by an expression ("y'" is "you")."""
    return patterns_of_alternatives(pattern, [alternatives(spec, lemma_forms, surface_attrs) for spec in pattern])


def patterns_of_alternatives(pattern: list[dict], choices: list[list[dict]]) -> list[list[dict]]:
    """The patterns that, together, take every combination of each token's alternatives. A token
    that repeats ("+", "*", "{1,3}") may match a run mixing its alternatives, which no single
    combination covers: with more than one, it becomes any token (as does every token with
    alternatives, past MAX_ALTERNATIVES patterns)."""
    choices = [any_token(spec) if len(choice) > 1 and repeats(spec.get("OP")) else choice
               for choice, spec in zip(choices, pattern)]
    if math.prod(len(choice) for choice in choices) > MAX_ALTERNATIVES:
        choices = [choice if len(choice) == 1 else any_token(spec) for choice, spec in zip(choices, pattern)]
    return [list(specs) for specs in itertools.product(*choices)]


def any_token(spec: dict) -> list[dict]:
    return [{"OP": spec["OP"]}] if "OP" in spec else [{}]


def repeats(op: str | None) -> bool:
    """Whether a token spec with this OP may match more than one token."""
    most = op_bounds(op)[1]
    return most is None or most > 1


def alternatives(spec: dict, lemma_forms: LemmaForms, surface_attrs: frozenset) -> list[dict]:
    """Token specs that together match every token `spec` can match."""
    if spec.get("OP") == "!":
        return [{}]  # "not X" is one token of any kind
    kept = {key: value for key, value in spec.items() if key == "OP" or key in surface_attrs}
    lemmas = literal_values(spec.get("LEMMA"))
    if lemmas is None or any(attr in kept for attr in LITERAL_ATTRS):
        return [kept]
    wanted = {lemma.lower() for lemma in lemmas}
    listed = lemma_forms.forms_of(wanted)
    out = [{**kept, "LOWER": {"IN": sorted(listed)}}]
    for ruler_spec, lemma in lemma_forms.open_specs:
        if lemma in wanted:  # the ruler's own test of the form, where it reads the surface
            out.append({**kept, **{key: value for key, value in ruler_spec.items() if key in surface_attrs}})
    return out


@dataclass(frozen=True)
class _Gate:
    owner: tuple  # (rule, stage, role, slot): the candidate the gate lets through
    matcher: Matcher
    unsure: tuple[frozenset, frozenset] | None  # (sure forms, unsure forms); None: any match opens it


class Gates:
    """One Matcher of relaxed patterns per gated pattern, run only on units the anchors let through
    (one per rule would test every pattern of the rule at every token of those units)."""

    def __init__(self, vocab):
        self._vocab = vocab
        self._gates: list[_Gate] = []

    def add(self, owner: tuple, relaxed: list[list[dict]], unsure: tuple[frozenset, frozenset] | None) -> int:
        """Register relaxed patterns; the returned number is the gate's owner in the anchor index."""
        matcher = Matcher(self._vocab, validate=False)
        matcher.add("gate", relaxed)
        self._gates.append(_Gate(owner, matcher, unsure))
        return len(self._gates) - 1

    def open(self, doc, numbers: set[int], already: set) -> set[tuple]:
        """The owners of the gates among `numbers` that the unit opens, skipping those already
        candidates by another pattern."""
        opened: set[tuple] = set()
        for number in sorted(numbers):
            gate = self._gates[number]
            if gate.owner in already or gate.owner in opened:
                continue
            if any(holds_unsure_form(doc, start, end, gate.unsure) for _, start, end in gate.matcher(doc)):
                opened.add(gate.owner)
        return opened


def holds_unsure_form(doc, start: int, end: int, unsure: tuple[frozenset, frozenset] | None) -> bool:
    if unsure is None:
        return True
    sure_forms, unsure_forms = unsure
    for token in doc[start:end]:
        lower = token.lower_
        if lower in unsure_forms or (lower in sure_forms and not regular_case(token.text)):
            return True
    return False
