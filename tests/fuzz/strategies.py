"""Generators of the inputs msglint reads: messages in every format, configs and rule files."""

from __future__ import annotations

import yaml
from hypothesis import strategies as st

WORDS = ["Nicely done!", "You've been selected.", "Congratulations", "We miss you", "Shoes 30% off.", "your",
         "order", "has shipped", "Dear friend,", "you deserve it", "exclusive", "just for you", "thanks", " ", "\n",
         "\n\n", "\t", "é", "’", "“", "\u2028", "\u0085", "\ufeff", "\x0c", "&amp;", "&#x2764;", "&bogus;", "\r\n"]
MARKUP = {
    ".md": ["**", "__", "*", "_", "[a](", "[", "](", ")", "`", "```\n", "~~~\n", "# ", "> ", "- ", "1. ", "---\n",
            "|", "<http:", "<https://x.y>", "![alt](", "<!--", "-->"],
    ".html": ["<p>", "</p>", "<br>", "<b>", "<!--", "-->", "<a b='", "<img alt='", "'>", "<script>", "</script>",
              "<title>", "</title>", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml ?>", "<", ">", "&", "\"", "'",
              "<style>", "</style>", "<td>", "</"],
    ".txt": ["<!--", "-->", "{{", "}}"],
    ".j2": ["{{ first_name }}", "{{", "}}", "{%", "%}", "{% if x %}", "{% endif %}", "{#", "#}", "*|FNAME|*", "%%a%%"],
    ".hbs": ["{{#if a}}", "{{/if}}", "{{else}}", "{{!--", "--}}", "{{{", "}}}", "{{> footer}}", "{{", "}}", "~"],
}
DIRECTIVES = ["<!-- msglint-disable -->", "<!-- msglint-enable -->", "<!-- msglint-disable expressive -->",
              "<!-- msglint-disable-next-line expressive.unearned-praise -->", "<!-- msglint-disable nosuch.rule -->",
              "<!-- msglint: relationship=expressive -->", "<!-- msglint: customer-level=3 -->",
              "<!-- msglint: customer-level=² -->", "<!-- msglint: customer-level=9 -->", "<!-- msglint: style=x -->",
              "{# msglint-disable expressive #}", "<!-- msglint: disable=a,b relationship=instrumental -->",
              "<!-- msglint:", "{# msglint-"]
FRONT_MATTER = ["---\nrelationship: expressive\n---\n", "---\ncustomer-level: 2\n---\n", "---\n[1, 2]\n---\n",
                "---\ncustomer-level: [1]\n---\n", "---\nmsglint: disable=expressive\n---\n",
                "---\nmsglint: {disable: [1, 2]}\n---\n", "---\nmsglint: 5\n---\n", "---\nstyle: {a: b}\n---\n",
                "---\na: &a [x, x, x]\nb: [*a, *a, *a]\n---\n", "---\nrelationship: [unclosed\n---\n",
                "---\n" + "[" * 70 + "\n---\n", "---\ncustomer-level: 2.0\n---\n", "---\n---\n", "---\n"]


def message_bodies(suffix: str):
    fragments = st.sampled_from(WORDS + MARKUP.get(suffix, []) + DIRECTIVES)
    mixed = st.one_of(fragments, fragments, st.text(max_size=12))
    body = st.lists(mixed, max_size=30).map("".join)
    return st.tuples(st.sampled_from([""] * 3 + FRONT_MATTER), body).map("".join)


# Values of any YAML type, with the shapes that broke configs: lists where strings belong, numbers
# where names belong, mappings inside lists.
yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=False, width=32),
                         st.sampled_from(["error", "warning", "info", "off", "expressive", "instrumental", "3",
                                          "convenience", "top-down", "en_core_web_sm", "**/*.txt", "", "²", "x"]))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                 st.dictionaries(st.sampled_from(["files", "expressive", "a", "relationship", "customer-level"]), inner, max_size=3)),
                           max_leaves=8)
CONFIG_KEYS = ["fail-on", "model", "rules", "select", "ignore", "severity", "overrides", "relationship",
               "customer-level", "style", "unknown-key"]
configs = st.dictionaries(st.one_of(st.sampled_from(CONFIG_KEYS), st.integers(0, 3)), yaml_values, max_size=4)


def config_yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True)


def _toml_value(value) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        items = [(k, _toml_value(v)) for k, v in value.items()]
        return None if any(v is None for _, v in items) else "{" + ", ".join(f'"{k}" = {v}' for k, v in items) + "}"
    return None


