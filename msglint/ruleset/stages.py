"""Stages: how far into the pipeline a unit must go for a pattern to be decided, chosen per pattern.

`surface` is the tokenizer alone; `tagged` is every pipe that does not depend on the parse; `parsed`
is the whole pipeline. Which attribute is final at which stage is read from the pipeline itself
(which pipe writes what, and which pipe reads what an earlier pipe wrote), never assumed: in
en_core_web_sm the attribute_ruler reads DEP to set POS and MORPH (an auxiliary is AUX only once
it is parsed as `aux`) and the lemmatizer reads POS, so POS, MORPH and LEMMA are settled only by the
parse, and the ruler also rewrites the TAG of whitespace. A pattern is put at a stage only where all
it reads is final; lemmas may still be decided from the surface form (msglint.ruleset.anchors.LemmaForms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SURFACE, TAGGED, PARSED = 0, 1, 2
STAGE_NAMES = ("surface", "tagged", "parsed")

# Token attributes the tokenizer settles (lexeme flags and string forms).
TOKENIZER_ATTRS = frozenset(
    {"ORTH", "TEXT", "LOWER", "NORM", "LENGTH", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER",
     "IS_TITLE", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT",
     "IS_RIGHT_PUNCT", "IS_CURRENCY", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "SHAPE", "PREFIX", "SUFFIX"}
)
_PARSER_WRITES = frozenset({"DEP", "HEAD", "SENT_START", "IS_SENT_START"})
_EVERYTHING = frozenset({"*"})


def indexed_token(pattern: list[dict], index: int) -> dict | None:
    """The token spec of a ruler pattern that its entry sets (`index`), None when outside it."""
    return pattern[index] if -len(pattern) <= index < len(pattern) else None


def _reads_and_writes(pipe) -> tuple[frozenset, frozenset]:
    """Token attributes a pipe reads and writes; unknown pipes are taken to read and write anything."""
    from spacy.pipeline import AttributeRuler, DependencyParser, Lemmatizer, Morphologizer, Tagger, Tok2Vec

    if isinstance(pipe, DependencyParser):
        return frozenset(), _PARSER_WRITES
    if isinstance(pipe, Tok2Vec):
        return frozenset(), frozenset()
    if isinstance(pipe, Tagger):
        return frozenset(), frozenset({"TAG"})
    if isinstance(pipe, Morphologizer):
        return frozenset(), frozenset({"POS", "MORPH"})
    if isinstance(pipe, AttributeRuler):
        reads = {key for entry in pipe.patterns for pattern in entry["patterns"] for spec in pattern for key in spec}
        writes = {key for entry in pipe.patterns for key in entry.get("attrs", {})}
        return frozenset(reads - {"OP"}), frozenset(writes)
    if isinstance(pipe, Lemmatizer):
        reads = {"POS", "MORPH", "LEMMA"} if pipe.mode == "rule" else {"LEMMA"}
        return frozenset(reads), frozenset({"LEMMA"})
    return _EVERYTHING, _EVERYTHING


@dataclass
class PipelineStages:
    """What each stage runs and settles, for one loaded pipeline."""

    tagged_pipes: list[str]
    parsed_pipes: list[str]
    surface_attrs: frozenset
    tagged_attrs: frozenset
    why_parsed: dict[str, str] = field(default_factory=dict)  # attribute -> why only the parse settles it
    pipe_writes: dict[str, frozenset] = field(default_factory=dict)  # pipe -> token attributes it writes

    @classmethod
    def of(cls, nlp) -> "PipelineStages":
        names = list(nlp.pipe_names)
        effects = {name: _reads_and_writes(pipe) for name, pipe in nlp.pipeline}
        dependent: list[str] = []
        tainted: set[str] = set()
        why: dict[str, str] = {}
        for name in names:
            reads, writes = effects[name]
            if reads & tainted or "*" in reads or writes & _PARSER_WRITES:
                if reads & tainted:
                    cause = f"{name}, which reads the parse ({', '.join(sorted(reads & tainted))})"
                else:
                    cause = "the parser" if "*" not in reads else f"{name}, which may read anything"
                why.update({attr: f"{attr} is set by {cause}" for attr in writes if attr not in why})
                dependent.append(name)
                tainted |= writes
        tagged = [name for name in names if name not in dependent]
        written = set().union(*(writes for _, writes in effects.values())) if effects else set()
        tagged_written = set().union(*(effects[n][1] for n in tagged)) if tagged else set()
        # Running the tagged pipes first and the rest later must equal running them in pipeline order:
        # no pipe of the rest may read what a later tagged pipe writes.
        position = {name: i for i, name in enumerate(names)}
        for name in dependent:
            reads = effects[name][0]
            if any(position[t] > position[name] and (reads & effects[t][1] or "*" in reads) for t in tagged):
                tagged = []
                tagged_written = set()
                break
        pipe_writes = {name: writes for name, (_, writes) in effects.items()}
        if "*" in written:
            return cls(tagged_pipes=[], parsed_pipes=names, surface_attrs=frozenset(), tagged_attrs=frozenset(),
                       why_parsed={}, pipe_writes=pipe_writes)
        return cls(
            tagged_pipes=tagged,
            parsed_pipes=names,
            surface_attrs=frozenset(TOKENIZER_ATTRS - written),
            tagged_attrs=frozenset(tagged_written - tainted),
            why_parsed=why,
            pipe_writes=pipe_writes,
        )

    def attr_stage(self, attr: str) -> int:
        if attr == "OP" or attr in self.surface_attrs:
            return SURFACE
        if attr in self.tagged_attrs:
            return TAGGED
        return PARSED

    def reason(self, attr: str) -> str:
        return self.why_parsed.get(attr, f"{attr} needs the parse")

    def pipes_between(self, done: int, target: int) -> list[str]:
        """The pipes to run, in pipeline order, to take a unit from stage `done` to `target`."""
        have = set(self.tagged_pipes) if done >= TAGGED else set()
        want = self.tagged_pipes if target == TAGGED else self.parsed_pipes
        return [name for name in self.parsed_pipes if name in want and name not in have]
