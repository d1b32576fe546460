"""Loading and validating YAML rule files.

Every problem is reported as `file:line: rule ID: field F: why`, so that a rule author can go
straight to the line at fault. Validation is complete before anything is compiled.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .classes import WordClass, expand_pattern, expand_sequence, parse_classes
from ..sources.context import RELATIONSHIPS, STYLES, parse_context_fields
from ..errors import MsglintError
from ..sources.inputs import require_regular_file
from ..levels import LEVEL_NAMES
from .patterns import LINE_KEY, pattern_problem

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
# `level` rules only gather pyramid evidence; the others report findings.
CATEGORIES = ("expressive", "style", "tone", "pyramid", "directive", "level")
MATCH_KINDS = ("phrases", "lemmas", "tokens", "dependency")
CHECKS = ("overreach", "unknown-directive-rule")
RULE_ID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
RULE_FIELDS = {
    "id", "category", "severity", "level", "applies-when", "message", "why", "suggest",
    "description", "match", "except", "except-sentence", "check", "examples", LINE_KEY,
}


@dataclass(frozen=True)
class Example:
    text: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchSpec:
    phrases: tuple[str, ...] = ()
    lemmas: tuple[str, ...] = ()
    tokens: tuple[Any, ...] = ()
    dependency: tuple[Any, ...] = ()

    def is_empty(self) -> bool:
        return not (self.phrases or self.lemmas or self.tokens or self.dependency)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    message: str
    why: str
    source: str
    line: int
    severity: str | None = None
    level: int | None = None
    applies_when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    suggest: str | None = None
    description: str | None = None
    match: MatchSpec = MatchSpec()
    exceptions: MatchSpec = MatchSpec()
    sentence_exceptions: MatchSpec = MatchSpec()
    check: str | None = None
    flag_examples: tuple[Example, ...] = ()
    pass_examples: tuple[Example, ...] = ()
    classes: tuple[str, ...] = ()  # the word classes its patterns name, already expanded into them

    @property
    def reports_findings(self) -> bool:
        return self.category != "level"

    def applies_to(self, context) -> bool:
        for key, allowed in self.applies_when.items():
            if getattr(context, key) not in allowed:
                return False
        return True


@dataclass
class RuleSet:
    rules: list[Rule]
    level_suggestions: dict[int, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    classes: dict[str, WordClass] = field(default_factory=dict)
    fingerprint: str = ""  # hash of the rule files' bytes, in load order: part of cache keys

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        known = ", ".join(sorted(r.id for r in self.rules))
        raise MsglintError(f"unknown rule {rule_id!r}; known rules: {known}")

    @property
    def ids(self) -> set[str]:
        return {rule.id for rule in self.rules}


@functools.lru_cache(maxsize=1)
def _line_loader():
    """PyYAML is imported only when a rule file is parsed: a run served by the rule cache needs none."""
    from ..yamlio import Loader

    class LineLoader(Loader):
        """Records the line of every mapping so that errors can point at it."""

        def construct_mapping(self, node, deep=False):
            mapping = super().construct_mapping(node, deep=deep)
            mapping[LINE_KEY] = node.start_mark.line + 1
            return mapping

    return LineLoader


def _yaml_files(folder: Path) -> list[Path]:
    """A rule folder's files: its word classes (classes/*.yaml) first, so that rules can name them."""
    found: list[Path] = []
    for where in (folder / "classes", folder):
        if where.is_dir():
            found += sorted(p for p in where.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir())
    return found


# The shipped rules sit at the top of a source checkout (rules/) and install as msglint.rules.
SOURCE_RULES = Path(__file__).resolve().parents[2] / "rules"


def builtin_rule_files() -> list[Path]:
    try:
        folder = Path(str(resources.files("msglint.rules")))
    except ModuleNotFoundError:
        # Python found this source folder before the installed package (a command run inside the
        # checkout): the checkout's own rules are the ones beside this code.
        folder = SOURCE_RULES
        if not folder.is_dir():
            raise MsglintError("the built-in rules are missing from this installation of msglint; "
                               "reinstall it (pip install .)") from None
    return _yaml_files(folder)


