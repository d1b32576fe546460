"""Rule documentation, generated from the rule definitions (What it flags / Why / Example / Use instead).

A rule's message and suggestion are templates filled per finding ({level}, {selector}); where no
finding is at hand (`msglint rules`, `explain`, SARIF rule descriptors) they are read in words.
"""

from __future__ import annotations

import re
import textwrap

from ..sources.directives import covers
from ..errors import MsglintError
from ..levels import level_name
from .loading import Rule, RuleSet

# What each placeholder stands for when no finding fills it.
_IN_WORDS = {
    "level": "a level above the allowed band",
    "customer_level": "their recorded level",
    "max_level": "the customer's level plus one",
    "max_level_example": "an example of copy at that level",
    "selector": "an unknown rule",
}
_LEVEL_WITH_NAME = re.compile(r"level \{([a-z_]+)\} \(\{\1_name\}\)")  # "level {x} ({x_name})" as one phrase
_QUOTED = re.compile(r"'\{([a-z_]+)\}'")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")  # as msglint.analysis.engine.render fills them


def in_words(template: str) -> str:
    """A message or suggestion template with its placeholders read generically."""

    def words(match: re.Match) -> str:
        name = match.group(1)
        return _IN_WORDS.get(name, f"<{name.replace('_', ' ')}>")

    for pattern in (_LEVEL_WITH_NAME, _QUOTED, _PLACEHOLDER):
        template = pattern.sub(words, template)
    return template


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
        "What it flags\n" + textwrap.fill(in_words(rule.description or rule.message), 100),
        "Why it matters\n" + textwrap.fill(rule.why, 100),
    ]
    if rule.suggest:
        sections.append("Use instead\n" + textwrap.fill(in_words(rule.suggest), 100))
    if rule.classes and classes:
        sections.append("Word classes it uses (msglint explain CLASS lists every word)\n" + _class_lines(rule, classes))
    verb = "fire" if rule.reports_findings else "count as evidence"
    sections.append(f"Examples that {verb}\n" + "\n".join(_example_line(e) for e in rule.flag_examples))
    sections.append("Examples that do not\n" + "\n".join(_example_line(e) for e in rule.pass_examples))
    return "\n\n".join(sections)


def rule_line(rule: Rule, width: int) -> str:
    """One line of `msglint rules`: id, category, severity, level, message."""
    level = f"L{rule.level}" if rule.level else "  "
    return f"{rule.id:<{width}}  {rule.category:<10} {rule.severity or '-':<7} {level}  {in_words(rule.message)}"


def families(ruleset: RuleSet) -> list[str]:
    return sorted({rule.id.split(".")[0] for rule in ruleset.rules})


def explain(ruleset: RuleSet, selector: str) -> str:
    """One rule's documentation, a word class's words, or for a family (as --select takes it) the
    rules it covers."""
    if selector in ruleset.ids:
        return explain_rule(ruleset.get(selector), ruleset.classes)
    if selector in ruleset.classes:
        return explain_class(ruleset.classes[selector])
    covered = sorted((rule for rule in ruleset.rules if covers(selector, rule.id)), key=lambda r: r.id)
    if not covered:
        raise MsglintError(f"unknown rule {selector!r}, nor a family (families: {', '.join(families(ruleset))}) "
                           "nor a word class; see 'msglint rules' and 'msglint explain CLASS'")
    width = max(len(rule.id) for rule in covered)
    title = f"{selector}: {len(covered)} rule{'s' if len(covered) != 1 else ''}"
    return "\n".join([title, "=" * len(title), *(rule_line(rule, width) for rule in covered), "",
                      f"'msglint explain {covered[0].id}' documents " + ("it." if len(covered) == 1 else "one of them.")])
