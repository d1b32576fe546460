"""Readers: what counts as copy in each format, and positions that point into the original file."""

from __future__ import annotations

import json

import pytest

from msglint.sources.message import message_from_text, read_message
from msglint.sources.templates import neutralize_templates

from .conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"


def findings(run_cli, *args):
    result = run_cli("check", "--format", "json", "--no-cache", *args)
    return result, json.loads(result.stdout)["files"][0]["findings"]


def spans(found):
    return [(f["rule"], f["line"], f["column"], f["end_line"], f["end_column"], f["excerpt"]) for f in found]


def test_html_positions_point_into_the_markup(run_cli):
    _, found = findings(run_cli, str(FIXTURES / "welcome.html"))
    assert spans(f for f in found if f["category"] == "expressive") == [
        # the hidden preheader counts; the entity &rsquo; is inside the span, as written
        ("expressive.false-selection", 8, 29, 8, 55, "You’ve been selected"),
        ("expressive.unearned-praise", 12, 8, 12, 19, "Nicely done"),
        # alt text counts; the title, the comment, the style and the script do not fire anything
        ("expressive.simulated-intimacy", 13, 30, 13, 41, "We miss you"),
    ]


def test_html_visible_text_only(tmp_path):
    message = read_message(str(FIXTURES / "welcome.html"))
    assert "Spring deals & more" in message.display  # <title>, entity decoded
    assert "We miss you & your style" in message.display  # alt text
    for hidden in ("color", "congratulations", "We love you", "hero.png"):
        assert hidden not in message.display
    assert "Hi Alex" in message.display  # {{ first_name }} stands in as a first name


def test_markdown_positions_and_syntax(run_cli):
    result, found = findings(run_cli, str(FIXTURES / "newsletter.md"))
    assert result.exit_code == 1
    assert spans(found) == [
        ("expressive.unearned-praise", 6, 5, 6, 20, "Congratulations"),
        ("pyramid.overreach", 6, 5, 6, 20, "Congratulations"),
        ("pyramid.overreach", 9, 1, 9, 19, "Express your style"),
    ]
    display = read_message(str(FIXTURES / "newsletter.md")).display
    assert "https://shop.example" not in display and "**" not in display and "`code`" not in display
    assert "here" in display  # link text stays


def test_eml_subject_and_8bit_body(run_cli):
    _, found = findings(run_cli, str(FIXTURES / "plain.eml"))
    assert spans(f for f in found if f["category"] == "expressive") == [
        ("expressive.false-selection", 3, 10, 3, 32, "You have been selected"),
        ("expressive.simulated-intimacy", 9, 1, 9, 12, "We miss you"),
    ]


def test_eml_quoted_printable_html_part(run_cli):
    _, found = findings(run_cli, str(FIXTURES / "quoted.eml"))
    assert spans(f for f in found if f["category"] == "expressive") == [
        # "You=E2=80=99ve": the three encoded bytes of the apostrophe are inside the span
        ("expressive.false-selection", 11, 4, 11, 29, "You’ve been given"),
        # after a soft line break ("wr=\n"), positions are still those of the file
        ("expressive.unearned-praise", 12, 23, 12, 34, "Nicely done"),
    ]
    assert read_message(str(FIXTURES / "quoted.eml")).display.startswith("Spring ✈ deals")  # RFC 2047 subject


def test_eml_base64_body_points_at_its_first_line(run_cli):
    _, found = findings(run_cli, str(FIXTURES / "base64.eml"))
    [selection] = [f for f in found if f["rule"] == "expressive.false-selection"]
    assert (selection["line"], selection["column"], selection["excerpt"]) == (7, 1, "You've won a prize")


def test_input_format_option_overrides_the_extension(run_cli, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<p>Nicely&nbsp;done!</p>\n")
    _, as_text = findings(run_cli, str(page))
    _, as_html = findings(run_cli, "--input-format", "html", str(page))
    assert [f["excerpt"] for f in as_html if f["category"] == "expressive"] == ["Nicely done"]
    assert (as_html[0]["column"], as_html[0]["end_column"]) == (4, 20)  # the entity is inside the span
    assert as_text != as_html


@pytest.mark.parametrize("template", [
    "Your {{ order.item }} has shipped on {{ ship_date }}.",
    "{% if vip %}Spring sale{% endif %} for {{ segment }}.",
    "{{#if member}}Members{{else}}Everyone{{/if}} save 10%. {{! note }}",
])
def test_templates_keep_length_and_never_trigger_rules(lint, template):
    assert len(neutralize_templates(template)) == len(template)
    result = lint(template, customer_level=1)
    assert result.findings == [] and result.level == 1


@pytest.mark.parametrize("template, rendered", [
    ("Hi {{ first_name }}, your parcel is on its way.", "Hi Maria, your parcel is on its way."),
    ("Hello *|FNAME|*, the sale starts today.", "Hello Maria, the sale starts today."),
    ("Dear {{ customer.firstName }}, thanks for your order.", "Dear Maria, thanks for your order."),
])
def test_a_name_placeholder_is_judged_as_the_name_it_renders_to(lint, template, rendered):
    """A first name is the reader's personal data (level 4) whether it is merged in or written."""
    from_template, from_rendered = lint(template, customer_level=1), lint(rendered, customer_level=1)
    assert from_template.level == from_rendered.level == 4
    assert from_template.rule_ids() == from_rendered.rule_ids() == {"pyramid.overreach"}
    # the finding points at the placeholder as written, never at its stand-in name
    (finding,) = from_template.findings
    greeting = template.split(",")[0]
    assert finding.location.excerpt == greeting
    assert (finding.location.line, finding.location.column, finding.location.end_column) == (1, 1, len(greeting) + 1)


def test_placeholder_does_not_break_the_sentence(lint):
    # the placeholder stands in as a noun, so the passive around it is still parsed
    result = lint("Good morning {{ first_name }}, you have been selected for early access.")
    assert "expressive.false-selection" in result.rule_ids()


def test_template_file_extension_is_looked_through(run_cli, tmp_path):
    template = tmp_path / "mail.html.j2"
    template.write_text("<p>{% if vip %}We miss you{% endif %}, {{ name }}!</p>\n")
    _, found = findings(run_cli, str(template))
    assert spans(found) == [("expressive.simulated-intimacy", 1, 16, 1, 27, "We miss you")]


def test_display_and_analysis_text_keep_the_same_length():
    message = message_from_text("<p>It&rsquo;s &ldquo;great&rdquo;</p>", input_format="html")
    assert len(message.display) == len(message.text)
    assert message.text.strip() == 'It\'s "great"'
