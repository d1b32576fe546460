"""Rule documentation, generated from the rule definitions (What it flags / Why / Example / Use instead)."""

from __future__ import annotations

import textwrap

from .levels import level_name
from .ruleset import Rule


def _example_line(example) -> str:
    context = ", ".join(f"{k.replace('_', '-')}: {v}" for k, v in example.context.items())
    return f"  - {example.text}" + (f"   [{context}]" if context else "")


def explain_rule(rule: Rule) -> str:
    applies = "; ".join(f"{k} is {' or '.join(v)}" for k, v in rule.applies_when.items()) or "always"
    header = [f"{rule.id}", "=" * len(rule.id)]
    facts = [f"category: {rule.category}"]
    if rule.severity:
        facts.append(f"severity: {rule.severity}")
    if rule.level:
        facts.append(f"pyramid level: {rule.level} ({level_name(rule.level)})")
    facts.append(f"applies when: {applies}")
    facts.append(f"defined in: {rule.source}:{rule.line}")
    sections = [
        "\n".join(header),
        "\n".join(facts),
        "What it flags\n" + textwrap.fill(rule.description or rule.message, 100),
        "Why it matters\n" + textwrap.fill(rule.why, 100),
    ]
    if rule.suggest:
        sections.append("Use instead\n" + textwrap.fill(rule.suggest, 100))
    verb = "fire" if rule.reports_findings else "count as evidence"
    sections.append(f"Examples that {verb}\n" + "\n".join(_example_line(e) for e in rule.flag_examples))
    sections.append("Examples that do not\n" + "\n".join(_example_line(e) for e in rule.pass_examples))
    return "\n\n".join(sections)
