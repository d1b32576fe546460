"""Template syntax as neutral placeholders: Jinja/Liquid, Handlebars and merge tags.

An output placeholder ({{ first_name }}, *|FNAME|*) becomes the neutral noun "item" padded with
spaces, so the sentence around it still parses ("Your {{ product }} has shipped") but nothing in it
can trigger a rule. Control blocks ({% if %}, {{#each}}) and template comments become spaces.
Everything keeps its length, so offsets are unchanged.
"""

from __future__ import annotations

import re

PLACEHOLDER_WORD = "item"
_CONTROL = re.compile(
    r"\{%.*?%\}"                   # Jinja / Liquid tags: {% if %}, {%- endfor -%}
    r"|\{#.*?#\}"                  # Jinja comments
    r"|\{\{!--.*?--\}\}"           # Handlebars long comments
    r"|\{\{~?\s*[#/^>!].*?~?\}\}"   # Handlebars blocks, partials, comments: {{#if}}, {{/if}}, {{> footer}}
    r"|\{\{~?\s*else\b.*?\}\}",     # {{else}}
    re.DOTALL,
)
_OUTPUT = re.compile(r"\{\{\{?.*?\}?\}\}|\*\|[A-Za-z0-9_:-]+\|\*|%%[A-Za-z0-9_]+%%", re.DOTALL)


def _blank(match: re.Match) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in match.group())


def _placeholder(match: re.Match) -> str:
    text = match.group()
    if len(text) < len(PLACEHOLDER_WORD) or "\n" in text:
        return _blank(match)
    return PLACEHOLDER_WORD + " " * (len(text) - len(PLACEHOLDER_WORD))


def neutralize_templates(text: str) -> str:
    if "{" not in text and "*|" not in text and "%%" not in text:
        return text
    return _OUTPUT.sub(_placeholder, _CONTROL.sub(_blank, text))
