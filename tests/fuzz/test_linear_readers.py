"""The masking scans of Markdown, templates and directives: the same output as the regular
expressions they replace, and linear time on the unclosed delimiters that made those quadratic."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msglint.sources.directives import mask_comments, parse_directives
from msglint.sources.readers.html import read_html
from msglint.sources.readers.markdown import read_markdown
from msglint.sources.templates import neutralize_templates

pytestmark = pytest.mark.fuzz

_BLANK = lambda m: "".join("\n" if c == "\n" else " " for c in m.group())  # noqa: E731
_OLD_CONTROL = re.compile(r"\{%.*?%\}|\{#.*?#\}|\{\{!--.*?--\}\}|\{\{~?\s*[#/^>!].*?~?\}\}|\{\{~?\s*else\b.*?\}\}", re.DOTALL)
_OLD_OUTPUT = re.compile(r"\{\{\{?.*?\}?\}\}|\*\|[A-Za-z0-9_:-]+\|\*|%%[A-Za-z0-9_]+%%", re.DOTALL)
_OLD_COMMENT = re.compile(r"<!--\s*(msglint(?:-|:)[^\n]*?)\s*-->|\{#\s*(msglint(?:-|:).*?)\s*#\}", re.DOTALL)


def old_templates(text: str) -> str:
    def placeholder(m):
        return _BLANK(m) if len(m.group()) < 4 or "\n" in m.group() else "item" + " " * (len(m.group()) - 4)
    return _OLD_OUTPUT.sub(placeholder, _OLD_CONTROL.sub(_BLANK, text))


def old_directive_spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), (m.group(1) or m.group(2)).strip()) for m in _OLD_COMMENT.finditer(text)]


template_text = st.lists(st.sampled_from(["{", "}", "{{", "}}", "%", "#", "!", "-", "~", " ", "\n", "a", "else", "*|",
                                          "|*", "A", "%%", "/", ">"]), max_size=40).map("".join)
comment_text = st.lists(st.sampled_from(["<!--", "-->", "{#", "#}", " ", "\n", "msglint", "-", ":", "disable",
                                         "x", "msglint-disable ", "msglint: a=1"]), max_size=25).map("".join)


@given(template_text)
def test_templates_as_the_regex_did(text):
    assert neutralize_templates(text) == old_templates(text)


@given(comment_text)
def test_directive_comments_as_the_regex_found(text):
    spans = [(d.start, d.end) for d in parse_directives(text)]
    # "msglint:" with no key=value sets nothing, so it is no directive
    expected = [(start, end) for start, end, body in old_directive_spans(text)
                if (body.startswith("msglint:") and any("=" in pair for pair in body[8:].split())) or any(body.startswith(f"msglint-{k}") and
                                                       (len(body) == len(k) + 8 or body[len(k) + 8].isspace())
                                                       for k in ("disable-next-line", "disable", "enable"))]
    assert sorted(set(spans)) == sorted(set(expected))


@given(comment_text)
def test_mask_comments_as_the_regex_did(text):
    assert mask_comments(text) == re.sub(r"<!--.*?-->", _BLANK, text, flags=re.DOTALL)


@given(st.lists(st.sampled_from(["**", "__", "*", "_", "a", " ", "\n", "[", "]", "(", ")", "!", "<http:", ">", "`",
                                 "# ", "- "]), max_size=30).map("".join))
def test_markdown_keeps_length_and_lines(text):
    out = read_markdown(text)
    assert len(out) == len(text)
    assert [i for i, c in enumerate(out) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]


@pytest.mark.parametrize(("reader", "unit"), [
    (read_markdown, "**a "), (read_markdown, "__a "), (read_markdown, "[a]("), (read_markdown, "[a"),
    (read_markdown, "<http:a"),
    (neutralize_templates, "{{ a "), (neutralize_templates, "{% a "), (neutralize_templates, "{# a "),
    (neutralize_templates, "{{# a "), (neutralize_templates, "{{{ a "), (neutralize_templates, "{{!-- a "),
    (mask_comments, "<!-- a "), (parse_directives, "<!-- msglint: a "), (parse_directives, "{# msglint-disable "),
    (read_html, "<!-- a "), (read_html, "<a b='"), (read_html, "<img alt="), (read_html, "<!--x>"),
    (read_html, "<a b='>'"), (read_html, "<!DOCTYPE "), (read_html, "<?x "),
], ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_regression_unclosed_delimiters_are_linear(reader, unit):
    """issue 13: masking regexes were quadratic on unclosed **, [a](, {{, {%, <!--; html.parser on
    unclosed comments, declarations and quoted attributes. 40,000 repetitions took minutes."""
    started = time.perf_counter()
    reader(unit * 40_000)
    assert time.perf_counter() - started < 5


def test_regression_unknown_marked_section_is_not_an_internal_error():
    """html.parser raised AssertionError ("unknown status keyword") on <![x ...]]>."""
    text, _ = read_html("<p><![x a]]> Thanks <![CDATA[y]]> for waiting</p>")
    assert " ".join(text.split()) == "Thanks for waiting"


def test_lone_less_than_signs_stay_in_the_text():
    text, _ = read_html("<p>1 < 2 &amp; 3 <x")
    assert text.strip() == "1 < 2 & 3 <x"


_OLD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def _old_blank_groups(match, keep):
    out = list(_BLANK(match))
    start = match.start(keep) - match.start()
    out[start: start + len(match.group(keep))] = match.group(keep)
    return "".join(out)


@given(st.lists(st.sampled_from(["**", "__", "a", " ", "\n", "*a", "b_"]), max_size=20).map("".join))
def test_strong_as_the_regex_did(text):
    from msglint.sources.readers.markdown import _replace_strong

    assert _replace_strong(text) == _OLD_STRONG.sub(lambda m: _old_blank_groups(m, 2), text)


def test_one_unterminated_tag_leaves_later_markup_alone():
    text, _ = read_html("<p>Hi <a b='x> there</p><b>Nicely</b> <i>done</i>")
    assert " ".join(text.split()) == "Hi <a b='x> there Nicely done"
