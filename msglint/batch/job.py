"""One batch job: each distinct text analysed once, recipients compared by level.

`process_chunk` is a pure function of its inputs, so the local engine and a Dask cluster produce
the same rows. Worker processes build their Linter once (`worker_linter`).
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from ..sources.context import Context
from ..errors import MsglintError
from ..levels import parse_level
from ..sources.message import message_from_text
from ..analysis.pyramid import highest_allowed
from ..ruleset.loading import SEVERITY_RANK
from .tables import RowFault, clip, shown

OVERREACH = "pyramid.overreach"


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
    from ..ruleset.loading import load_ruleset

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


def text_value(value, name: str, problem: str) -> str:
    """A string the output can hold (UTF-8), else a fault naming the field."""
    if not isinstance(value, str):
        raise MsglintError(problem)
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MsglintError(f"{name!r} holds a lone surrogate (\\u{ord(value[exc.start]):04x})") from None
    return value


def key_value(row: dict, name: str) -> str:
    """An id or a template key: text or a whole number."""
    value = row.get(name)
    if value is None or value == "":
        raise MsglintError(f"no value in {name!r}")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return text_value(value, name, f"{name!r} must be text or a whole number, not {type(value).__name__}")


def _level_value(row: dict, name: str) -> int | None:
    """A recorded level. A missing field is a fault (the row is incomplete); an explicitly empty
    value (empty string, JSON null, a Parquet null) means the level is unknown."""
    if name not in row:
        raise MsglintError(f"no field {name!r}")
    value = row[name]
    if value is not None and not isinstance(value, (str, int)):
        raise MsglintError(f"{name!r} must be 1-6 or a level name, not {type(value).__name__}")
    if isinstance(value, str):
        text_value(value, name, "")
        if not value.strip():
            return None
    return parse_level(value, where=repr(name))


def _parse_row(row, spec: JobSpec, templates: dict | None) -> tuple[str, str, int | None, str | None]:
    """(recipient, template id, recorded level, text or None) of a row, or MsglintError."""
    recipient = key_value(row, spec.id_column)
    level = _level_value(row, spec.level_column)
    if templates is not None:
        key = key_value(row, spec.template_column)
        if key not in templates:
            raise MsglintError(f"unknown template {shown(key)}")
        return recipient, key, level, None
    text = text_value(row.get(spec.text_column), spec.text_column, f"no readable text in {spec.text_column!r}")
    return recipient, content_id(text), level, text


def process_chunk(rows: list, spec: JobSpec, templates: dict | None) -> tuple[list[dict], list[dict]]:
    """Output rows and faults for (row number, row) pairs; a bad row is a fault, never an exception."""
    faults: list[dict] = []
    parsed = []
    for number, row in rows:
        if isinstance(row, RowFault):
            faults.append({"row": number, "line": row.line, "problem": clip(row.problem)})
            continue
        try:
            parsed.append((number, *_parse_row(row, spec, templates)))
        except MsglintError as exc:
            faults.append({"row": number, "problem": clip(exc)})
    analyses = templates if templates is not None else _analyses_for([t for *_, t in parsed], spec)
    out = []
    verdicts: dict = {}  # (template, level) -> for_level(): a chunk has few distinct pairs
    for number, recipient, template_id, level, _ in parsed:
        analysis = analyses[template_id]
        verdict = verdicts.get((template_id, level))
        if verdict is None:
            verdict = verdicts[(template_id, level)] = analysis.for_level(level)
        overreach, rules = verdict
        out.append({"row": number, "recipient_id": recipient, "template_id": template_id, "recorded_level": level,
                    "detected_level": analysis.detected_level, "overreach": overreach, "rules": list(rules)})
    return out, faults


@dataclass
class Summary:
    """Bounded whatever the recipient count: per template when there are templates, per rule and
    recorded level always. Expressive findings are listed once per template."""

    severities: dict  # rule id -> severity, to decide what fails
    fail_on: str = "warning"
    templates: dict | None = None  # template id -> TextAnalysis, in two-table mode
    rows: int = 0  # rows checked (and written, with --output)
    faults: int = 0
    earlier_rows: int = 0  # of `rows`, those already in the output of an interrupted run (--resume)
    earlier_faults: int = 0
    rows_with_rule: Counter = field(default_factory=Counter)
    overreached_at_level: Counter = field(default_factory=Counter)
    per_template: dict = field(default_factory=lambda: defaultdict(lambda: {"recipients": 0, "overreached": Counter()}))

    @property
    def rows_read(self) -> int:
        """Every input row ends as one output row or one fault, and nothing else."""
        return self.rows + self.faults

    def add_earlier(self, row: dict) -> None:
        """A row the interrupted run already wrote (--resume), so the summary covers the whole output."""
        self.earlier_rows += 1
        self._count([row])

    def add_earlier_faults(self, count: int) -> None:
        self.earlier_faults += count
        self.faults += count

    def add(self, rows: list[dict], faults: list[dict]) -> None:
        self.faults += len(faults)
        self._count(rows)

    def _count(self, rows: list[dict]) -> None:
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
            "rows_read": self.rows_read,
            "rows": self.rows,
            "faults": self.faults,
            "rows_with_rule": dict(sorted(self.rows_with_rule.items())),
            "overreached_by_recorded_level": {str(k): v for k, v in sorted(self.overreached_at_level.items())},
        }
        if self.earlier_rows or self.earlier_faults:
            document["resumed"] = {"earlier_rows": self.earlier_rows, "earlier_faults": self.earlier_faults}
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
            out.append(f"{entry['template_id']}: level {entry['detected_level']}, {entry['recipients']} recipient{'s' if entry['recipients'] != 1 else ''}, "
                       f"{entry['overreached']} overreached" + (f" ({by_level})" if by_level else ""))
            for finding in entry["findings"]:
                out.append(f"  {finding['severity']} {finding['rule']}: {finding['excerpt']!r}")
        if "templates" not in document:
            for rule, count in document["rows_with_rule"].items():
                out.append(f"{rule}: {count} rows")
        levels = ", ".join(f"{n} at level {lvl}" for lvl, n in document["overreached_by_recorded_level"].items())
        earlier = (f" (of them, {self.earlier_rows} checked and {self.earlier_faults} faulty in the interrupted run)"
                   if self.earlier_rows or self.earlier_faults else "")
        out.append(f"{self.rows_read} rows read: {self.rows} checked, {sum(self.overreached_at_level.values())} "
                   f"overreached" + (f" ({levels})" if levels else "") + f", {self.faults} faulty{earlier}.")
        return "\n".join(out) + "\n"
