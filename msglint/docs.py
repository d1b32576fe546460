"""Rule documentation, generated from the rule definitions (What it flags / Why / Example / Use instead)."""

from __future__ import annotations

import textwrap

from .levels import level_name
from .ruleset import Rule


def _example_line(example) -> str:
    context = ", ".join(f"{k.replace('_', '-')}: {v}" for k, v in example.context.items())
    return f"  - {example.text}" + (f"   [{context}]" if context else "")


def _class_lines(rule: Rule, classes: dict) -> str:
    lines = []
    for name in rule.classes:
        word_class = classes.get(name)
        if word_class is None:
            continue
        shown = ", ".join(word_class.words[:12]) + (", ..." if len(word_class.words) > 12 else "")
        lines.append(f"  - {name} ({len(word_class.words)} words; {word_class.source}:{word_class.line}): {shown}")
    return "\n".join(lines)


def explain_class(word_class) -> str:
    """One word class: what it holds, where it comes from, and every word."""
    header = [word_class.name, "=" * len(word_class.name)]
    facts = [f"word class: {len(word_class.words)} words", f"defined in: {word_class.source}:{word_class.line}"]
    sections = ["\n".join(header), "\n".join(facts), "What it holds\n" + textwrap.fill(word_class.description, 100)]
    if word_class.origin:
        sections.append("Where the words come from\n" + textwrap.fill(" ".join(word_class.origin.split()), 100))
    sections.append("Words\n" + textwrap.fill(", ".join(word_class.words), 100))
    return "\n\n".join(sections)


def explain_rule(rule: Rule, classes: dict | None = None) -> str:
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
    if rule.classes and classes:
        sections.append("Word classes it uses (msglint explain CLASS lists every word)\n" + _class_lines(rule, classes))
    verb = "fire" if rule.reports_findings else "count as evidence"
    sections.append(f"Examples that {verb}\n" + "\n".join(_example_line(e) for e in rule.flag_examples))
    sections.append("Examples that do not\n" + "\n".join(_example_line(e) for e in rule.pass_examples))
    return "\n\n".join(sections)
