"""Running the rule set over messages: units, the stages, the cache, findings and levels.

Paragraph patterns run over each paragraph (block), tokenized only. Everything else runs per unit
(msglint.analysis.units): a unit's analysis depends only on its text, so it is looked up in the
result cache, and otherwise tokenized, matched at the surface, and taken through the pipeline only
as far as the patterns its words allow need (msglint.ruleset.stages, msglint.ruleset.compiling).
Findings are then made from the hits and the message's declared context.
"""

from __future__ import annotations

import collections
import functools
import gc
import itertools
import re
from dataclasses import replace
from typing import Iterable, Iterator

from .cache import KnownHits, ResultCache
from ..sources.context import Context
from .findings import Evidence, Finding, Location, Result
from ..ruleset.hits import longest_non_overlapping
from ..levels import level_name
from ..sources.message import Message
from ..sources.templates import widen_to_placeholders
from .pyramid import detected_level, highest_allowed, overreaching
from .rewrite import attach_rewrites
from ..sources.directives import front_matter_disables
from .excerpts import excerpt_of
from .suppress import is_suppressed, unknown_selectors
from ..ruleset.loading import Rule, RuleSet
from .units import split_blocks, split_units
from . import workers

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
DEFAULT_BATCH_SIZE = 64
CHUNK_MESSAGES = 512  # messages analysed together: large enough to batch, small enough to stream
TEXTS_PER_BATCH = 2048  # blocks or units tokenized and parsed together, whatever the message sizes
KEPT_PARAGRAPH_DOCS = 1024  # unit Docs kept per chunk for the paragraphs that are one unit
# Fewer uncached units than this in the first chunk: one process. Forking and feeding two workers
# costs about 0.1 s; a unit of dev copy about 0.5 ms to analyse.
MIN_FRESH_UNITS_FOR_WORKERS = 400


def render(template: str, fields: dict) -> str:
    """Fill {name} placeholders we know; leave any other braces as written."""
    return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]) if m.group(1) in fields else m.group(0), template)