def config_toml(data) -> str:
    lines = ["[tool.msglint]"]
    for key, value in data.items():
        rendered = _toml_value(value)
        if rendered is not None:
            lines.append(f'"{key}" = {rendered}')
    return "\n".join(lines) + "\n"


# Rule patterns: allowed, refused and made-up keys in any case, with values of every type.
TOKEN_KEYS = ["LOWER", "lower", "LEMMA", "ORTH", "POS", "DEP", "IS_PUNCT", "LENGTH", "OP", "op", "REGEX", "regex",
              "FUZZY", "fuzzy3", "FUZZY9", "_", "NOT_AN_ATTR", "TEXT", "IS_SENT_START"]
VALUE_OPS = ["IN", "NOT_IN", "in", "REGEX", "regex", "FUZZY1", "fuzzy", "CLASS", "NOT_CLASS", "==", ">=", "IS_SUBSET",
             "bogus"]
OPS = ["!", "?", "+", "*", "{2}", "{0,3}", "{1,10}", "{0,100000}", "{3,1}", "{,4}", "{2,}", "bogus", "", "**"]
token_values = st.one_of(
    st.sampled_from(["nice", "done", "VERB", "ADJ", "nsubj", "^(a+)+$"]), st.booleans(), st.integers(0, 5),
    st.none(), st.dictionaries(st.sampled_from(VALUE_OPS),
                               st.one_of(st.lists(st.sampled_from(["nice", "done", "great"]), max_size=3),
                                         st.integers(0, 5), st.text(max_size=5)), min_size=1, max_size=2),
    st.lists(st.just("nice"), max_size=2))
token_specs = st.dictionaries(st.sampled_from(TOKEN_KEYS),
                              st.one_of(token_values, st.sampled_from(OPS)), max_size=3)
token_patterns = st.lists(token_specs, min_size=1, max_size=6)
dependency_nodes = st.fixed_dictionaries(
    {"RIGHT_ID": st.sampled_from(["a", "b", "c"]), "RIGHT_ATTRS": token_specs},
    optional={"LEFT_ID": st.sampled_from(["a", "b", "z"]), "REL_OP": st.sampled_from([">", "<", ">>", ".", "~", "?"])})
matches = st.one_of(
    st.fixed_dictionaries({"tokens": st.lists(token_patterns, min_size=1, max_size=2)}),
    st.fixed_dictionaries({"dependency": st.lists(st.lists(dependency_nodes, min_size=1, max_size=3),
                                                  min_size=1, max_size=2)}),
    st.fixed_dictionaries({"phrases": st.lists(st.sampled_from(["nicely done", "", "x"]), max_size=2)}),
)


def rule_file(match) -> str:
    rule = {"id": "house.fuzzed", "category": "expressive", "severity": "warning", "message": "m", "why": "w",
            "suggest": "s", "match": match, "examples": {"flag": ["Nicely done!"], "pass": ["Thanks."]}}
    return yaml.safe_dump({"rules": [rule]}, allow_unicode=True)


CHARSETS = ["utf-8", "us-ascii", "iso-8859-1", "hex", "idna", "utf-16", "utf-32", "rot13", "zlib", "bogus", "",
            "utf-8\"; x=\"y"]
ENCODINGS = ["7bit", "8bit", "quoted-printable", "base64", "x-uuencode", ""]
QP_BODIES = ["Nicely done!=20", "caf=C3=A9", "=C3", "=ZZ", "=4", "soft=\nbreak", "end=", "=\r\n", "=3D=3d", "h=00i=00"]


@st.composite
def emails(draw) -> str:
    depth = draw(st.integers(0, 3))
    subject = draw(st.sampled_from(["Nicely done!", "=?utf-8?q?Nicely_done!?=", "=?hex?q?41?=", "=?utf-8?b?####?=",
                                    "Hi\n there", ""]))
    charset, encoding = draw(st.sampled_from(CHARSETS)), draw(st.sampled_from(ENCODINGS))
    body = draw(st.one_of(st.sampled_from(QP_BODIES), st.sampled_from(["aGk=", "<p>Nicely done!</p>", "####"]),
                          st.text(max_size=20)))
    kind = draw(st.sampled_from(["text/plain", "text/html", "application/pdf"]))
    part = f"Content-Type: {kind}; charset={charset}\nContent-Transfer-Encoding: {encoding}\n\n{body}\n"
    for level in range(depth):
        part = (f"Content-Type: multipart/alternative; boundary=b{level}\n\n--b{level}\n{part}--b{level}--\n")
    return f"Subject: {subject}\n{part}"