def expand_rule_paths(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = _yaml_files(path)
            if not found:
                raise MsglintError(f"{raw}: no .yaml rule files in this directory")
            files.extend(require_regular_file(p) for p in found)  # not a FIFO or a link to /dev/zero
        elif path.is_file():
            files.append(path)
        else:
            raise MsglintError(f"{raw}: no such rule file or directory")
    return files


def rule_files(extra: list[str] | None = None, *, builtin: bool = True) -> list[Path]:
    files = (builtin_rule_files() if builtin else []) + expand_rule_paths(extra or [])
    if not files:
        raise MsglintError("no rule files to load (--no-builtin-rules needs --rules PATH)")
    return files


def fingerprint(files: list[Path]) -> str:
    """A hash of the rule files' names and bytes, in load order: part of every cache key."""
    def read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError:
            return b""  # load_rule_file reports the error
    return _fingerprint_of((path, read(path)) for path in files)


def _fingerprint_of(files) -> str:
    """The fingerprint of (path, bytes) pairs: what fingerprint() and load_ruleset() both give."""
    digest = hashlib.sha256()
    for path, data in files:
        digest.update(path.name.encode() + b"\0" + data)
    return digest.hexdigest()


def load_ruleset(extra: list[str] | None = None, *, builtin: bool = True,
                 files: list[Path] | None = None) -> RuleSet:
    """Built-in rules, then extra files (or `files`, as rule_files listed them); a later rule with the
    same id replaces the earlier one. Each file is read once, for its rules and its fingerprint."""
    files = rule_files(extra, builtin=builtin) if files is None else files
    by_id: dict[str, Rule] = {}
    suggestions: dict[int, str] = {}
    classes: dict[str, WordClass] = {}
    read: list[tuple[Path, bytes]] = []
    for path in files:
        data = _read_rule_file(path)
        read.append((path, data))
        rules, file_suggestions, file_classes = load_rule_file(path, data)
        classes.update(file_classes)  # a later file may redefine a class, as it may a rule
        seen_here: set[str] = set()
        for rule in rules:
            if rule.id in seen_here:
                raise MsglintError(f"{path}:{rule.line}: rule {rule.id}: field id: defined twice in this file")
            seen_here.add(rule.id)
            by_id[rule.id] = rule
        suggestions.update(file_suggestions)
    rules = [_expand_classes(rule, classes) for rule in by_id.values()]
    return RuleSet(rules=rules, level_suggestions=suggestions, sources=[str(p) for p in files],
                   classes=classes, fingerprint=_fingerprint_of(read))


def _expand_classes(rule: Rule, classes: dict[str, WordClass]) -> Rule:
    used: set[str] = set()
    specs = {}
    for attribute, name in (("match", "match"), ("exceptions", "except"), ("sentence_exceptions", "except-sentence")):
        spec: MatchSpec = getattr(rule, attribute)
        expanded = {}
        for kind in ("tokens", "dependency", "phrases", "lemmas"):
            def fail(why: str, kind=kind) -> MsglintError:
                return MsglintError(f"{rule.source}:{rule.line}: rule {rule.id}: field {name}.{kind}: {why}")
            if kind in ("tokens", "dependency"):
                expanded[kind] = tuple(expand_pattern(p, classes, used, fail) for p in getattr(spec, kind))
            else:
                expanded[kind] = tuple(dict.fromkeys(
                    s for entry in getattr(spec, kind) for s in expand_sequence(entry, classes, used, fail)))
        specs[attribute] = MatchSpec(**expanded)
    if not used:
        return rule
    return replace(rule, classes=tuple(sorted(used)), **specs)


def _read_rule_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MsglintError(f"{path}: cannot read rule file ({exc})") from None


def load_rule_file(path: Path, data: bytes | None = None) -> tuple[list[Rule], dict[int, str], dict[str, WordClass]]:
    """One rule file's rules, level suggestions and word classes (`data`: its bytes, if already read)."""
    try:
        text = (_read_rule_file(path) if data is None else data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MsglintError(f"{path}: cannot read rule file ({exc})") from None
    import yaml

    from .. import yamlio

    try:
        data = yamlio.load(text, _line_loader())
    except yaml.YAMLError as exc:
        raise MsglintError(f"{path}{yamlio.error_line(exc)}: not valid YAML ({yamlio.problem(exc)})") from None
    if not isinstance(data, dict):
        raise MsglintError(f"{path}:1: a rule file is a mapping with a 'rules' list")
    unknown = set(data) - {"rules", "levels", "classes", LINE_KEY}
    if unknown:
        raise MsglintError(f"{path}:1: unknown top-level key(s) {', '.join(sorted(unknown))}; expected rules, levels, classes")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise MsglintError(f"{path}:{data[LINE_KEY]}: 'rules' must be a list of rules")
    rules = [_parse_rule(raw, path) for raw in raw_rules]
    classes = parse_classes(data.get("classes"), path, data[LINE_KEY])
    return rules, _parse_levels(data.get("levels"), path, data[LINE_KEY]), classes


def _parse_levels(raw: Any, path: Path, line: int) -> dict[int, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MsglintError(f"{path}:{line}: 'levels' must map level numbers 1-6 to {{suggest: ...}}")
    out: dict[int, str] = {}
    for key, value in raw.items():
        if key == LINE_KEY:
            continue
        if key not in LEVEL_NAMES or not isinstance(value, dict) or not isinstance(value.get("suggest"), str):
            raise MsglintError(f"{path}:{raw[LINE_KEY]}: levels: {key!r} must be 1-6 with a 'suggest' string")
        out[key] = value["suggest"]
    return out


class _RuleError:
    """Builds the `file:line: rule ID: field F: why` message for one rule."""

    def __init__(self, path: Path, raw: dict):
        self.path, self.raw = path, raw
        self.rule_id = raw.get("id", "?") if isinstance(raw, dict) else "?"
        self.line = raw.get(LINE_KEY, 1) if isinstance(raw, dict) else 1

    def __call__(self, field_name: str, why: str, line: int | None = None) -> MsglintError:
        return MsglintError(f"{self.path}:{line or self.line}: rule {self.rule_id}: field {field_name}: {why}")


def _parse_rule(raw: Any, path: Path) -> Rule:
    error = _RuleError(path, raw)
    if not isinstance(raw, dict):
        raise MsglintError(f"{path}: every entry under 'rules' must be a mapping, found {type(raw).__name__}")
    unknown = set(raw) - RULE_FIELDS
    if unknown:
        raise error(sorted(unknown)[0], f"unknown field (known: {', '.join(sorted(RULE_FIELDS - {LINE_KEY}))})")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise error("id", "required; kebab-case words joined by dots, e.g. expressive.false-selection")
    category = raw.get("category")
    if category not in CATEGORIES:
        raise error("category", f"must be one of {', '.join(CATEGORIES)}")
    reports = category != "level"
    severity = raw.get("severity")
    if reports and severity not in SEVERITIES:
        raise error("severity", f"must be one of {', '.join(SEVERITIES)}")
    if not reports and severity is not None:
        raise error("severity", "level rules gather evidence and report nothing; remove severity")
    level = raw.get("level")
    if level is not None and (isinstance(level, bool) or level not in LEVEL_NAMES):
        raise error("level", "must be a pyramid level from 1 to 6")
    if category == "level" and level is None:
        raise error("level", "required for level rules")
    for name in ("message", "why") + (("suggest",) if reports else ()):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            raise error(name, "required; a non-empty string")
    check = raw.get("check")
    if check is not None and check not in CHECKS:
        raise error("check", f"must be one of {', '.join(CHECKS)}")
    match = _parse_match(raw.get("match"), "match", error)
    if check is None and match.is_empty():
        raise error("match", "required: at least one of " + ", ".join(MATCH_KINDS))
    if check is not None and not match.is_empty():
        raise error("match", f"a '{check}' rule is computed, not matched; remove match")
    flags, passes = _parse_examples(raw.get("examples"), error)
    return Rule(
        id=rule_id,
        category=category,
        severity=severity,
        level=level,
        applies_when=_parse_applies_when(raw.get("applies-when"), error),
        message=raw["message"].strip(),
        why=raw["why"].strip(),
        suggest=raw["suggest"].strip() if isinstance(raw.get("suggest"), str) else None,
        description=raw["description"].strip() if isinstance(raw.get("description"), str) else None,
        match=match,
        exceptions=_parse_match(raw.get("except"), "except", error),
        sentence_exceptions=_parse_match(raw.get("except-sentence"), "except-sentence", error),
        check=check,
        flag_examples=flags,
        pass_examples=passes,
        source=str(path),
        line=raw[LINE_KEY],
    )


def _parse_applies_when(raw: Any, error: _RuleError) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise error("applies-when", "must be a mapping, e.g. {relationship: instrumental}")
    allowed = {"relationship": RELATIONSHIPS, "style": STYLES}
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if key == LINE_KEY:
            continue
        if key not in allowed:
            raise error(f"applies-when.{key}", f"unknown condition (known: {', '.join(allowed)})")
        values = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
        if not values or any(v not in allowed[key] for v in values):
            raise error(f"applies-when.{key}", f"must be one or a list of {', '.join(allowed[key])}")
        out[key] = values
    return out


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _parse_match(raw: Any, name: str, error: _RuleError) -> MatchSpec:
    if raw is None:
        return MatchSpec()
    if not isinstance(raw, dict):
        raise error(name, f"must be a mapping with any of {', '.join(MATCH_KINDS)}")
    unknown = set(raw) - set(MATCH_KINDS) - {LINE_KEY}
    if unknown:
        raise error(f"{name}.{sorted(unknown)[0]}", f"unknown matcher (known: {', '.join(MATCH_KINDS)})")
    parts: dict[str, tuple] = {}
    for kind in ("phrases", "lemmas"):
        values = raw.get(kind, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise error(f"{name}.{kind}", "must be a list of non-empty strings")
        parts[kind] = tuple(v.strip() for v in values)
    for kind in ("tokens", "dependency"):
        values = raw.get(kind, [])
        if not isinstance(values, list) or not all(isinstance(v, list) and v for v in values):
            raise error(f"{name}.{kind}", "must be a list of patterns, each a non-empty list of token specs")
        for pattern in values:
            if problem := pattern_problem(pattern, kind):  # msglint.ruleset.patterns: the allow-list
                raise error(f"{name}.{kind}", *problem)
        parts[kind] = tuple(_strip_lines(p) for p in values)
    return MatchSpec(**parts)


def _parse_examples(raw: Any, error: _RuleError) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if not isinstance(raw, dict):
        raise error("examples", "required: {flag: [...], pass: [...]} with at least one of each")
    out = []
    for kind in ("flag", "pass"):
        values = raw.get(kind)
        if not isinstance(values, list) or not values:
            raise error(f"examples.{kind}", "required: a non-empty list of texts")
        examples = []
        for value in values:
            if isinstance(value, str):
                examples.append(Example(text=value))
            elif isinstance(value, dict) and isinstance(value.get("text"), str):
                where = f"{error.path}:{value.get(LINE_KEY, error.line)}: rule {error.rule_id}: examples.{kind}"
                context = parse_context_fields(_strip_lines(value), where=where)
                examples.append(Example(text=value["text"], context=context))
            else:
                raise error(f"examples.{kind}", "each example is a string or {text: ..., customer-level: ...}")
        out.append(tuple(examples))
    return out[0], out[1]