class Linter:
    """Holds the rules and, once needed, the pipeline and compiled matchers; build one per process.

    shortcut=False parses every unit and runs every rule as written (the reference the stages are
    tested against); cache=None analyses every unit afresh; jobs > 1 checks a large send in that
    many forked processes (msglint.analysis.workers, Linux only). A caller that asks for workers
    should set OPENBLAS_NUM_THREADS=1 before numpy loads, as the command line does: a process
    should not fork while other threads (OpenBLAS's) run.

    one_run=True is for a process that checks once and ends (the command line): once the pipeline
    and the compiled rules are built, everything then alive is moved out of the garbage collector's
    reach (gc.freeze), so that its full collections do not walk the pipeline's objects again and
    again. They took 0.18 s of a 2.8 s cold check of 2,000 files, 0.05 s with this. A long-lived
    process (the editor's server) leaves its collector as it is.
    """

    def __init__(self, ruleset: RuleSet, *, pipeline: str | None = None, nlp=None,
                 cache: ResultCache | None = None, shortcut: bool = True, jobs: int = 1, one_run: bool = False):
        self.ruleset = ruleset
        self._pipeline = pipeline
        self._nlp = nlp
        self.known = KnownHits(cache)  # recent analyses in memory, then the disk cache
        if cache is not None:
            cache.expect_rules(rule.id for rule in ruleset.rules)  # a cached hit of another rule is a miss
        self.shortcut = shortcut
        self.jobs = jobs
        self.min_fresh_units_for_workers = MIN_FRESH_UNITS_FOR_WORKERS
        self.workers_used = 0  # worker processes that returned results in the last check
        self._one_run = one_run
        self._rules = {rule.id: rule for rule in ruleset.rules}
        self._overreach_rules = [r for r in ruleset.rules if r.check == "overreach"]
        self._directive_rules = [r for r in ruleset.rules if r.check == "unknown-directive-rule"]
        self.parsed_with_hits: dict = {}  # unit text -> Doc, for the chunk being checked
        # units analysed, and their tokens, by the stage they reached (for the benchmark)
        self.stage_counts: collections.Counter = collections.Counter()
        self.stage_tokens: collections.Counter = collections.Counter()

    @property
    def cache(self) -> ResultCache | None:
        """The result cache on disk, behind the recent analyses (None with --no-cache)."""
        return self.known.disk

    @property
    def nlp(self):
        if self._nlp is None:
            from .nlp import load_pipeline

            self._nlp = load_pipeline(self._pipeline)
        return self._nlp

    @functools.cached_property
    def _stand_ins(self) -> dict:
        """Pipes run by msglint's faster equals (msglint.analysis.ruler, msglint.analysis.lemmatizer)
        on the staged path; the reference path (shortcut=False) runs the pipeline as it is, so the
        identity tests compare against spaCy's own."""
        from .lemmatizer import FastLemmatizer
        from .ruler import FastRuler

        if not self.shortcut:
            return {}
        return {name: fast for name, pipe in self.nlp.pipeline
                if (fast := FastRuler.for_pipe(pipe) or FastLemmatizer.for_pipe(pipe)) is not None}

    @functools.cached_property
    def compiled(self):
        from ..ruleset.compiling import CompiledRules

        compiled = CompiledRules(self.ruleset.rules, self.nlp, tag_first=self.shortcut)
        if self._one_run:
            gc.freeze()
        return compiled

    def check(self, items: Iterable[tuple[Message, Context]], *, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Result]:
        """Results in input order, streamed. With jobs > 1 and enough uncached copy in the first
        CHUNK_MESSAGES messages, the messages are checked in forked worker processes
        (msglint.analysis.workers); otherwise here."""
        iterator = iter(items)
        lead = list(itertools.islice(iterator, CHUNK_MESSAGES))
        items = itertools.chain(lead, iterator)
        self.workers_used = 0
        if self.jobs > 1 and workers.can_fork() and self._worth_workers(lead):
            self.compiled, self._stand_ins  # built before the fork, so that every worker shares them
            yield from workers.check_in_workers(self, items, self.jobs, batch_size,
                                                workers.messages_per_task(len(lead), self.jobs))
        else:
            yield from self.check_serially(items, batch_size=batch_size)

    def check_serially(self, items: Iterable[tuple[Message, Context]], *,
                       batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Result]:
        """Results in input order, streamed: messages are taken CHUNK_MESSAGES at a time and their
        blocks and units analysed TEXTS_PER_BATCH at a time, each distinct text once."""
        iterator = iter(items)
        while chunk := list(itertools.islice(iterator, CHUNK_MESSAGES)):
            hits: list[list] = [[] for _ in chunk]
            # Units first: a paragraph that is one unit (most short copy) reuses the unit's Doc, so
            # each text is tokenized once.
            blocks = [split_blocks(message.text) for message, _ in chunk]
            tokenized = _ParagraphDocs({message.text[s:e] for (message, _), spans in zip(chunk, blocks)
                                        for s, e in spans})
            self._collect(chunk, hits, (split_units(message.text) for message, _ in chunk), "unit",
                          lambda texts: self._syntactic_hits(texts, batch_size, tokenized))
            self._collect(chunk, hits, blocks, "block", lambda texts: self._lexical_hits(texts, tokenized))
            results = [self._result(message, context, longest_non_overlapping(found))
                       for (message, context), found in zip(chunk, hits)]
            results = attach_rewrites(results, self)  # suggestions built from each flagged line
            self.parsed_with_hits.clear()
            yield from results

    def _worth_workers(self, lead: list[tuple[Message, Context]]) -> bool:
        """Whether the first messages hold enough uncached units to repay forking workers (a
        re-check of unchanged copy stays here, and never loads the pipeline)."""
        if len(lead) < 2:
            return False
        units = {message.text[start:end] for message, _ in lead for start, end in split_units(message.text)}
        if len(units) < self.min_fresh_units_for_workers:
            return False
        units.difference_update(self.known.get_many("unit", list(units)))  # remembered for the check itself
        return len(units) >= self.min_fresh_units_for_workers

    def check_one(self, message: Message, context: Context) -> Result:
        return next(self.check([(message, context)]))

    def _collect(self, chunk, hits: list[list], spans, kind: str, analyse) -> None:
        """Run `analyse` over the pieces of each message (`spans`: its (start, end) pieces, message by
        message), adding the hits per message."""
        pieces = ((index, start, end) for index, message_spans in enumerate(spans) for start, end in message_spans)
        while batch := list(itertools.islice(pieces, TEXTS_PER_BATCH)):
            texts = [chunk[index][0].text[start:end] for index, start, end in batch]
            found = self._cached(kind, list(dict.fromkeys(texts)), analyse)
            for (index, start, _), text in zip(batch, texts):
                hits[index].extend(replace(h, start=h.start + start, end=h.end + start, sentence=h.sentence + start)
                                   for h in found[text])

    def _cached(self, kind: str, texts: list[str], analyse) -> dict:
        found = self.known.get_many(kind, texts)
        missing = [text for text in texts if text not in found]
        if missing:
            fresh = analyse(missing)
            self.known.put_many(kind, fresh)
            found.update(fresh)
        return found

    def _lexical_hits(self, texts: list[str], tokenized: dict) -> dict:
        """Paragraph patterns over each paragraph, tokenized only (a paragraph that is also a unit
        was tokenized as one: the tokenizer gives the same tokens, and annotation adds to them)."""
        compiled = self.compiled
        new = [text for text in texts if text not in tokenized]
        docs = dict(zip(new, self.nlp.tokenizer.pipe(new)))
        return {text: compiled.block_hits(tokenized.pop(text) if text in tokenized else docs[text]) for text in texts}

    def _syntactic_hits(self, texts: list[str], batch_size: int, tokenized: "_ParagraphDocs") -> dict:
        """Each unit is tokenized and its surface patterns matched; then it goes through the pipeline
        only as far as the patterns its words allow need (msglint.ruleset.stages), in batches per stage."""
        from ..ruleset.stages import PARSED, STAGE_NAMES, TAGGED

        compiled = self.compiled
        if not self.shortcut:
            parsed = self.parse(texts, batch_size)
            self.stage_counts["parsed"] += len(parsed)
            self.stage_tokens["parsed"] += sum(len(doc) for doc in parsed)
            found = {text: compiled.reference_hits(doc) for text, doc in zip(texts, parsed)}
            self._keep_parses_with_hits(found, zip(texts, parsed))
            return found
        units = [compiled.start(doc) for doc in self.nlp.tokenizer.pipe(texts)]
        for stage in (TAGGED, PARSED):
            due = [(text, unit) for text, unit in zip(texts, units)
                   if unit.done < stage and compiled.next_stage(unit) == stage]
            for done in sorted({unit.done for _, unit in due}):
                group = [(text, unit) for text, unit in due if unit.done == done]
                pipes = compiled.stages.pipes_between(done, stage)
                annotated = self._annotate([u.doc for _, u in group], pipes, batch_size)
                for (_, unit), doc in zip(group, annotated):
                    unit.doc = doc
                    compiled.advance(unit, stage)
        for unit in units:
            self.stage_counts[STAGE_NAMES[unit.done]] += 1
            self.stage_tokens[STAGE_NAMES[unit.done]] += len(unit.doc)
        for text, unit in zip(texts, units):
            tokenized.offer(text, unit.doc)
        found = {text: compiled.unit_hits(unit) for text, unit in zip(texts, units)}
        self._keep_parses_with_hits(found, ((text, unit.doc) for text, unit in zip(texts, units) if unit.done == PARSED))
        return found

    def parse(self, texts: list[str], batch_size: int = DEFAULT_BATCH_SIZE) -> list:
        """Fully annotated Docs made as the stages make them (the same pipes and stand-ins, lemmas in
        lower case): for rewrites, which cut constituents from the parse, and the reference path."""
        from ..ruleset.stages import PARSED, SURFACE

        docs = list(self.nlp.tokenizer.pipe(texts))
        return self._annotate(docs, self.compiled.stages.pipes_between(SURFACE, PARSED), batch_size)

    def _keep_parses_with_hits(self, found: dict, parsed) -> None:
        """msglint.analysis.rewrite cuts constituents from the parse: units parsed here and with a hit are kept
        until the chunk is done, so they are not parsed again."""
        for text, doc in parsed:
            if found.get(text):
                self.parsed_with_hits[text] = doc

    def _annotate(self, docs: list, pipes: list[str], batch_size: int) -> list:
        """The Docs annotated by `pipes`, in pipeline order, with lemmas in lower case."""
        from ..ruleset.compiling import lowercase_capitalized_lemmas

        out = self._through(docs, pipes, batch_size)
        writes = self.compiled.stages.pipe_writes
        if any(writes.get(name, {"*"}) & {"LEMMA", "*"} for name in pipes):  # the tagged stage has no lemmas yet
            for doc in out:
                lowercase_capitalized_lemmas(doc)
        return out

    def _through(self, docs: list, pipes: list[str], batch_size: int) -> list:
        """The Docs through `pipes`, in pipeline order. (Splitting them across threads was measured:
        spaCy's model code releases the GIL, but on msglint's batches two threads were 0-25% slower
        than one on two cores, the Python half of the pipes contending for the GIL.)"""
        stream = iter(docs)
        for name, pipe in self.nlp.pipeline:
            if name in pipes:
                pipe = self._stand_ins.get(name, pipe)
                stream = pipe.pipe(stream, batch_size=batch_size) if hasattr(pipe, "pipe") else map(pipe, stream)
        return list(stream)

    def _result(self, message: Message, context: Context, hits: list) -> Result:
        evidence: list[Evidence] = []
        findings: list[Finding] = []
        for hit in hits:
            rule = self._rules[hit.rule_id]
            location = _locate(message, hit.start, hit.end)
            if rule.level is not None:
                evidence.append(Evidence(rule.id, rule.level, location, hit.sentence))
            if rule.reports_findings and rule.applies_to(context):
                findings.append(_finding(rule, location, {"excerpt": location.excerpt}))
        evidence.sort(key=lambda e: (e.location.start, -e.level))
        level = detected_level(evidence)
        for rule in self._overreach_rules:
            if rule.applies_to(context):
                findings.extend(self._overreach_findings(rule, evidence, level, context))
        file_wide = front_matter_disables(message.front_matter)
        findings = [f for f in findings if not is_suppressed(f, message, message.directives, file_wide)]
        for rule in self._directive_rules:
            for directive, selector in unknown_selectors(message, set(self._rules)):
                location = _directive_location(message, directive)
                findings.append(_finding(rule, location, {"excerpt": location.excerpt, "selector": selector}))
        findings = sorted(set(findings), key=Finding.sort_key)
        return Result(path=message.path, context=context, level=level, evidence=evidence, findings=findings,
                      message=message)

    def _overreach_findings(self, rule: Rule, evidence: list[Evidence], level: int, context: Context) -> list[Finding]:
        customer_level = context.customer_level
        out = []
        for item in overreaching(evidence, customer_level):
            allowed = highest_allowed(customer_level)
            fields = {
                "excerpt": item.location.excerpt,
                "level": item.level,
                "level_name": level_name(item.level),
                "detected_level": level,
                "detected_name": level_name(level),
                "customer_level": customer_level,
                "customer_level_name": level_name(customer_level),
                "max_level": allowed,
                "max_level_name": level_name(allowed),
                "max_level_example": self.ruleset.level_suggestions.get(allowed, ""),
                "cue_rule": item.rule,
            }
            out.append(_finding(rule, item.location, fields))
        return out


