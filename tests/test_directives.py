"""Suppression comments, inline context and directives that name unknown rules."""

from __future__ import annotations

import json


def check(run_cli, tmp_path, name, content, *args):
    path = tmp_path / name
    path.write_text(content)
    result = run_cli("check", "--format", "json", "--no-cache", *args, str(path))
    document = json.loads(result.stdout)["files"][0]
    return result, document, [(f["rule"], f["line"]) for f in document["findings"]]


def test_disable_and_enable_a_rule(run_cli, tmp_path):
    _, _, found = check(run_cli, tmp_path, "m.html",
                        "<p>We miss you!</p>\n<!-- msglint-disable expressive.simulated-intimacy -->\n"
                        "<p>We miss you!</p>\n<!-- msglint-enable expressive.simulated-intimacy -->\n<p>We miss you!</p>\n")
    assert found == [("expressive.simulated-intimacy", 1), ("expressive.simulated-intimacy", 5)]


def test_disable_next_line_only(run_cli, tmp_path):
    _, _, found = check(run_cli, tmp_path, "m.md",
                        "<!-- msglint-disable-next-line expressive -->\nWe miss you!\n\nWe miss you!\n")
    assert found == [("expressive.simulated-intimacy", 4)]


def test_disable_without_rules_silences_everything_after(run_cli, tmp_path):
    result, _, found = check(run_cli, tmp_path, "m.txt", "Nicely done!\n<!-- msglint-disable -->\nWe miss you!\n")
    assert found == [("expressive.unearned-praise", 1)]
    assert result.exit_code == 1


def test_jinja_comment_directive(run_cli, tmp_path):
    _, _, found = check(run_cli, tmp_path, "m.html.j2",
                        "{# msglint-disable-next-line expressive.unearned-praise #}\n<p>Nicely done!</p>\n<p>Nicely done!</p>\n")
    assert found == [("expressive.unearned-praise", 3)]


def test_front_matter_disable(run_cli, tmp_path):
    result, _, found = check(run_cli, tmp_path, "m.md", "---\nmsglint: disable=expressive.unearned-praise\n---\nNicely done!\n")
    assert found == [] and result.exit_code == 0


def test_unknown_rule_in_a_directive_is_reported_where_it_stands(run_cli, tmp_path):
    result, document, found = check(run_cli, tmp_path, "m.md", "Shoes 30% off.\n\n<!-- msglint-disable expressive.flatery -->\n")
    assert found == [("directive.unknown-rule", 3)]
    [finding] = document["findings"]
    assert "'expressive.flatery'" in finding["message"] and finding["column"] == 1
    assert result.exit_code == 1


def test_inline_context_directive_sets_the_relationship_and_level(run_cli, tmp_path):
    _, document, found = check(run_cli, tmp_path, "m.html",
                               "<!-- msglint: relationship=expressive customer-level=1 -->\n<p>We miss you. Express your style.</p>\n")
    assert document["context"] == {"relationship": "expressive", "customer_level": 1, "style": "top-down"}
    assert [rule for rule, _ in found] == ["pyramid.overreach", "pyramid.overreach"]


def test_command_line_beats_inline_directive_which_beats_front_matter(run_cli, tmp_path):
    content = "---\ncustomer-level: 6\n---\n<!-- msglint: customer-level=2 -->\nHelp us design the next jacket.\n"
    _, document, _ = check(run_cli, tmp_path, "m.md", content)
    assert document["context"]["customer_level"] == 2
    _, document, _ = check(run_cli, tmp_path, "m.md", content, "--customer-level", "4")
    assert document["context"]["customer_level"] == 4


def test_bad_value_in_inline_directive_is_an_error(run_cli, tmp_path):
    path = tmp_path / "m.md"
    path.write_text("Hello\n<!-- msglint: customer-level=9 -->\n")
    result = run_cli("check", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"msglint: error: {path}:2: msglint directive")
