"""Compiling every rule once into spaCy matchers, and deciding each unit at the cheapest stage.

Two places match. Paragraph patterns (of rules that give no pyramid evidence, have no sentence
exceptions and read only what the tokenizer gives: shouting, "!!!", plain phrases) run over the whole
paragraph, tokenized only, so they may span sentences ("Yes. Correct. Confirmed."). Everything else
runs per unit (sentence), and every pattern of it is put at a stage (msglint.ruleset.stages) when the rules
compile: a lemma is matched on the surface form where the form decides it ("enjoy"), and the same
pattern is kept, at the stage its lemma needs, for units holding a form whose lemma depends on the tag
("felt"). A unit is taken through the pipeline only as far as its candidate patterns need: those
whose required words it holds (msglint.ruleset.anchors) and, past the surface, whose relaxed form
matches it in word order (msglint.ruleset.gates); only those rules' matchers run on it. Token
patterns are planned the first time a unit holds their words.

Matches are gathered unfiltered per `rule-id|role`; exceptions remove matches, then the longest of
the rest wins (msglint.ruleset.hits), so splitting one rule's patterns across stages cannot change a result.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from spacy.errors import MatchPatternError
from spacy.matcher import DependencyMatcher, Matcher, PhraseMatcher
from spacy.schemas import validate_token_pattern
from spacy.attrs import ORTH
from spacy.tokens import Doc

from .anchors import LITERAL_ATTRS, AnchorIndex, LemmaForms, is_lexical, literal_values, required_sets
from .gates import Gates, regular_case, relaxed_patterns
from ..errors import MsglintError
from .hits import Hit
from ..sources.message import normalize
from .loading import MatchSpec, Rule
from .stages import PARSED, STAGE_NAMES, SURFACE, TAGGED, PipelineStages
from .tag_gates import TagGates, TaggedView

ROLES = {"match": "match", "except": "exceptions", "except-sentence": "sentence_exceptions"}
# A lemma sequence whose surface forms multiply past this is matched token by token instead.
_MAX_PHRASE_VARIANTS = 64
ODD_CASE = "\x00"  # marks, in a unit's words, a word in neither lower case nor capitalized ("SAFE")


class _MatcherSet:
    """The matchers of one slot, each made when a pattern of its kind is first added (most slots
    hold one kind: a set per token pattern costs one matcher, not five)."""

    _MAKERS = {
        # Token patterns are validated once as written (CompiledRules._validate): the copies made
        # from them here (their surface forms) need not be validated again.
        "tokens": lambda vocab: Matcher(vocab, validate=False),
        "lower": lambda vocab: PhraseMatcher(vocab, attr="LOWER"),
        "orth": lambda vocab: PhraseMatcher(vocab, attr="ORTH"),
        "lemma": lambda vocab: PhraseMatcher(vocab, attr="LEMMA"),
        "dependency": lambda vocab: DependencyMatcher(vocab, validate=True),
    }

    def __init__(self, vocab):
        self._vocab = vocab
        self.matchers: dict[str, object] = {}

    def of(self, kind: str):
        """The matcher of this kind ("tokens", "lower", "orth", "lemma", "dependency"), made on first use."""
        matcher = self.matchers.get(kind)
        if matcher is None:
            matcher = self.matchers[kind] = self._MAKERS[kind](self._vocab)
        return matcher

    def __call__(self, doc, strings) -> list[tuple[str, int, int]]:
        out = []
        for kind, matcher in self.matchers.items():
            if kind == "dependency":
                out.extend((strings[key], min(ids), max(ids) + 1) for key, ids in matcher(doc))
            else:
                out.extend((strings[key], start, end) for key, start, end in matcher(doc))
        return out


@dataclass
class Variant:
    """One compiled form of one pattern. `shortcut` variants serve staged units; `reference` ones
    make up the rule as written, for parsing every unit (the shortcut is proved against it)."""

    rule: str
    role: str
    kind: str  # tokens | phrases | lemmas | orth-phrases (a lemma sequence's sure forms) | dependency
    payload: object
    stage: int
    requirements: list
    where: str
    shortcut: bool = True
    reference: bool = True
    # why it is not decided at the surface, for `msglint rules --stages`: text, or a function that
    # writes it (most notes are never read, and listing a few of thousands of forms costs)
    note_text: str | Callable[[], str] = ""
    relaxed: list | None = None  # the patterns a gate (msglint.ruleset.gates) tries, past the surface
    unsure: tuple | None = None  # (sure forms, unsure forms): the gate opens only for spans with the latter
    owner: tuple | None = None  # (rule, stage, role, slot) once installed: the candidate it makes a unit

    @property
    def note(self) -> str:
        return self.note_text if isinstance(self.note_text, str) else self.note_text()


@dataclass
class Unit:
    """One unit on its way through the stages: its Doc, how far it has been taken, the patterns its
    words allow, which matcher sets have run, and the raw matches so far."""

    doc: object
    candidates: set
    done: int = SURFACE
    ran: set = field(default_factory=set)
    raw: dict = field(default_factory=lambda: defaultdict(set))


class CompiledRules:
    def __init__(self, rules: list[Rule], nlp, *, tag_first: bool = True):
        self.rules = rules
        self._by_id = {rule.id: rule for rule in rules}
        self._strings = nlp.vocab.strings
        self._vocab = nlp.vocab
        self._tokenizer = nlp.tokenizer
        self.stages = PipelineStages.of(nlp)
        self._lemma_forms = LemmaForms(nlp)
        self._lemma_stage = self.stages.attr_stage("LEMMA")
        self._lexical = _MatcherSet(nlp.vocab)
        self._lexical_slots: list[_MatcherSet] = []
        self._lexical_anchors = AnchorIndex(is_common=nlp.Defaults.stop_words.__contains__)
        self._sets: dict[tuple[str, int, int], _MatcherSet] = {}  # (rule, stage, slot)
        self._slots = 0
        self._reference: dict[str, _MatcherSet] = {}
        self.variants: dict[str, list[Variant]] = defaultdict(list)
        stop_words = nlp.Defaults.stop_words
        self.anchors = AnchorIndex(is_common=stop_words.__contains__)
        self.gates = Gates(nlp.vocab)
        # tag_first: units bound for the parse are tagged first, where tag gates may spare them the rest
        view = TaggedView.of(nlp, self.stages, self._lemma_forms) if tag_first else None
        self.tag_gates = TagGates(nlp.vocab, view) if view is not None else None
        # Token patterns are planned (stages, surface forms, gates) when a unit first holds their
        # words: the plan turns the lemmatizer's tables around for every class word, which a run over
        # one short file should not pay for every rule.
        self._unplanned = AnchorIndex(is_common=stop_words.__contains__)
        self._plans: list[tuple] = []
        self._planned: set[int] = set()
        self.paragraph_rules: set[str] = set()  # rules with patterns matched per paragraph
        for rule in rules:
            per_unit = _matches_per_unit(rule)
            for role, attribute in ROLES.items():
                spec: MatchSpec = getattr(rule, attribute)
                if not spec.is_empty():
                    self._compile(rule, role, spec, per_unit)

    def _install(self, variants: list[Variant]) -> None:
        """Put planned variants in their matcher sets and in the anchor index (through a gate when
        they need more than the surface)."""
        for variant in variants:
            if variant.shortcut:
                slot = self._slot(variant)
                self._add(self._set(variant.rule, variant.stage, slot), variant)
                owner = variant.owner = (variant.rule, variant.stage, variant.role, slot)
                if variant.stage == PARSED and self.tag_gates is not None:
                    if variant.kind == "dependency":
                        self.tag_gates.add_nodes(owner, [node.get("RIGHT_ATTRS", {}) for node in variant.payload])
                    elif variant.kind in ("tokens", "lemmas"):
                        self.tag_gates.add_tokens(owner, variant.payload, variant.unsure)
                if variant.relaxed is not None:
                    owner = self.gates.add(owner, variant.relaxed, variant.unsure)
                self.anchors.add(variant.requirements, owner)
            variant.requirements = []  # only the index needs them

    def _slot(self, variant: Variant) -> int:
        """Which matcher set of its rule and stage a variant joins: a token pattern that names its
        words gets one of its own, run only on units that hold them (each pattern in spaCy's Matcher
        costs a test per token, whether the unit could match it or not: a rule of thirty patterns
        cost 200 us a unit, where two patterns its words allow cost 30); phrases, which the
        PhraseMatcher finds in one pass whatever their number, and patterns that name no word share
        slot 0. A pattern that needs the parse has a slot of its own too, so that its tag gate
        (msglint.ruleset.tag_gates) can drop it alone."""
        if (variant.kind == "tokens" and variant.requirements) or (variant.stage == PARSED and self.tag_gates is not None):
            self._slots += 1
            return self._slots
        return 0

    def _defer(self, rule: Rule, role: str, where: str, kind: str, pattern: list[dict]) -> None:
        """Check a token pattern now; plan it once a unit holds the words it requires."""
        lowered = [_lowercase_lemma(spec) for spec in pattern]
        self._validate(rule, where, lowered)
        number = len(self._plans)
        requirements = required_sets(lowered, self._lemma_forms)
        self._plans.append((rule, role, where, kind, lowered, requirements))
        if requirements:
            self._unplanned.add(requirements, number)  # never added when a required word has no form
        else:
            self._plan(number)

    def _plan(self, number: int) -> None:
        if number not in self._planned:
            self._planned.add(number)
            self._unplanned.forget(number)  # each unit asks the index: keep it to what is left
            self._install(self._plan_tokens(*self._plans[number]))

    def plan_all(self) -> None:
        """Plan every pattern (for the listing of stages, and for the reference path)."""
        for number in range(len(self._plans)):
            self._plan(number)

    # ----- compiling

    def _compile(self, rule: Rule, role: str, spec: MatchSpec, per_unit: bool) -> None:
        key = f"{rule.id}|{role}"
        for index, pattern in enumerate(spec.tokens):
            where = f"{role}.tokens[{index}]"
            if not per_unit and all(is_lexical(t) for t in pattern):
                self._validate(rule, where, pattern)
                self._add_lexical(rule, key, where, "tokens", [dict(t) for t in pattern])
                if role == "match":
                    continue  # the exceptions of a rule that matches in both places are checked in both
            self._defer(rule, role, where, "tokens", [dict(t) for t in pattern])
        if spec.phrases:
            docs = list(self._tokenizer.pipe([normalize(p) for p in spec.phrases]))
            if not per_unit:
                self._add_lexical(rule, key, f"{role}.phrases", "phrases", docs)
            if per_unit or role != "match":
                self._install(self._new([Variant(rule.id, role, "phrases", [doc], SURFACE, [{t.lower_} for t in doc],
                                                 f"{role}.phrases") for doc in docs]))
        for index, lemma in enumerate(spec.lemmas):
            self._defer(rule, role, f"{role}.lemmas[{index}]", "lemmas", [{"LEMMA": w} for w in lemma.split()])
        for index, pattern in enumerate(spec.dependency):
            nodes = [_lowercase_lemma_node(node) for node in pattern]
            requirements = required_sets([node.get("RIGHT_ATTRS", {}) for node in nodes], self._lemma_forms)
            self._install(self._new([Variant(rule.id, role, "dependency", nodes, PARSED, requirements,
                                             f"{role}.dependency[{index}]", note_text="a dependency pattern")]))

    def _new(self, variants: list[Variant]) -> list[Variant]:
        for variant in variants:
            self.variants[variant.rule].append(variant)
        return variants

    def _add_lexical(self, rule: Rule, key: str, where: str, kind: str, payload) -> None:
        """A paragraph pattern: a token pattern that names its words in a set of its own, run only on
        paragraphs that hold them (as per unit: msglint.ruleset.compiling._slot); the rest together."""
        self.paragraph_rules.add(rule.id)
        variant = Variant(rule.id, key.split("|", 1)[1], kind, payload, SURFACE, [], where)
        requirements = required_sets(payload, self._lemma_forms) if kind == "tokens" else []
        if requirements:
            matchers = _MatcherSet(self._vocab)
            self._lexical_anchors.add(requirements, len(self._lexical_slots))
            self._lexical_slots.append(matchers)
        else:
            matchers = self._lexical
        self._add(matchers, variant)

    def _plan_tokens(self, rule: Rule, role: str, where: str, kind: str, lowered: list[dict],
                     requirements: list[set[str]]) -> list[Variant]:
        """The variants of one token pattern (or lemma sequence): as written, at the stage all it reads
        is final; and, when that stage is set by lemmas alone, a surface form of it. Past the surface,
        a variant is reached through a gate (msglint.ruleset.gates)."""
        reads = {attr for spec in lowered for attr in spec if attr != "LEMMA"}
        base = max((self.stages.attr_stage(attr) for attr in reads), default=SURFACE)
        has_lemma = any("LEMMA" in spec for spec in lowered)
        stage = max(base, self._lemma_stage) if has_lemma else base
        later = sorted(attr for attr in reads if self.stages.attr_stage(attr) > SURFACE)
        note = "; ".join(self.stages.reason(attr) for attr in later)
        gate = relaxed_patterns(lowered, self._lemma_forms, self.stages.surface_attrs) if stage > SURFACE else None
        variants: list[Variant] = []
        if not has_lemma or base >= self._lemma_stage:
            if has_lemma and self._lemma_stage > SURFACE:
                note = "; ".join(filter(None, [note, self.stages.reason("LEMMA")]))
            variants.append(Variant(rule.id, role, kind, lowered, stage, requirements, where, note_text=note,
                                    relaxed=gate))
            return self._new(variants)
        surface = self._surface_form(lowered)
        if surface is None:
            note = "lemma forms cannot all be listed; " + self.stages.reason("LEMMA")
            variants.append(Variant(rule.id, role, kind, lowered, stage, requirements, where, note_text=note,
                                    relaxed=gate))
            return self._new(variants)
        surface_pattern, unsure = surface
        surface_requirements = required_sets(surface_pattern, self._lemma_forms)
        # a lemma sequence's sure forms: as phrases when their combinations are few, else as a token pattern
        surface_kind = "orth-phrases" if kind == "lemmas" and _as_phrases(surface_pattern) else "tokens"
        if all(surface_requirements):  # else a required word has no sure form: only the pipeline decides
            variants.append(Variant(rule.id, role, surface_kind, surface_pattern, base, surface_requirements, where,
                                    reference=False))
        if unsure:
            words = frozenset(f for f in unsure if not f.startswith(ODD_CASE))
            sure_in_capitals = frozenset(form[1:] for form in unsure if form.startswith(ODD_CASE))
            variants.append(Variant(rule.id, role, kind, lowered, stage, requirements + [unsure], where,
                                    note_text=functools.partial(self._unsure_note, words, stage),
                                    relaxed=gate, unsure=(sure_in_capitals, words)))
        else:
            variants.append(Variant(rule.id, role, kind, lowered, stage, requirements, where, shortcut=False))
        return self._new(variants)

    def _unsure_note(self, words: frozenset, stage: int) -> str:
        known = self._lemma_forms.is_known  # real words first, not the rules' over-generated forms
        first = heapq.nsmallest(5, words, key=lambda f: (not known(f), f))
        shown = ", ".join(first[:4]) + (", ..." if len(words) > 4 else "")
        why = f"the lemma of {shown} depends on the tag, and " if words else ""
        return (f"{why}a form in capitals may be a proper noun that keeps its own lemma: units with these go to "
                f"the {STAGE_NAMES[stage]} stage")

    def _surface_form(self, pattern: list[dict]) -> tuple[list[dict], set[str]] | None:
        """The pattern with each lemma replaced by its sure surface forms, and the unsure forms; None
        when some lemma's forms cannot be listed."""
        out, unsure = [], set()
        for spec in pattern:
            value = spec.get("LEMMA")
            if value is None:
                out.append(spec)
                continue
            if any(attr in spec for attr in LITERAL_ATTRS):
                return None
            rest = {k: v for k, v in spec.items() if k != "LEMMA"}
            if isinstance(value, dict) and set(value) == {"NOT_IN"} and all(isinstance(v, str) for v in value["NOT_IN"]):
                split = self._lemma_forms.split(value["NOT_IN"])
                if split is None:
                    return None
                out.append({**rest, "LOWER": {"NOT_IN": sorted(split[0] | split[1])}})
                unsure |= {ODD_CASE + form for form in split[0]}
            else:
                lemmas = literal_values(value)
                split = self._lemma_forms.split(lemmas) if lemmas is not None else None
                if split is None:
                    return None
                # A sure form decides the lemma only in lower case or capitalized: "SAFE" may be a
                # proper noun whose lemma keeps its capitals, so it is unsure.
                sure = sorted(set(split[0]) | {form.capitalize() for form in split[0]})
                out.append({**rest, "ORTH": sure[0] if len(sure) == 1 else {"IN": sure}})  # {"IN": []}: never
                unsure |= {ODD_CASE + form for form in split[0]}
            unsure |= split[1]
        return out, unsure

    def _set(self, rule_id: str, stage: int, slot: int) -> _MatcherSet:
        found = self._sets.get((rule_id, stage, slot))
        if found is None:
            found = self._sets[(rule_id, stage, slot)] = _MatcherSet(self._vocab)
        return found

    def _add(self, matchers: _MatcherSet, variant: Variant) -> None:
        key = f"{variant.rule}|{variant.role}"
        try:
            if variant.kind == "tokens":
                # A set ("IN") is one call into Python per token, shared by every pattern that tests
                # the same set; a pattern per word would cost a matcher state per word at every token
                # (measured: 64 one-word patterns 76 us a sentence, one set of 64 words 12 us).
                matchers.of("tokens").add(key, [variant.payload])
            elif variant.kind == "phrases":
                matchers.of("lower").add(key, variant.payload)
            elif variant.kind == "lemmas":
                words = [spec["LEMMA"] for spec in variant.payload]
                matchers.of("lemma").add(key, [Doc(self._vocab, words=words, lemmas=words)])
            elif variant.kind == "orth-phrases":
                docs = [Doc(self._vocab, words=list(words)) for words in itertools.product(*_orth_choices(variant.payload))]
                matchers.of("orth").add(key, docs)
            else:
                matchers.of("dependency").add(key, [variant.payload])
        except (ValueError, KeyError) as exc:
            raise self._error(self._by_id[variant.rule], variant.where.split("[")[0], exc) from None

    def _validate(self, rule: Rule, where: str, pattern: list[dict]) -> None:
        """spaCy's own check of a token pattern as written, once (the matchers skip it for the copies)."""
        errors = validate_token_pattern(pattern)
        if errors:
            raise self._error(rule, where.split("[")[0], MatchPatternError(f"{rule.id}|{where}", {0: errors}))

    @staticmethod
    def _error(rule: Rule, field_name: str, exc: Exception) -> MsglintError:
        # spaCy's validation puts the useful part (which token, which key) on later lines: keep one line.
        details = " ".join(line.strip() for line in str(exc).splitlines() if line.strip()) or type(exc).__name__
        return MsglintError(f"{rule.source}:{rule.line}: rule {rule.id}: field {field_name}: invalid pattern: {details}")

    # ----- what each rule needs, for `msglint rules --stages`

    def rule_stages(self) -> dict[str, list[Variant]]:
        """Per rule, its shortcut variants (each with its stage and, where it is not the surface,
        why)."""
        self.plan_all()
        return {rule.id: [v for v in self.variants.get(rule.id, []) if v.shortcut] for rule in self.rules}

    # ----- matching

    def block_hits(self, doc) -> list[Hit]:
        """Paragraph matches, tokenized only."""
        slots = self._lexical_anchors.candidates(unit_words(doc)) if self._lexical_slots else ()
        return self._finish(doc, self._raw(doc, [self._lexical, *(self._lexical_slots[n] for n in sorted(slots))]))

    def start(self, doc) -> Unit:
        """A tokenized unit with its surface patterns matched."""
        words = unit_words(doc)
        for number in self._unplanned.candidates(words):
            self._plan(number)
        owners = self.anchors.candidates(words)
        gates = {owner for owner in owners if isinstance(owner, int)}
        candidates = owners - gates
        if gates:
            candidates |= self.gates.open(doc, gates, candidates)
        unit = Unit(doc, candidates)
        self.advance(unit, SURFACE)
        return unit

    def advance(self, unit: Unit, done: int) -> None:
        """Record that the unit now has the annotations of stage `done`, and run what that allows
        (on the tags: drop the parse-stage candidates whose tag gate stays shut)."""
        unit.done = done
        if done == TAGGED and self.tag_gates is not None:
            unit.candidates -= {owner for owner in unit.candidates
                                if owner[1] == PARSED and self.tag_gates.shut(unit.doc, owner)}
        due = {(rule, stage, slot) for rule, stage, _, slot in unit.candidates if stage <= done} - unit.ran
        for matcher_set in due:
            for key, start, end in self._sets[matcher_set](unit.doc, self._strings):
                unit.raw[key].add((start, end))
        unit.ran |= due

    def next_stage(self, unit: Unit) -> int:
        """The stage to take the unit to next: as far as it must go, except that a unit bound for the
        parse is tagged first when tag gates may spare it the rest."""
        need = self.required_stage(unit)
        if need == PARSED and unit.done < TAGGED and self.tag_gates is not None:
            return TAGGED
        return need

    def required_stage(self, unit: Unit) -> int:
        """How far the unit must go: the stage of every pattern it may still match, and of the
        exceptions of any rule it matches; the parse when sentence boundaries would decide a result."""
        pending = [(rule, stage, role) for rule, stage, role, _ in unit.candidates if stage > unit.done]
        matching = {key[: -len("|match")] for key, spans in unit.raw.items() if spans and key.endswith("|match")}
        matching |= {rule for rule, _, role in pending if role == "match"}
        need = unit.done
        for rule, stage, role in pending:
            if role == "match" or rule in matching:
                need = max(need, stage)
        if need == unit.done < PARSED and self._needs_sentences(unit):
            need = PARSED
        return need

    def _needs_sentences(self, unit: Unit) -> bool:
        """A sentence exception beside a match can only be settled by the parse's sentence boundaries.
        (Pyramid cues are grouped by unit, not by the parser's sentences: msglint.analysis.pyramid.)"""
        survivors = self._survivors(unit.raw)
        return any(unit.raw.get(f"{rule_id}|except-sentence") for rule_id, _, _ in survivors)

    def unit_hits(self, unit: Unit) -> list[Hit]:
        return self._finish(unit.doc, unit.raw)

    def reference_hits(self, doc) -> list[Hit]:
        """Every rule as written, on a fully parsed unit: what the stages must reproduce."""
        if not self._reference:
            self.plan_all()
            for rule_id, variants in self.variants.items():
                for variant in variants:
                    if variant.reference:
                        if rule_id not in self._reference:
                            self._reference[rule_id] = _MatcherSet(self._vocab)
                        self._add(self._reference[rule_id], variant)
        return self._finish(doc, self._raw(doc, self._reference.values()))

    def _raw(self, doc, matcher_sets) -> dict:
        raw: dict[str, set] = defaultdict(set)
        for matchers in matcher_sets:
            for key, start, end in matchers(doc, self._strings):
                raw[key].add((start, end))
        return raw

    def _survivors(self, raw: dict) -> list[tuple[str, int, int]]:
        """Matches that no exception overlaps, before sentence exceptions."""
        out = []
        for key in [k for k in raw if k.endswith("|match")]:
            rule_id = key[: -len("|match")]
            exceptions = raw.get(f"{rule_id}|except", ())
            out.extend((rule_id, start, end) for start, end in raw[key]
                       if not any(start < xe and xs < end for xs, xe in exceptions))
        return out

    def _finish(self, doc, raw: dict) -> list[Hit]:
        hits = []
        for rule_id, start, end in self._survivors(raw):
            excepted = raw.get(f"{rule_id}|except-sentence")
            if excepted and doc[start].sent.start in {doc[s].sent.start for s, _ in excepted}:
                continue
            hits.append(_to_characters(doc, rule_id, start, end))
        return hits


