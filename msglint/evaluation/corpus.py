"""Labelled example messages: our YAML corpus format (corpora/README.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import yamlio

from ..sources.context import parse_context_fields
from ..errors import MsglintError
from ..sources.inputs import read_regular_file
from ..sources.message import decode
from ..levels import LEVEL_NAMES


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    source: str
    context: dict[str, Any] = field(default_factory=dict)
    level: int | None = None
    rules: frozenset[str] | None = None

    @property
    def expressive(self) -> bool | None:
        """A case is expressive when it expects an expressive finding (the dev-set label)."""
        if self.rules is None:
            return None
        return any(rule.startswith("expressive.") for rule in self.rules)


def corpus_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.yaml") if not p.name.startswith("."))


def load_corpus(root: Path) -> list[Case]:
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in corpus_files(root):
        text = decode(read_regular_file(path), path=str(path))  # not a FIFO or /dev/zero
        try:
            data = yamlio.load(text) or {}
        except yaml.YAMLError as exc:
            raise MsglintError(f"{path}{yamlio.error_line(exc)}: not valid YAML ({yamlio.problem(exc)})") from None
        entries = data.get("cases") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise MsglintError(f"{path}: a corpus file is a mapping with a 'cases' list")
        for index, raw in enumerate(entries):
            case = _parse_case(raw, path, index)
            if case.id in seen:
                raise MsglintError(f"{path}: case {case.id}: id already used in {seen[case.id]}")
            seen[case.id] = str(path)
            cases.append(case)
    return cases


def _parse_case(raw: Any, path: Path, index: int) -> Case:
    where = f"{path}: cases[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not isinstance(raw.get("text"), str):
        raise MsglintError(f"{where}: each case needs an 'id' and a 'text'")
    where = f"{path}: case {raw['id']}"
    expect = raw.get("expect") or {}
    if not isinstance(expect, dict):
        raise MsglintError(f"{where}: expect must be a mapping with 'level' and 'rules'")
    level = expect.get("level")
    if level is not None and level not in LEVEL_NAMES:
        raise MsglintError(f"{where}: expect.level must be 1-6")
    rules = expect.get("rules")
    if rules is not None and not (isinstance(rules, list) and all(isinstance(r, str) for r in rules)):
        raise MsglintError(f"{where}: expect.rules must be a list of rule ids")
    return Case(
        id=raw["id"],
        text=raw["text"],
        source=str(path),
        context=parse_context_fields(raw, where=where),
        level=level,
        rules=frozenset(rules) if rules is not None else None,
    )
