"""Quoting a user's value in a one-line error: short, on one line, and safe on any structure.

A value from YAML may be a list of a million items or refer to itself; repr() of it would flood
the terminal (or never end), so only its beginning is shown.
"""

from __future__ import annotations

import reprlib

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4
_REPR.maxstring = _REPR.maxother = 60
MAX_SHOWN = 80


def shown(value: object) -> str:
    text = " ".join(_REPR.repr(value).split())
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def type_name(value: object) -> str:
    """The YAML/TOML word for a value's type, for 'must be a string, not a list'."""
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
             dict: "a mapping", type(None): "empty"}
    return names.get(type(value), type(value).__name__)