def _orth_choices(pattern: list[dict]) -> list[list[str]]:
    return [[spec["ORTH"]] if isinstance(spec["ORTH"], str) else spec["ORTH"]["IN"] for spec in pattern]


def _as_phrases(pattern: list[dict]) -> bool:
    """A lemma sequence's surface forms are matched as phrases when their combinations are few."""
    return math.prod(len(c) for c in _orth_choices(pattern)) <= _MAX_PHRASE_VARIANTS


def _matches_per_unit(rule: Rule) -> bool:
    """Pyramid evidence and sentence exceptions need sentences, and an exception that reads more than
    the tokenizer must be checkable wherever the rule can match: such rules match per unit."""
    lexical_exceptions = not rule.exceptions.lemmas and not rule.exceptions.dependency and all(
        is_lexical(t) for p in rule.exceptions.tokens for t in p)
    return rule.level is not None or not rule.sentence_exceptions.is_empty() or not lexical_exceptions


def _to_characters(doc, rule_id: str, start: int, end: int) -> Hit:
    while end - 1 > start and doc[end - 1].is_space:
        end -= 1
    while start < end - 1 and doc[start].is_space:
        start += 1
    last = doc[end - 1]
    # A cue's sentence is its unit (offset 0 here; the engine adds the unit's start)
    return Hit(rule_id, doc[start].idx, last.idx + len(last.text), 0)


