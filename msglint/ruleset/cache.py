"""The validated rule set kept as JSON beside the result cache, so that an unchanged run parses no
YAML (and imports no PyYAML).

JSON, not pickle: the cache folder may be writable by others (a shared CI cache), and unpickling
runs code. A stored file is data: it is decoded into the rule-set dataclasses alone, checked field by
field as a fresh load would, and any file that fails is ignored and rebuilt from the rule files.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from .classes import CLASS_NAME, WordClass
from .patterns import pattern_problem
from .loading import CATEGORIES, CHECKS, RULE_ID, SEVERITIES, Example, MatchSpec, Rule, RuleSet

FORMAT = 2
_CLASSES = {cls.__name__: cls for cls in (RuleSet, Rule, MatchSpec, Example, WordClass)}


class InvalidCache(ValueError):
    pass


def _encode(value: Any) -> Any:
    """Dataclasses become {"__class__": name, "fields": ...}, tuples lists; patterns stay plain JSON."""
    if dataclasses.is_dataclass(value) and type(value).__name__ in _CLASSES:
        return {"__class__": type(value).__name__,
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot store {type(value).__name__} in the rule cache")


def _object(value: Any, cls: type) -> Any:
    """A dataclass of the expected class from its stored form; tuple fields back to tuples."""
    _check(isinstance(value, dict) and value.get("__class__") == cls.__name__ and isinstance(value.get("fields"), dict),
           cls.__name__)
    fields = value["fields"]
    _check(set(fields) == {f.name for f in dataclasses.fields(cls)}, f"{cls.__name__} fields")
    out = {}
    for f in dataclasses.fields(cls):
        item = fields[f.name]
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if isinstance(default, MatchSpec):
            item = _object(item, MatchSpec)
        elif isinstance(default, tuple):
            _check(isinstance(item, list), f.name)
            item = tuple(_object(e, Example) if isinstance(e, dict) and "__class__" in e else e for e in item)
        out[f.name] = item
    return cls(**out)


def _decode(value: Any) -> RuleSet:
    ruleset = _object(value, RuleSet)
    _check(isinstance(ruleset.rules, list), "rules")
    rules = [_object(rule, Rule) for rule in ruleset.rules]
    for rule in rules:
        _check(isinstance(rule.applies_when, dict) and all(isinstance(v, list) for v in rule.applies_when.values()),
               "applies-when")
        object.__setattr__(rule, "applies_when", {k: tuple(v) for k, v in rule.applies_when.items()})
    _check(isinstance(ruleset.level_suggestions, dict) and all(k.isdigit() for k in ruleset.level_suggestions),
           "levels")
    _check(isinstance(ruleset.classes, dict), "classes")
    classes = {}
    for name, stored in ruleset.classes.items():
        word_class = _object(stored, WordClass)
        _check(isinstance(word_class.words, list), "class words")
        classes[name] = dataclasses.replace(word_class, words=tuple(word_class.words))
    return dataclasses.replace(ruleset, rules=rules, classes=classes,
                               level_suggestions={int(k): v for k, v in ruleset.level_suggestions.items()})


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise InvalidCache(what)


def _check_spec(spec: Any) -> None:
    _check(isinstance(spec, MatchSpec), "match spec")
    for kind in ("phrases", "lemmas"):
        _check(isinstance(getattr(spec, kind), tuple) and all(isinstance(v, str) and v for v in getattr(spec, kind)), kind)
    for kind in ("tokens", "dependency"):
        patterns = getattr(spec, kind)
        _check(isinstance(patterns, tuple), kind)
        for pattern in patterns:
            _check(isinstance(pattern, list) and pattern and all(isinstance(t, dict) for t in pattern), kind)
            # the same allow-list a rule file passes (msglint.ruleset.patterns): a stored pattern is no more trusted
            _check(pattern_problem(pattern, kind) is None, "pattern outside the allow-list")


def _check_rule(rule: Any) -> None:
    _check(isinstance(rule, Rule), "rule")
    _check(isinstance(rule.id, str) and RULE_ID.match(rule.id) is not None, "rule id")
    _check(rule.category in CATEGORIES, "category")
    _check(rule.severity is None or rule.severity in SEVERITIES, "severity")
    _check(rule.level is None or (type(rule.level) is int and 1 <= rule.level <= 6), "level")
    _check(rule.check is None or rule.check in CHECKS, "check")
    for name in ("message", "why", "source"):
        _check(isinstance(getattr(rule, name), str), name)
    for name in ("suggest", "description"):
        _check(getattr(rule, name) is None or isinstance(getattr(rule, name), str), name)
    _check(type(rule.line) is int, "line")
    _check(isinstance(rule.applies_when, dict) and all(
        isinstance(k, str) and isinstance(v, tuple) and all(isinstance(x, str) for x in v)
        for k, v in rule.applies_when.items()), "applies-when")
    for spec in (rule.match, rule.exceptions, rule.sentence_exceptions):
        _check_spec(spec)
    for examples in (rule.flag_examples, rule.pass_examples):
        _check(isinstance(examples, tuple) and all(
            isinstance(e, Example) and isinstance(e.text, str) and isinstance(e.context, dict) for e in examples),
            "examples")


def _check_ruleset(ruleset: Any, fingerprint: str) -> RuleSet:
    _check(isinstance(ruleset, RuleSet) and isinstance(ruleset.rules, list), "rule set")
    _check(ruleset.fingerprint == fingerprint, "fingerprint")
    for rule in ruleset.rules:
        _check_rule(rule)
    _check(len({r.id for r in ruleset.rules}) == len(ruleset.rules), "repeated rule id")
    _check(isinstance(ruleset.level_suggestions, dict) and all(
        type(k) is int and isinstance(v, str) for k, v in ruleset.level_suggestions.items()), "levels")
    _check(isinstance(ruleset.sources, list) and all(isinstance(s, str) for s in ruleset.sources), "sources")
    for name, word_class in ruleset.classes.items():
        _check(isinstance(word_class, WordClass) and word_class.name == name and CLASS_NAME.match(name) is not None
               and isinstance(word_class.words, tuple) and all(isinstance(w, str) and w for w in word_class.words)
               and isinstance(word_class.description, str) and isinstance(word_class.source, str)
               and type(word_class.line) is int and (word_class.origin is None or isinstance(word_class.origin, str)),
               "word class")
    for rule in ruleset.rules:
        _check(isinstance(rule.classes, tuple) and all(name in ruleset.classes for name in rule.classes), "rule classes")
    return ruleset


def load(path: Path, fingerprint: str) -> RuleSet | None:
    """The stored rule set, or None when it is missing, unreadable or fails any check."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        _check(isinstance(data, dict) and data.get("format") == FORMAT, "format")
        return _check_ruleset(_decode(data.get("ruleset")), fingerprint)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def store(path: Path, ruleset: RuleSet) -> None:
    """Written atomically: a concurrent run sees the whole file or none. Failure to write is ignored."""
    try:
        text = json.dumps({"format": FORMAT, "ruleset": _encode(ruleset)}, separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except (OSError, TypeError, ValueError):
        pass
