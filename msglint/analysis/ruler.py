"""The pipeline's attribute_ruler, its matches found by dictionary lookups instead of spaCy's Matcher.

en_core_web_sm's attribute_ruler (fine tag to part of speech and morphology, and the exceptions
that read the parse) is a Matcher of 179 entries, many with sets; on msglint's short units it was a
fifth of the model's time, nearly all of it in the Matcher (setting the attributes is a twentieth of
that). Its patterns are one or two tokens of plain values and IN / NOT_IN sets, without operators,
so FastRuler finds the same matches by looking each token's attribute values up in an index of the
patterns, sorts them as the ruler does, and hands them to the ruler's own set_annotations: what is
written, and in which order, is spaCy's doing. A ruler with any other kind of pattern is left as it
is (`FastRuler.for_pipe` returns None). tests/test_ruler.py checks the matches against the ruler's own
on every unit of the corpus, the rule examples and the dev sets.
"""

from __future__ import annotations

import re
from collections import defaultdict

from spacy.attrs import IDS
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id

# Token attributes the ruler's patterns may read here, by the name the Matcher gives them.
_SUPPORTED = {"ORTH": "ORTH", "TEXT": "ORTH", "LOWER": "LOWER", "NORM": "NORM", "TAG": "TAG", "POS": "POS",
              "DEP": "DEP", "IS_SPACE": "IS_SPACE"}
_INDEXED = ("LOWER", "ORTH", "NORM", "TAG", "POS", "DEP", "IS_SPACE")  # what a pattern is looked up by, best first


_MAX_REMEMBERED = 100_000  # answers kept per regular expression, by string id


class _Unsupported(Exception):
    pass


def _condition(value):
    """(kind, operand): 'is' with one id, 'in' / 'not in' with a frozenset of ids, 're' with a
    regular expression (the ruler's own, searched in the attribute's string as spaCy does) and the
    answers so far by string id."""
    if isinstance(value, bool):
        return "is", int(value)
    if isinstance(value, str):
        return "is", get_string_id(value)
    if isinstance(value, dict) and len(value) == 1:
        (operator, values), = value.items()
        if operator in ("IN", "NOT_IN") and isinstance(values, list) and all(isinstance(v, str) for v in values):
            return ("in" if operator == "IN" else "not in"), frozenset(get_string_id(v) for v in values)
        if operator == "REGEX" and isinstance(values, str):
            return "re", (re.compile(values), {})
    raise _Unsupported(value)


def _compile_spec(spec: dict, columns: dict) -> tuple:
    out = []
    for key, value in spec.items():
        attr = _SUPPORTED.get(key.upper()) if isinstance(key, str) else None
        if attr is None:
            raise _Unsupported(key)
        kind, operand = _condition(value)
        out.append((columns.setdefault(attr, len(columns)), kind, operand))
    return tuple(out)


def _holds(conditions: tuple, row: list, strings) -> bool:
    for column, kind, operand in conditions:
        value = row[column]
        if kind == "is":
            if value != operand:
                return False
        elif kind == "re":
            pattern, answers = operand
            answer = answers.get(value)
            if answer is None:
                if len(answers) > _MAX_REMEMBERED:
                    answers.clear()
                answer = answers[value] = pattern.search(strings[value]) is not None
            if not answer:
                return False
        elif (value in operand) != (kind == "in"):
            return False
    return True


class FastRuler:
    """Stands in for an AttributeRuler in `nlp.pipeline` order; writes through the ruler itself."""

    def __init__(self, ruler, entries: list[tuple[int, int, list[tuple]]], columns: dict):
        self._ruler = ruler
        self._attr_ids = [IDS[attr] for attr in columns]
        rank = {column: _INDEXED.index(name) for name, column in columns.items() if name in _INDEXED}
        self._by_value: dict[tuple[int, int], list] = defaultdict(list)  # (column, id) -> patterns
        # patterns whose first token is known by a regular expression only: by column, then by the
        # column's value once seen, the patterns whose expression it meets
        self._by_expression: dict[int, tuple[list, dict]] = {}
        self._everywhere: list = []  # patterns whose first token names nothing to look up
        for entry, match_id, patterns in entries:
            for conditions in patterns:
                pattern = (entry, match_id, conditions)
                lookups = [c for c in conditions[0] if c[1] in ("is", "in") and c[0] in rank]
                expressions = [c for c in conditions[0] if c[1] == "re"]
                if lookups:
                    column, kind, operand = min(lookups, key=lambda c: rank[c[0]])
                    for value in ([operand] if kind == "is" else operand):
                        self._by_value[(column, value)].append(pattern)
                elif expressions:
                    column, _, (expression, _) = expressions[0]
                    self._by_expression.setdefault(column, ([], {}))[0].append((expression, pattern))
                else:
                    self._everywhere.append(pattern)
        self._lookup_columns = sorted({column for column, _ in self._by_value})

    @classmethod
    def for_pipe(cls, ruler) -> "FastRuler | None":
        """A FastRuler for this AttributeRuler; None for another pipe, or when a pattern is of a kind
        it does not cover."""
        if not isinstance(ruler, AttributeRuler):
            return None
        columns: dict[str, int] = {}
        entries = []
        try:
            for entry, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices)):
                match_id = ruler.vocab.strings.add(str(entry))
                patterns = ruler.matcher.get(match_id)[1]
                compiled = []
                for pattern in patterns:
                    if not pattern or any(not isinstance(spec, dict) or "OP" in spec for spec in pattern):
                        raise _Unsupported(pattern)
                    compiled.append(tuple(_compile_spec(spec, columns) for spec in pattern))
                entries.append((entry, match_id, compiled))
        except (_Unsupported, KeyError, TypeError, ValueError):
            return None
        return cls(ruler, entries, columns)

    def matches(self, doc) -> list[tuple[int, int, int, int]]:
        """What AttributeRuler.match returns: (entry, match id, start, end), sorted."""
        if not len(doc):
            return []
        rows = doc.to_array(self._attr_ids).tolist()
        if len(self._attr_ids) == 1:
            rows = [[value] for value in rows]
        found = set()
        length = len(rows)
        strings = doc.vocab.strings
        by_value = self._by_value
        for start, row in enumerate(rows):
            candidates = list(self._everywhere)
            for column in self._lookup_columns:
                candidates.extend(by_value.get((column, row[column]), ()))
            for column, (expressions, seen) in self._by_expression.items():
                value = row[column]
                met = seen.get(value)
                if met is None:
                    if len(seen) > _MAX_REMEMBERED:
                        seen.clear()
                    text = strings[value]
                    met = seen[value] = [pattern for expression, pattern in expressions if expression.search(text)]
                candidates.extend(met)
            for entry, match_id, conditions in candidates:
                end = start + len(conditions)
                if end <= length and all(_holds(spec, rows[start + i], strings) for i, spec in enumerate(conditions)):
                    found.add((entry, match_id, start, end))
        return sorted(found)

    def __call__(self, doc):
        self._ruler.set_annotations(doc, self.matches(doc))
        return doc

    def pipe(self, stream, batch_size: int = 128):
        for doc in stream:
            yield self(doc)

