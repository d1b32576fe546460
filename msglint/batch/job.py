"""One batch job: each distinct text analysed once, recipients compared by level.

`process_chunk` is a pure function of its inputs, so the local engine and a Dask cluster produce
the same rows. Worker processes build their Linter once (`worker_linter`).
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from ..context import Context
from ..errors import MsglintError
from ..levels import parse_level
from ..message import message_from_text
from ..pyramid import highest_allowed
from ..ruleset import SEVERITY_RANK

OVERREACH = "pyramid.overreach"
OUTPUT_COLUMNS = ["row", "recipient_id", "template_id", "recorded_level", "detected_level", "overreach", "rules"]


@dataclass(frozen=True)
class JobSpec:
    """Everything a worker needs to analyse texts the same way as the driver (picklable)."""

    text_column: str = "text"
    id_column: str = "id"
    level_column: str = "level"
    template_column: str | None = None  # two tables: the key joining recipients to templates
    relationship: str = "instrumental"
    style: str = "top-down"
    model: str | None = None
    rule_paths: tuple[str, ...] = ()
    builtin_rules: bool = True


@dataclass(frozen=True)
class TextAnalysis:
    """What a text does whatever the recipient: its level, and the findings that need no level."""

    detected_level: int
    findings: tuple[tuple[str, str, str], ...]  # (rule, severity, excerpt)

    def for_level(self, level: int | None) -> tuple[bool, list[str]]:
        overreach = level is not None and self.detected_level > highest_allowed(level)
        rules = sorted({rule for rule, _, _ in self.findings})
        return overreach, rules + ([OVERREACH] if overreach else [])


def content_id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=2)
def worker_linter(spec: JobSpec):
    """One Linter (and so one spaCy pipeline) per process, built on first use."""
    from ..api import build_linter
    from ..ruleset import load_ruleset

    ruleset = load_ruleset(list(spec.rule_paths), builtin=spec.builtin_rules)
    return build_linter(ruleset, model=spec.model, use_cache=False)


def analyse_texts(texts: list[str], spec: JobSpec) -> dict[str, TextAnalysis]:
    linter = worker_linter(spec)
    context = Context(relationship=spec.relationship, style=spec.style)
    distinct = list(dict.fromkeys(texts))
    results = linter.check((message_from_text(text), context) for text in distinct)
    return {
        text: TextAnalysis(result.level, tuple((f.rule, f.severity, f.location.excerpt) for f in result.findings))
        for text, result in zip(distinct, results)
    }


class AnalysisMemo:
    """Analyses of texts already seen in this process, by content hash, so that a personalised text
    recurring in later chunks is not analysed again. Bounded: the oldest entries go first."""

    def __init__(self, capacity: int = 200_000):
        self.capacity, self._entries = capacity, OrderedDict()

    def get(self, key):
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        return None

    def put(self, key, analysis: TextAnalysis) -> None:
        self._entries[key] = analysis
        if len(self._entries) > self.capacity:
            self._entries.popitem(last=False)


_MEMO = AnalysisMemo()


def _analyses_for(texts: list[str], spec: JobSpec) -> dict[str, TextAnalysis]:
    """Content hash -> analysis for every text, analysing only those this process has not seen."""
    out, missing = {}, []
    for text in dict.fromkeys(texts):
        key = content_id(text)
        known = _MEMO.get((spec, key))
        if known is None:
            missing.append(text)
        else:
            out[key] = known
    if missing:
        for text, analysis in analyse_texts(missing, spec).items():
            out[content_id(text)] = analysis
            _MEMO.put((spec, content_id(text)), analysis)
    return out


def _level(value, number: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_level(value, where=f"row {number}")


def process_chunk(rows: list, spec: JobSpec, templates: dict | None) -> tuple[list[dict], list[dict]]:
    """Output rows and faults for (row number, row) pairs; a bad row is a fault, never an exception."""
    faults: list[dict] = []
    parsed = []
    for number, row in rows:
        try:
            if row is None:
                raise MsglintError("malformed row")
            recipient = row.get(spec.id_column)
            if recipient is None or str(recipient) == "":
                raise MsglintError(f"no value in {spec.id_column!r}")
            level = _level(row.get(spec.level_column), number)
            if templates is not None:
                key = row.get(spec.template_column)
                if key is None or str(key) not in templates:
                    raise MsglintError(f"unknown template {key!r}")
                template_id, text = str(key), None
            else:
                text = row.get(spec.text_column)
                if not isinstance(text, str):
                    raise MsglintError(f"no readable text in {spec.text_column!r}")
                template_id = content_id(text)
            parsed.append((number, str(recipient), template_id, level, text))
        except MsglintError as exc:
            problem = str(exc).removeprefix(f"row {number}: ")
            faults.append({"row": number, "problem": problem})
    analyses = templates if templates is not None else _analyses_for([t for *_, t in parsed], spec)
    out = []
    for number, recipient, template_id, level, _ in parsed:
        analysis = analyses[template_id]
        overreach, rules = analysis.for_level(level)
        out.append({"row": number, "recipient_id": recipient, "template_id": template_id, "recorded_level": level,
                    "detected_level": analysis.detected_level, "overreach": overreach, "rules": rules})
    return out, faults


@dataclass
class Summary:
    """Bounded whatever the recipient count: per template when there are templates, per rule and
    recorded level always. Expressive findings are listed once per template."""

    severities: dict  # rule id -> severity, to decide what fails
    fail_on: str = "warning"
    templates: dict | None = None  # template id -> TextAnalysis, in two-table mode
    rows: int = 0
    faults: int = 0
    rows_with_rule: Counter = field(default_factory=Counter)
    overreached_at_level: Counter = field(default_factory=Counter)
    per_template: dict = field(default_factory=lambda: defaultdict(lambda: {"recipients": 0, "overreached": Counter()}))

    def add(self, rows: list[dict], faults: list[dict]) -> None:
        self.faults += len(faults)
        self.rows += len(rows)
        for row in rows:
            self.rows_with_rule.update(row["rules"])
            if row["overreach"]:
                self.overreached_at_level[row["recorded_level"]] += 1
            if self.templates is not None:
                entry = self.per_template[row["template_id"]]
                entry["recipients"] += 1
                if row["overreach"]:
                    entry["overreached"][row["recorded_level"]] += 1

    @property
    def failing(self) -> bool:
        floor = SEVERITY_RANK[self.fail_on]
        return self.faults > 0 or any(
            SEVERITY_RANK[self.severities.get(rule, "warning")] >= floor for rule in self.rows_with_rule)

    def as_dict(self) -> dict:
        document = {
            "rows": self.rows,
            "faults": self.faults,
            "rows_with_rule": dict(sorted(self.rows_with_rule.items())),
            "overreached_by_recorded_level": {str(k): v for k, v in sorted(self.overreached_at_level.items())},
        }
        if self.templates is not None:
            document["templates"] = [
                {
                    "template_id": template,
                    "detected_level": analysis.detected_level,
                    "recipients": self.per_template[template]["recipients"],
                    "overreached": sum(self.per_template[template]["overreached"].values()),
                    "overreached_by_recorded_level": {
                        str(k): v for k, v in sorted(self.per_template[template]["overreached"].items())},
                    "findings": [{"rule": r, "severity": sev, "excerpt": e} for r, sev, e in analysis.findings],
                }
                for template, analysis in self.templates.items()
            ]
        return document

    def render_text(self) -> str:
        document, out = self.as_dict(), []
        for entry in document.get("templates", []):
            by_level = ", ".join(f"{n} at level {lvl}" for lvl, n in entry["overreached_by_recorded_level"].items())
            out.append(f"{entry['template_id']}: level {entry['detected_level']}, {entry['recipients']} recipients, "
                       f"{entry['overreached']} overreached" + (f" ({by_level})" if by_level else ""))
            for finding in entry["findings"]:
                out.append(f"  {finding['severity']} {finding['rule']}: {finding['excerpt']!r}")
        if "templates" not in document:
            for rule, count in document["rows_with_rule"].items():
                out.append(f"{rule}: {count} rows")
        levels = ", ".join(f"{n} at level {lvl}" for lvl, n in document["overreached_by_recorded_level"].items())
        out.append(f"{self.rows} rows checked, {sum(self.overreached_at_level.values())} overreached"
                   + (f" ({levels})" if levels else "") + f", {self.faults} faulty rows.")
        return "\n".join(out) + "\n"
