"""Markdown: the words of headings, lists, emphasis and links stay; the syntax becomes spaces.

Every replacement keeps the length, so offsets into the copy are offsets into the file.
"""

from __future__ import annotations

import re


def _blank(text: str) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in text)


def _blank_groups(match: re.Match, keep: int) -> str:
    """Blank the whole match except group `keep`."""
    out = list(_blank(match.group()))
    start = match.start(keep) - match.start()
    out[start: start + len(match.group(keep))] = match.group(keep)
    return "".join(out)


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_IMAGE_OR_LINK = re.compile(r"!?\[([^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^>\s]+>")
_LINE_MARKERS = re.compile(r"^([ \t]*)(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)", re.MULTILINE)
_RULE_OR_TABLE_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$|^[ \t|:-]*-{3,}[ \t|:-]*$", re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*])")


def read_markdown(text: str) -> str:
    text = _FENCE.sub(lambda m: _blank(m.group()), text)
    text = _INLINE_CODE.sub(lambda m: _blank(m.group()), text)
    text = _IMAGE_OR_LINK.sub(lambda m: _blank_groups(m, 1), text)
    text = _AUTOLINK.sub(lambda m: _blank(m.group()), text)
    text = _RULE_OR_TABLE_RULE.sub(lambda m: _blank(m.group()), text)
    text = _LINE_MARKERS.sub(lambda m: m.group(1) + _blank(m.group(2)), text)
    for pattern in (_STRONG, _EMPHASIS):
        text = pattern.sub(lambda m: _blank_groups(m, 2), text)
    return text.replace("|", " ")
