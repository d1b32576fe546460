"""What a rule's token and dependency patterns may use, checked when the rule file is loaded.

An allow-list, compared without regard to case (spaCy accepts `regex` as readily as `REGEX`):
token attributes that hold plain values, the set operators, msglint's own word-class operators,
and spaCy's plain quantifiers with small bounds. Everything else is refused before any message is
read, so that a bad pattern never surfaces half-way through a report:
- REGEX and FUZZY/FUZZY1-9: a user-written regular expression can backtrack without bound, and
  fuzzy matching costs an edit distance per token;
- extension attributes (`_`): they run code msglint does not ship;
- unbounded repeats beyond MAX_UNBOUNDED per pattern, and `{n,m}` beyond MAX_REPEAT: the Matcher
  keeps a state per partial match, so each one multiplies the work per token.
"""

from __future__ import annotations

import re
from typing import Any

from ..quoting import shown, type_name

LINE_KEY = "__line__"  # the line numbers the rule loader records in every mapping
CLASS_OPERATORS = {"CLASS": "IN", "NOT_CLASS": "NOT_IN"}  # msglint's word classes -> the spaCy operator they become

STRING_ATTRIBUTES = frozenset(
    "ORTH TEXT LOWER NORM LEMMA POS TAG MORPH DEP SHAPE ENT_TYPE ENT_ID ENT_KB_ID".split())
NUMBER_ATTRIBUTES = frozenset({"LENGTH"})
FLAG_ATTRIBUTES = frozenset(
    "SPACY IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER IS_UPPER IS_TITLE IS_PUNCT IS_SPACE IS_BRACKET IS_QUOTE "
    "IS_LEFT_PUNCT IS_RIGHT_PUNCT IS_CURRENCY IS_STOP IS_SENT_START SENT_START LIKE_NUM LIKE_URL LIKE_EMAIL".split())
LIST_OPERATORS = frozenset({"IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS"})
COMPARISONS = frozenset({"==", "!=", ">=", "<=", ">", "<"})
REFUSED = {"REGEX": "a regular expression can hang the linter; use IN lists or a word class",
           "_": "extension attributes are not allowed",
           **{name: "fuzzy matching is not allowed; list the spellings with IN"
              for name in ["FUZZY", *(f"FUZZY{n}" for n in range(1, 10))]}}
SIMPLE_QUANTIFIERS = frozenset({"!", "?", "+", "*"})
_BOUNDED = re.compile(r"^\{(\d{1,6})\}$|^\{(\d{0,6}),(\d{1,6})\}$")
MAX_REPEAT = 10
_CLASS_OPERATOR_NAMES = frozenset(CLASS_OPERATORS)
MAX_UNBOUNDED = 3  # '*' and '+' in one token pattern
MAX_TOKENS = 40
MAX_NODES = 12
DEPENDENCY_KEYS = frozenset({"RIGHT_ID", "RIGHT_ATTRS", "LEFT_ID", "REL_OP"})
REL_OPS = frozenset("< > << >> . .* ; ;* $+ $- $++ $-- >+ >- >++ >-- <+ <- <++ <--".split())


class PatternProblem(Exception):
    def __init__(self, why: str, line: int | None = None):
        super().__init__(why)
        self.why, self.line = why, line


def pattern_problem(pattern: Any, kind: str) -> tuple[str, int | None] | None:
    """(why, line) for the first thing wrong with one `tokens` or `dependency` pattern, or None."""
    try:
        if kind == "dependency":
            _check_dependency(pattern)
        else:
            _check_tokens(pattern)
    except PatternProblem as problem:
        return problem.why, problem.line
    return None


def _line(value: Any) -> int | None:
    return value.get(LINE_KEY) if isinstance(value, dict) else None


def _keys(spec: dict) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in spec.items() if key != LINE_KEY]


def _canonical(key: Any, allowed: frozenset[str], where: str, line: int | None) -> str:
    """The key in upper case, if allowed; refused keys are named whatever their case."""
    if not isinstance(key, str):
        raise PatternProblem(f"{where}: key {shown(key)} is not a name", line)
    upper = key.upper()
    if upper in REFUSED:
        raise PatternProblem(f"{where}: {key} is not allowed ({REFUSED[upper]})", line)
    if upper not in allowed:
        raise PatternProblem(f"{where}: unknown key {shown(key)}", line)
    if key != upper:
        # Downstream code (anchors, case folding, word classes) reads keys as spaCy documents them.
        raise PatternProblem(f"{where}: write {upper}, not {key}", line)
    return upper


def _check_tokens(pattern: Any) -> None:
    if not isinstance(pattern, list) or not pattern:
        raise PatternProblem("each pattern is a non-empty list of token specs")
    if len(pattern) > MAX_TOKENS:
        raise PatternProblem(f"a pattern has at most {MAX_TOKENS} tokens, this one {len(pattern)}", _line(pattern[0]))
    unbounded = 0
    for index, spec in enumerate(pattern, start=1):
        unbounded += _check_token(spec, f"token {index}", with_op=True)
        if unbounded > MAX_UNBOUNDED:
            raise PatternProblem(f"token {index}: at most {MAX_UNBOUNDED} '*' or '+' operators per pattern",
                                 _line(spec))


