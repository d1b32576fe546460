"""Scoring the linter against labelled messages: the dev-set JSONL format or our YAML corpora."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..sources.context import merge_context
from .corpus import load_corpus
from ..analysis.engine import Linter
from ..errors import MsglintError
from ..sources.inputs import read_regular_file
from ..analysis.findings import Result
from ..levels import LEVEL_NAMES
from ..sources.message import decode, message_from_text


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    expressive: bool | None
    level: int | None
    context: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # the repository a dev-set text comes from (owner/name), or the corpus file
    file: str = ""


MAX_LABELLED_BYTES = 64 * 1024 * 1024  # a labelled file is read whole; refuse what cannot be one


def load_labelled(path: Path) -> list[Labelled]:
    if path.is_dir() or path.suffix in (".yaml", ".yml"):
        return [Labelled(c.id, c.text, c.expressive, c.level, c.context, source=Path(c.source).name, file=str(path))
                for c in load_corpus(path)]
    return _load_jsonl(path)


def _load_jsonl(path: Path) -> list[Labelled]:
    # a FIFO or /dev/zero would block or never end: regular files only, bounded
    text = decode(read_regular_file(path, limit=MAX_LABELLED_BYTES), path=str(path))
    items = []
    # JSON Lines ends records at \n only: str.splitlines would also split inside U+2028 and friends.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MsglintError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise MsglintError(f"{path}:{number}: JSON nested too deeply") from None
        items.append(_labelled_row(row, f"{path}:{number}", number, str(path)))
    return items


def _labelled_row(row: Any, where: str, number: int, file: str) -> Labelled:
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise MsglintError(f"{where}: each line needs a 'text' string")
    identifier, expressive, level = row.get("id", number), row.get("expressive"), row.get("level")
    if isinstance(identifier, bool) or not isinstance(identifier, (str, int)):
        raise MsglintError(f"{where}: 'id' must be a string or an integer")
    if expressive not in (True, False, None) or isinstance(expressive, (int, float)) and not isinstance(expressive, bool):
        raise MsglintError(f"{where}: 'expressive' must be true, false or null")
    # 1.0 == 1 in Python: a float is refused rather than silently read as a level.
    if level is not None and (type(level) is not int or level not in LEVEL_NAMES):
        raise MsglintError(f"{where}: 'level' must be an integer 1-6 or null")
    source = row.get("source")
    # "owner/name@commit:path" -> "owner/name": the figures are grouped by where the copy was written.
    source = source.split("@", 1)[0] if isinstance(source, str) and source else ""
    try:
        row["text"].encode("utf-8")
    except UnicodeEncodeError:
        raise MsglintError(f"{where}: 'text' holds a lone surrogate (not valid Unicode)") from None
    # Labels are judged from the text alone, as an instrumental relationship (RUBRIC.md).
    return Labelled(str(identifier), row["text"], expressive, level, {"relationship": "instrumental"},
                    source=source, file=file)


def is_expressive(result: Result) -> bool:
    return any(f.category == "expressive" for f in result.findings)


@dataclass
class Scores:
    count: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    confusion: list[list[int]] = field(default_factory=lambda: [[0] * 6 for _ in range(6)])
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def level_labelled(self) -> int:
        return sum(map(sum, self.confusion))

    @property
    def level_exact(self) -> float:
        total = self.level_labelled
        return sum(self.confusion[i][i] for i in range(6)) / total if total else 0.0

    @property
    def level_within_one(self) -> float:
        total = self.level_labelled
        near = sum(self.confusion[i][j] for i in range(6) for j in range(6) if abs(i - j) <= 1)
        return near / total if total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "messages": self.count,
            "expressive": {
                "labelled": self.tp + self.fp + self.fn + self.tn,
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            },
            "pyramid": {
                "labelled": self.level_labelled,
                "exact": round(self.level_exact, 4),
                "within_one": round(self.level_within_one, 4),
                "confusion": {"rows": "expected level 1-6", "columns": "detected level 1-6", "matrix": self.confusion},
            },
        }


def score_groups(linter: Linter, items: list[Labelled], by: str | None) -> tuple[Scores, dict[str, Scores]]:
    """Scores over all items, and per file or per source when `by` names one (in first-seen order)."""
    total = Scores(count=len(items))
    groups: dict[str, Scores] = {}
    for item, result in zip(items, _results(linter, items)):
        targets = [total]
        if by:
            key = getattr(item, by) or "(none)"
            group = groups.setdefault(key, Scores())
            group.count += 1
            targets.append(group)
        for scores in targets:
            _tally(scores, item, result, keep_errors=scores is total)  # misses are listed once, for the whole
    return total, groups


def _results(linter: Linter, items: list[Labelled]):
    pairs = ((message_from_text(item.text), merge_context([("labels", item.context)])) for item in items)
    return linter.check(pairs)


def _tally(scores: Scores, item: Labelled, result: Result, *, keep_errors: bool) -> None:
    got_expressive = is_expressive(result)
    miss: list[str] = []
    if item.expressive is not None:
        if item.expressive and got_expressive:
            scores.tp += 1
        elif item.expressive:
            scores.fn += 1
            miss.append("expressive missed")
        elif got_expressive:
            scores.fp += 1
            miss.append("expressive false alarm")
        else:
            scores.tn += 1
    if item.level is not None:
        scores.confusion[item.level - 1][result.level - 1] += 1
        if item.level != result.level:
            miss.append(f"level {item.level} detected {result.level}")
    if miss and keep_errors:
        scores.errors.append({
            "id": item.id,
            "source": item.source,
            "text": item.text,
            "problems": miss,
            "expected": {"expressive": item.expressive, "level": item.level},
            "got": {"expressive": got_expressive, "level": result.level},
            "rules": sorted(result.rule_ids()),
            "evidence": [f"{e.rule} L{e.level} {e.location.excerpt!r}" for e in result.evidence],
        })


def render_text(scores: Scores, *, data: str, show_errors: bool) -> str:
    d = scores.as_dict()
    e, p = d["expressive"], d["pyramid"]
    out = [
        f"msglint eval {data}: {scores.count} messages",
        "",
        f"expressive ({e['labelled']} labelled): precision {e['precision']:.3f}  recall {e['recall']:.3f}  F1 {e['f1']:.3f}"
        f"   (tp {e['tp']}, fp {e['fp']}, fn {e['fn']}, tn {e['tn']})",
        f"pyramid level ({p['labelled']} labelled): exact {p['exact']:.3f}  within one {p['within_one']:.3f}",
        "",
        "confusion (rows: expected level, columns: detected level)",
        "        " + "".join(f"{j:>5}" for j in range(1, 7)),
    ]
    for i, row in enumerate(scores.confusion, start=1):
        out.append(f"  L{i}    " + "".join(f"{n:>5}" for n in row))
    if show_errors:
        out += ["", f"{len(scores.errors)} messages with a miss:"]
        for error in scores.errors:
            out.append(f"- {error['id']}: {'; '.join(error['problems'])}")
            out.append(f"    text: {' '.join(error['text'].split())}")
            out.append(f"    rules: {', '.join(error['rules']) or '-'}")
            if error["evidence"]:
                out.append(f"    evidence: {'; '.join(error['evidence'])}")
    return "\n".join(out) + "\n"


def render_groups(groups: dict[str, Scores], *, by: str) -> str:
    """One line per file or source: its expressive and level figures, to see where the rules hold."""
    if not groups:
        return ""
    width = max(len(by), *(len(name) for name in groups))
    out = ["", f"{'by ' + by:<{width + 3}}  texts  precision  recall     F1   tp  fp  fn   exact  within-1"]
    for name, scores in groups.items():
        d = scores.as_dict()
        e, p = d["expressive"], d["pyramid"]
        positives = e["tp"] + e["fn"] + e["fp"]
        expressive = (f"{e['precision']:>9.3f}  {e['recall']:>6.3f}  {e['f1']:>5.3f}" if positives
                      else f"{'-':>9}  {'-':>6}  {'-':>5}")
        level = f"{p['exact']:>6.3f}  {p['within_one']:>8.3f}" if p["labelled"] else f"{'-':>6}  {'-':>8}"
        out.append(f"   {name:<{width}}  {scores.count:>5}  {expressive}  {e['tp']:>3} {e['fp']:>3} {e['fn']:>3}  {level}")
    return "\n".join(out) + "\n"