class _ParagraphDocs(dict):
    """Unit Docs kept for the paragraphs that are one unit, within one chunk; bounded, and without
    the model's tensors, so that a huge file does not hold its parsed units."""

    def __init__(self, paragraphs: set[str]):
        super().__init__()
        self._paragraphs = paragraphs

    def offer(self, text: str, doc) -> None:
        if text in self._paragraphs and len(self) < KEPT_PARAGRAPH_DOCS:
            import numpy  # loaded with spaCy already

            doc.tensor = numpy.zeros((0,), dtype="float32")
            self[text] = doc


def _finding(rule: Rule, location: Location, fields: dict) -> Finding:
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity or "info",
        location=location,
        message=render(rule.message, fields),
        suggestion=render(rule.suggest or "", fields),
    )


def _locate(message: Message, start: int, end: int) -> Location:
    """A display span, as a Location whose offsets, lines and columns are in the original file."""
    original_start, original_end = message.original_span(start, end)
    widened = widen_to_placeholders(message.original, original_start, original_end)
    line, column = message.line_column(original_start)
    end_line, end_column = message.line_column(widened[1])
    # the excerpt shows what the file says: a placeholder as written, never its stand-in word
    text = message.original[slice(*widened)] if widened[1] != original_end else message.display[start:end]
    return Location(start, end, line, column, end_line, end_column, excerpt_of(text))


def _directive_location(message: Message, directive) -> Location:
    if directive is None:  # front matter: point at its first line
        return Location(0, 0, 1, 1, 1, 4, "---")
    line, column = message.line_column(directive.start)
    end_line, end_column = message.line_column(directive.end)
    excerpt = " ".join(message.original[directive.start:directive.end].split())
    return Location(directive.start, directive.start, line, column, end_line, end_column, excerpt)
