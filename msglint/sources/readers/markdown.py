"""Markdown: the words of headings, lists, emphasis and links stay; the syntax becomes spaces.

Every replacement keeps the length, so offsets into the copy are offsets into the file.
"""

from __future__ import annotations

import re

from ..textscan import NextMatch, blank


def _blank_groups(match: re.Match, keep: int) -> str:
    """Blank the whole match except group `keep`."""
    out = list(blank(match.group()))
    start = match.start(keep) - match.start()
    out[start: start + len(match.group(keep))] = match.group(keep)
    return "".join(out)


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.DOTALL | re.MULTILINE)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
# The link text holds no "[": from "[a [b](u)" the link is "[b](u)", as CommonMark reads it, and
# a long run of "[" costs one scan, not one per bracket.
_LINK_TEXT = re.compile(r"!?\[([^\[\]\n]*)\]")
# A URI in an autolink holds no "<" (CommonMark), which keeps "<http:<http:..." linear.
_AUTOLINK = re.compile(r"<(?:https?|mailto):[^<>\s]+>")
_LINE_MARKERS = re.compile(r"^([ \t]*)(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)", re.MULTILINE)
_RULE_OR_TABLE_RULE = re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$|^[ \t|:-]*-{3,}[ \t|:-]*$", re.MULTILINE)
_STRONG_OPENER = re.compile(r"(\*\*|__)(?=\S)")
_SINGLE_OPENER = {"**": re.compile(r"(\*\*)(?=\S)"), "__": re.compile(r"(__)(?=\S)")}
_STRONG_CLOSER = {"**": re.compile(r"(?<=\S)\*\*"), "__": re.compile(r"(?<=\S)__")}
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)([^*_\n]+?)(?<=\S)\1(?![\w*])")


def _keep_inner(text: str, start: int, inner_start: int, inner_end: int, end: int) -> str:
    return blank(text[start:inner_start]) + text[inner_start:inner_end] + blank(text[inner_end:end])


def _replace_links(text: str) -> str:
    """[text](url), [text][ref] and images: the text stays, the rest becomes spaces. One pass: the
    closing ")" or "]" is found once per scan position, not once per "[" (a lazy regex was n^2)."""
    close_paren, close_ref = NextMatch(text, r"[)\n]"), NextMatch(text, r"[\]\n]")
    parts, position, copied = [], 0, 0
    while (link := _LINK_TEXT.search(text, position)) is not None:
        after = link.end()
        opener = text[after: after + 1]
        end = (close_paren if opener == "(" else close_ref)(after + 1) if opener in ("(", "[") else len(text)
        if end < len(text) and text[end] == (")" if opener == "(" else "]"):
            parts += [text[copied: link.start()], _keep_inner(text, link.start(), *link.span(1), end + 1)]
            position = copied = end + 1
        else:
            position = link.start() + 1
    return "".join(parts) + text[copied:] if parts else text


def _replace_strong(text: str) -> str:
    """**strong** and __strong__ on one line: the words stay. One pass (see _replace_links)."""
    closers = {marker: NextMatch(text, pattern) for marker, pattern in _STRONG_CLOSER.items()}
    line_end = NextMatch(text, r"\n")
    parts, position, copied = [], 0, 0
    openers = _STRONG_OPENER
    while (opener := openers.search(text, position)) is not None:
        start, marker = opener.start(), opener.group(1)
        close = closers[marker](start + 3)
        if close == len(text):
            # No closer for this marker after here: only the other marker can still open.
            other = "__" if marker == "**" else "**"
            if openers is not _STRONG_OPENER or closers[other](start) == len(text):
                break
            openers = _SINGLE_OPENER[other]
            position = start + 1
            continue
        if close < line_end(start):
            parts += [text[copied:start], _keep_inner(text, start, start + 2, close, close + 2)]
            position = copied = close + 2
        else:
            position = start + 1
    return "".join(parts) + text[copied:] if parts else text


def read_markdown(text: str) -> str:
    text = _FENCE.sub(lambda m: blank(m.group()), text)
    text = _INLINE_CODE.sub(lambda m: blank(m.group()), text)
    text = _replace_links(text)
    text = _AUTOLINK.sub(lambda m: blank(m.group()), text)
    text = _RULE_OR_TABLE_RULE.sub(lambda m: blank(m.group()), text)
    text = _LINE_MARKERS.sub(lambda m: m.group(1) + blank(m.group(2)), text)
    text = _replace_strong(text)
    text = _EMPHASIS.sub(lambda m: _blank_groups(m, 2), text)
    return text.replace("|", " ")