def _check_token(spec: Any, where: str, *, with_op: bool) -> int:
    """Check one token spec; returns 1 if its OP repeats without bound."""
    if not isinstance(spec, dict):
        raise PatternProblem(f"{where}: must be a mapping such as {{LOWER: word}}, not {type_name(spec)}")
    line = _line(spec)
    allowed = STRING_ATTRIBUTES | NUMBER_ATTRIBUTES | FLAG_ATTRIBUTES | ({"OP"} if with_op else frozenset())
    unbounded = 0
    for key, value in _keys(spec):
        name = _canonical(key, allowed, where, line)
        if name == "OP":
            unbounded = _check_op(value, where, line)
        elif name in FLAG_ATTRIBUTES:
            if not isinstance(value, bool):
                raise PatternProblem(f"{where}: {name} must be true or false, not {shown(value)}", line)
        elif name in NUMBER_ATTRIBUTES:
            _check_value(value, f"{where}: {name}", line, number=True)
        else:
            _check_value(value, f"{where}: {name}", line, number=False)
    return unbounded


def op_bounds(op: str | None) -> tuple[int, int | None]:
    """How many tokens a spec with this OP matches, at least and at most (None: no limit); an OP
    already checked (or spaCy's own, such as "{2,}")."""
    if not op:
        return 1, 1
    if op in ("!", "?"):
        return (1, 1) if op == "!" else (0, 1)
    if op in ("*", "+"):
        return (0 if op == "*" else 1), None
    low, comma, high = op.strip("{}").partition(",")
    if not comma:
        return int(low), int(low)
    return int(low or 0), (int(high) if high else None)


def _check_op(value: Any, where: str, line: int | None) -> int:
    if isinstance(value, str) and value in SIMPLE_QUANTIFIERS:
        return 1 if value in ("*", "+") else 0
    match = _BOUNDED.match(value) if isinstance(value, str) else None
    if match:
        exact, low, high = match.groups()
        top = int(exact if exact is not None else high)
        if (low and int(low) > top) or top > MAX_REPEAT:
            raise PatternProblem(f"{where}: OP {value} must be {{n}} or {{n,m}} with n <= m <= {MAX_REPEAT}", line)
        return 0
    raise PatternProblem(
        f"{where}: OP must be one of ! ? + * or {{n}}, {{n,m}} with m <= {MAX_REPEAT}, not {shown(value)}", line)


def _is_scalar(value: Any, number: bool) -> bool:
    if number:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, str)


def _check_value(value: Any, where: str, line: int | None, *, number: bool) -> None:
    if _is_scalar(value, number):
        return
    if not isinstance(value, dict):
        kind = "a number" if number else "a string"
        raise PatternProblem(f"{where}: must be {kind} or a mapping of operators, not {type_name(value)}", line)
    operators = LIST_OPERATORS | (COMPARISONS if number else _CLASS_OPERATOR_NAMES)
    entries = _keys(value)
    if not entries:
        raise PatternProblem(f"{where}: an empty mapping matches nothing", line)
    for key, operand in entries:
        operator = _canonical(key, operators, where, line)
        if operator in COMPARISONS:
            if not _is_scalar(operand, True):
                raise PatternProblem(f"{where}: {operator} needs a number, not {shown(operand)}", line)
        elif operator in CLASS_OPERATORS:
            names = [operand] if isinstance(operand, str) else operand
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise PatternProblem(f"{where}: {operator} needs a word class name or a list of them", line)
        elif not isinstance(operand, list) or not all(type(v) is int if number else isinstance(v, str) for v in operand):
            kind = "whole numbers" if number else "strings"
            raise PatternProblem(f"{where}: {operator} needs a list of {kind}", line)


def _check_dependency(pattern: Any) -> None:
    if not isinstance(pattern, list) or not pattern:
        raise PatternProblem("each pattern is a non-empty list of nodes")
    if len(pattern) > MAX_NODES:
        raise PatternProblem(f"a pattern has at most {MAX_NODES} nodes, this one {len(pattern)}", _line(pattern[0]))
    seen: set[str] = set()
    for index, node in enumerate(pattern, start=1):
        where = f"node {index}"
        if not isinstance(node, dict):
            raise PatternProblem(f"{where}: must be a mapping with RIGHT_ID and RIGHT_ATTRS, not {type_name(node)}")
        line = _line(node)
        names = {_canonical(key, DEPENDENCY_KEYS, where, line) for key, _ in _keys(node)}
        needed = {"RIGHT_ID", "RIGHT_ATTRS"} | ({"LEFT_ID", "REL_OP"} if index > 1 else set())
        if index == 1 and names & {"LEFT_ID", "REL_OP"}:
            raise PatternProblem(f"{where}: the first node is the anchor and has no LEFT_ID or REL_OP", line)
        if needed - names:
            raise PatternProblem(f"{where}: needs {', '.join(sorted(needed - names))}", line)
        right_id = node["RIGHT_ID"]
        if not isinstance(right_id, str) or not right_id or right_id in seen:
            raise PatternProblem(f"{where}: RIGHT_ID must be a name not used by an earlier node", line)
        if index > 1:
            if not isinstance(node["LEFT_ID"], str) or node["LEFT_ID"] not in seen:
                raise PatternProblem(f"{where}: LEFT_ID must name an earlier node's RIGHT_ID", line)
            if node["REL_OP"] not in REL_OPS:
                raise PatternProblem(f"{where}: REL_OP must be one of {' '.join(sorted(REL_OPS))}, "
                                     f"not {shown(node['REL_OP'])}", line)
        seen.add(right_id)
        _check_token(node["RIGHT_ATTRS"], f"{where}: RIGHT_ATTRS", with_op=False)
