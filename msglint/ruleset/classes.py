"""Word classes: named lists of words that rules share, written as data (rules/classes/*.yaml).

A class is referenced inside a token or dependency pattern with msglint's own operators:
`{LEMMA: {CLASS: praise-adjective}}`, `{LOWER: {NOT_CLASS: [friend-noun, pet-name]}}`. They are
expanded when the rules load into the plain spaCy operators `IN` and `NOT_IN`, so the compiled
matchers, the required-word index (msglint.ruleset.anchors) and the result cache see ordinary patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import MsglintError
from .patterns import CLASS_OPERATORS, LINE_KEY

CLASS_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CLASS_FIELDS = {"description", "origin", "words", "include", LINE_KEY}


@dataclass(frozen=True)
class WordClass:
    name: str
    words: tuple[str, ...]
    description: str
    source: str
    line: int
    origin: str | None = None


def parse_classes(raw: Any, path: Path, line: int) -> dict[str, WordClass]:
    """The `classes:` section of one file; `include` is resolved here, within the file, in order."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MsglintError(f"{path}:{line}: 'classes' must map class names to {{description, words}}")
    out: dict[str, WordClass] = {}
    for name, body in raw.items():
        if name == LINE_KEY:
            continue
        where = f"{path}:{body.get(LINE_KEY, line) if isinstance(body, dict) else line}: class {name}"
        if not isinstance(name, str) or not CLASS_NAME.match(name):
            raise MsglintError(f"{where}: the name must be kebab-case, e.g. praise-adjective")
        if not isinstance(body, dict):
            raise MsglintError(f"{where}: must be a mapping with description and words")
        unknown = set(body) - CLASS_FIELDS
        if unknown:
            raise MsglintError(f"{where}: field {sorted(unknown)[0]}: unknown field (known: description, origin, words, include)")
        description = body.get("description")
        if not isinstance(description, str) or not description.strip():
            raise MsglintError(f"{where}: field description: required; a non-empty string")
        words = body.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() and not any(c.isspace() for c in w.strip()) for w in words):
            raise MsglintError(f"{where}: field words: must be a list of single words (no spaces: a class matches one token)")
        included: list[str] = []
        for other in body.get("include", []) or []:
            if other not in out:
                raise MsglintError(f"{where}: field include: {other!r} is not a class defined above it in this file")
            included.extend(out[other].words)
        all_words = tuple(dict.fromkeys([w.strip() for w in words] + included))
        if not all_words:
            raise MsglintError(f"{where}: field words: a class needs at least one word")
        origin = body.get("origin")
        if origin is not None and not isinstance(origin, str):
            raise MsglintError(f"{where}: field origin: must be a string")
        out[name] = WordClass(name, all_words, " ".join(description.split()), str(path), body.get(LINE_KEY, line), origin)
    return out


def _words_of(name: str, classes: dict[str, WordClass], used: set[str], fail: Callable[[str], Exception],
              where: str = "") -> tuple[str, ...]:
    """The words of a class a pattern names, noting it as used; an unknown name lists the known ones."""
    if name not in classes:
        known = ", ".join(sorted(classes)) or "none"
        raise fail(f"unknown word class {name!r}{where} (known: {known})")
    used.add(name)
    return classes[name].words


def expand_pattern(value: Any, classes: dict[str, WordClass], used: set[str], fail: Callable[[str], Exception]) -> Any:
    """A pattern with every CLASS / NOT_CLASS operator replaced by IN / NOT_IN over the class's words."""
    if isinstance(value, list):
        return [expand_pattern(v, classes, used, fail) for v in value]
    if not isinstance(value, dict):
        return value
    if not any(op in value for op in CLASS_OPERATORS):
        return {k: expand_pattern(v, classes, used, fail) for k, v in value.items()}
    out = {k: v for k, v in value.items() if k not in CLASS_OPERATORS}
    for operator, spacy_operator in CLASS_OPERATORS.items():
        if operator not in value:
            continue
        names = value[operator]
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise fail(f"{operator} takes a class name or a list of class names")
        words: list[str] = list(out.get(spacy_operator, []))
        for name in names:
            words.extend(_words_of(name, classes, used, fail))
        out[spacy_operator] = list(dict.fromkeys(words))
    return out


MAX_SEQUENCES = 2_000  # one phrase entry may not expand past this many sequences


def expand_sequence(entry: str, classes: dict[str, WordClass], used: set[str],
                    fail: Callable[[str], Exception]) -> list[str]:
    """A phrase or lemma sequence with each `@class` word replaced by every word of the class."""
    if "@" not in entry:
        return [entry]
    choices: list[tuple[str, ...]] = []
    total = 1
    for word in entry.split():
        if word.startswith("@") and len(word) > 1:
            choices.append(_words_of(word[1:], classes, used, fail, f" in {entry!r}"))
        else:
            choices.append((word,))
        total *= len(choices[-1])
        if total > MAX_SEQUENCES:
            raise fail(f"{entry!r} expands to more than {MAX_SEQUENCES} sequences; use a token pattern")
    out = [[]]
    for options in choices:
        out = [seq + [option] for seq in out for option in options]
    return [" ".join(seq) for seq in out]