def lowercase_capitalized_lemmas(doc) -> None:
    """Capitalized lemmas in lower case, once per annotated unit: words tagged as proper nouns keep
    their capitals in the lemma ("Cozy knitwear" in a title-case subject line), and rule authors write
    lemmas in lower case. An all-capitals lemma stays as it is: "SAFE" tagged as a proper noun is a
    name, not the adjective."""
    for token in doc:
        lemma = token.lemma_
        if not lemma.islower() and regular_case(lemma):
            token.lemma_ = lemma.lower()


def _words_of(text: str) -> tuple[str, ...]:
    lower = text.lower()
    return (lower,) if regular_case(text) else (lower, ODD_CASE + lower)


_WORDS: dict[int, tuple[str, ...]] = {}  # ORTH id -> the words it gives (the vocabulary's strings are few)


def unit_words(doc) -> set[str]:
    """A unit's words for the anchor index: each in lower case, and marked with ODD_CASE as well when
    its casing would keep a proper noun's lemma from meeting a rule's."""
    orths = set(doc.to_array(ORTH).tolist())
    missing = orths.difference(_WORDS)
    if missing:
        strings = doc.vocab.strings
        for orth in missing:
            _WORDS[orth] = _words_of(strings[orth])
    return set(itertools.chain.from_iterable(map(_WORDS.__getitem__, orths)))


def _lowercase_values(value):
    if isinstance(value, str):
        return value.lower()
    if isinstance(value, dict):
        return {op: [w.lower() if isinstance(w, str) else w for w in v] if isinstance(v, list) else v
                for op, v in value.items()}
    return value


def _lowercase_lemma(token_spec: dict) -> dict:
    if "LEMMA" not in token_spec:
        return token_spec
    return {**token_spec, "LEMMA": _lowercase_values(token_spec["LEMMA"])}


def _lowercase_lemma_node(node: dict) -> dict:
    if "RIGHT_ATTRS" not in node:
        return node
    return {**node, "RIGHT_ATTRS": _lowercase_lemma(node["RIGHT_ATTRS"])}
