"""Template syntax as neutral placeholders: Jinja/Liquid, Handlebars and merge tags.

An output placeholder ({{ product }}) becomes the neutral noun "item" padded with spaces, so the
sentence around it still parses ("Your {{ product }} has shipped") but nothing in it can trigger a
rule. A placeholder for the reader's name ({{ first_name }}, *|FNAME|*) becomes a first name
instead: the reader sees their name either way, and a name is personal data (pyramid level 4,
Malaviya & Spargo), so "Hi {{ first_name }}" must be judged as "Hi Maria" is, in `check` as in
`batch`. Control blocks ({% if %}, {{#each}}) and template comments become spaces.
Everything keeps its length, so offsets are unchanged.
"""

from __future__ import annotations

import re

from .textscan import blank, next_of, replace_spans

PLACEHOLDER_WORD = "item"
NAME_WORD = "Alex"  # tagged PROPN in a greeting, as a rendered first name is
# Variable names that hold the reader's own name, compared without case, separators or a prefix
# path ({{ customer.first_name }}, *|FNAME|*, %%FirstName%%).
_NAME_VARIABLES = frozenset({
    "name", "firstname", "fname", "first", "givenname", "forename", "fullname", "lastname", "lname",
    "surname", "nickname", "preferredname", "displayname", "customername", "contactname",
    "recipientname", "subscribername", "membername", "username",
})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
# Control syntax, tried in this order at each "{": (opener, the closer that ends it first).
_CONTROL = (
    (re.compile(r"\{%"), "%}"),                      # Jinja / Liquid tags: {% if %}, {%- endfor -%}
    (re.compile(r"\{#"), "#}"),                      # Jinja comments
    (re.compile(r"\{\{!--"), "--}}"),                 # Handlebars long comments
    (re.compile(r"\{\{~?\s*[#/^>!]"), "}}"),           # Handlebars blocks, partials, comments: {{#if}}, {{> footer}}
    (re.compile(r"\{\{~?\s*else\b"), "}}"),           # {{else}}
)
_MERGE_TAG = re.compile(r"\*\|[A-Za-z0-9_:-]+\|\*|%%[A-Za-z0-9_]+%%")  # *|FNAME|*, %%first_name%%
_OUTPUT_START = re.compile(r"\{\{|" + _MERGE_TAG.pattern)


def names_the_reader(placeholder: str) -> bool:
    """True for a placeholder whose variable is the reader's name: {{ first_name }}, *|FNAME|*."""
    found = _IDENTIFIER.search(placeholder.strip("{}*|% ~-"))
    if found is None:
        return False
    variable = found.group().split(".")[-1]
    return "".join(ch for ch in variable.lower() if ch.isalnum()) in _NAME_VARIABLES


def _placeholder(text: str) -> str:
    word = NAME_WORD if names_the_reader(text) else PLACEHOLDER_WORD
    if len(text) < len(word) or "\n" in text:
        return blank(text)
    return word + " " * (len(text) - len(word))


def _openers(alternatives) -> re.Pattern:
    return re.compile("|".join(opener.pattern for opener, _ in alternatives))


def _control_spans(text: str) -> list[tuple[int, int]]:
    """What `{%.*?%}|{#.*?#}|...` (DOTALL) finds, in one linear pass."""
    closers = {closer: next_of(text, closer) for _, closer in _CONTROL}
    alternatives, openers = _CONTROL, _openers(_CONTROL)
    spans, position = [], 0
    while (candidate := openers.search(text, position)) is not None:
        start = candidate.start()
        for opener, closer in alternatives:
            opened = opener.match(text, start)
            if opened:
                end = closers[closer](opened.end())
                if end < len(text):
                    spans.append((start, end + len(closer)))
                    position = end + len(closer)
                    break
                # No such closer after here: this kind of tag cannot close again; stop looking for it.
                alternatives = tuple(alt for alt in alternatives if alt[1] != closer)
                if not alternatives:
                    return spans
                openers = _openers(alternatives)
        else:
            position = start + 1
    return spans


def _output_spans(text: str) -> list[tuple[int, int]]:
    """What the DOTALL regex `{{{?.*?}?}}` (or a merge tag) finds, in one linear pass."""
    find_close = next_of(text, "}}")
    starts = _OUTPUT_START
    spans, position = [], 0
    while (found := starts.search(text, position)) is not None:
        start = found.start()
        if found.group() == "{{":
            body = start + 3 if text.startswith("{{{", start) else start + 2
            end = find_close(body)
            if end < len(text):
                end += 3 if text.startswith("}}}", end) else 2
                spans.append((start, end))
                position = end
                continue
            starts = _MERGE_TAG  # no "}}" after this "{{", so none after any later one
            continue
        spans.append(found.span())  # a merge tag
        position = found.end()
    return spans


def widen_to_placeholders(text: str, start: int, end: int) -> tuple[int, int]:
    """A span of `text` (the original) widened to whole output placeholders it cuts into: a match on
    a placeholder's stand-in word ("Hi Alex") must point at the placeholder as written
    ("Hi {{ first_name }}"), not at its first characters."""
    if not any(opener in text[start:end] for opener in ("{{", "*|", "%%")):
        return start, end
    window_end = min(len(text), end + 2_000)  # a placeholder longer than this is not one we made
    for span_start, span_end in _output_spans(text[start:window_end]):
        if start + span_start < end < start + span_end:
            end = start + span_end
    return start, end


def neutralize_templates(text: str) -> str:
    if "{" not in text and "*|" not in text and "%%" not in text:
        return text
    text = replace_spans(text, _control_spans(text), blank)
    return replace_spans(text, _output_spans(text), _placeholder)
