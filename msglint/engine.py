"""Running the compiled rule set over messages: findings, pyramid evidence, overreach."""

from __future__ import annotations

import re
from typing import Iterable, Iterator

from .context import Context
from .findings import Evidence, Finding, Location, Result
from .levels import level_name
from .matching import CompiledRules, Hit
from .message import Message
from .nlp import load_pipeline
from .pyramid import detected_level, highest_allowed, overreaching
from .ruleset import Rule, RuleSet

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
DEFAULT_BATCH_SIZE = 64


def render(template: str, fields: dict) -> str:
    """Fill {name} placeholders we know; leave any other braces as written."""
    return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]) if m.group(1) in fields else m.group(0), template)


class Linter:
    """Holds the pipeline and the compiled rules; build one per process and reuse it."""

    def __init__(self, ruleset: RuleSet, *, pipeline: str | None = None, nlp=None):
        self.ruleset = ruleset
        self.nlp = nlp if nlp is not None else load_pipeline(pipeline)
        self.compiled = CompiledRules(ruleset.rules, self.nlp)
        self._overreach_rules = [r for r in ruleset.rules if r.check == "overreach"]

    def check(self, items: Iterable[tuple[Message, Context]], *, batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Result]:
        """Results in input order; texts are parsed in batches by nlp.pipe."""
        pairs = ((message.text, (message, context)) for message, context in items)
        for doc, (message, context) in self.nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            yield self.analyse(doc, message, context)

    def check_one(self, message: Message, context: Context) -> Result:
        return next(self.check([(message, context)]))

    def analyse(self, doc, message: Message, context: Context) -> Result:
        evidence: list[Evidence] = []
        findings: list[Finding] = []
        for rule_id, hits in self.compiled.rule_hits(doc).items():
            rule = self.ruleset.get(rule_id)
            for hit in hits:
                location = _locate(doc, hit, message)
                if rule.level is not None:
                    sentence = doc[hit.start].sent.start_char
                    evidence.append(Evidence(rule.id, rule.level, location, sentence))
                if rule.reports_findings and rule.applies_to(context):
                    findings.append(_finding(rule, location, {"excerpt": location.excerpt}))
        evidence.sort(key=lambda e: (e.location.start, -e.level))
        level = detected_level(evidence)
        for rule in self._overreach_rules:
            if rule.applies_to(context):
                findings.extend(self._overreach_findings(rule, evidence, level, context))
        findings = sorted(set(findings), key=Finding.sort_key)
        return Result(path=message.path, context=context, level=level, evidence=evidence, findings=findings)

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


def _finding(rule: Rule, location: Location, fields: dict) -> Finding:
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=rule.severity or "info",
        location=location,
        message=render(rule.message, fields),
        suggestion=render(rule.suggest or "", fields),
    )


def _locate(doc, hit: Hit, message: Message) -> Location:
    start_token, end_token = hit.start, hit.end
    while end_token - 1 > start_token and doc[end_token - 1].is_space:
        end_token -= 1
    while start_token < end_token - 1 and doc[start_token].is_space:
        start_token += 1
    start = doc[start_token].idx
    last = doc[end_token - 1]
    end = last.idx + len(last.text)
    line, column = message.position(start)
    end_line, end_column = message.position(end)
    excerpt = " ".join(message.original[start:end].split())
    return Location(start, end, line, column, end_line, end_column, excerpt)
