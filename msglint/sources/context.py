"""The relationship a message is judged against, and the merge of its sources."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping

from .directives import front_matter_problem
from ..errors import MsglintError
from ..levels import parse_level
from ..quoting import shown

RELATIONSHIPS = ("instrumental", "expressive")
# Diller's four relationship styles; most customers want top-down.
STYLES = ("top-down", "co-created", "improvisational", "bottom-up")

CONTEXT_KEYS = ("relationship", "customer-level", "style")


@dataclass(frozen=True)
class Context:
    relationship: str = "instrumental"
    customer_level: int | None = None
    style: str = "top-down"

    def as_dict(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship,
            "customer_level": self.customer_level,
            "style": self.style,
        }


def parse_context_fields(raw: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """Validate the context keys of a config section, front matter or CLI; unknown keys are ignored."""
    out: dict[str, Any] = {}
    problem = front_matter_problem(raw.get("msglint"))  # front matter's own directive, checked up front
    if problem:
        raise MsglintError(f"{where}: msglint: {problem}")
    if raw.get("relationship") is not None:
        out["relationship"] = _choice(raw["relationship"], RELATIONSHIPS, f"{where}: relationship")
    for key in ("customer-level", "customer_level"):
        if key in raw:
            out["customer_level"] = parse_level(raw[key], where=f"{where}: {key}")
    if raw.get("style") is not None:
        out["style"] = _choice(raw["style"], STYLES, f"{where}: style")
    return out


def _choice(value: Any, choices: tuple[str, ...], where: str) -> str:
    # Only a string is a choice: str() of a list or a mapping would hide the author's mistake.
    text = value.strip().lower() if isinstance(value, str) else None
    if text not in choices:
        raise MsglintError(f"{where} must be one of {', '.join(choices)}, not {shown(value)}")
    return text


def merge_context(layers: list[tuple[str, Mapping[str, Any]]]) -> Context:
    """Apply parsed layers, named for error messages and debugging, from lowest to highest
    precedence onto the built-in defaults."""
    context = Context()
    for _, values in layers:
        context = replace(context, **values)
    return context
