"""The six levels of the Customer Relationship Pyramid (Malaviya & Spargo, INSEAD 2002/41/MKT)."""

from __future__ import annotations

from .errors import MsglintError

LEVEL_NAMES: dict[int, str] = {
    1: "utility",
    2: "convenience",
    3: "feeling at ease",
    4: "personal recognition",
    5: "self-expression",
    6: "co-creation",
}

# Spellings accepted on the command line and in config, besides the number and the name itself.
_ALIASES = {
    "feeling-at-ease": 3,
    "at-ease": 3,
    "ease": 3,
    "personal-recognition": 4,
    "recognition": 4,
    "self expression": 5,
    "cocreation": 6,
    "co creation": 6,
}


def level_name(level: int) -> str:
    return LEVEL_NAMES[level]


def parse_level(value: object, *, where: str) -> int | None:
    """Turn 1-6, '3', 'convenience' or 'feeling-at-ease' into a level; None/'unknown' stay unknown."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise MsglintError(f"{where}: customer level must be 1-6 or a level name, not {value!r}")
    if isinstance(value, int):
        if value in LEVEL_NAMES:
            return value
        raise MsglintError(f"{where}: customer level must be 1-6, not {value}")
    text = str(value).strip().lower()
    if text in ("", "unknown", "none"):
        return None
    if text.isascii() and text.isdigit():  # not int() of a superscript digit
        return parse_level(int(text), where=where)
    by_name = {name: number for number, name in LEVEL_NAMES.items()}
    if text in by_name:
        return by_name[text]
    if text in _ALIASES:
        return _ALIASES[text]
    choices = ", ".join(f"{n} {name}" for n, name in LEVEL_NAMES.items())
    raise MsglintError(f"{where}: unknown customer level {value!r} (use 1-6 or a name: {choices})")
