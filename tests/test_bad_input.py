"""Bad input: one line on stderr, exit code 2, no traceback; an empty message is clean."""

from __future__ import annotations

import pytest

from .conftest import REPO


def assert_one_line_error(result, *fragments):
    assert result.exit_code == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("msglint: error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_path(run_cli, tmp_path):
    assert_one_line_error(run_cli("check", str(tmp_path / "nope.txt")), "nope.txt", "no such file")


def test_directory_with_nothing_to_lint(run_cli, tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    assert_one_line_error(run_cli("check", str(tmp_path)), "nothing to check in this directory", ".txt, .text, .md")


def test_empty_file_is_clean(run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli("check", str(empty))
    assert result.exit_code == 0
    assert result.stdout.endswith("Checked 1 file: no findings.\n")


def test_empty_stdin_is_clean(run_cli):
    assert run_cli("check", "-", stdin=b"").exit_code == 0


def test_binary_file(run_cli, tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert_one_line_error(run_cli("check", str(binary)), "image.txt", "binary")


def test_non_utf8_names_line_and_byte(run_cli, tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Fine line\nCaf\u00e9 deals\n".encode("latin-1"))
    assert_one_line_error(run_cli("check", str(latin1)), "latin1.txt:2:", "not valid UTF-8", "0xe9")


def test_utf8_bom_is_accepted(run_cli, tmp_path):
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffWe miss you!\n".encode("utf-8"))
    result = run_cli("check", "--format", "json", str(bom))
    assert result.exit_code == 1
    assert '"column": 1' in result.stdout


def test_malformed_rule_file_yaml(run_cli, tmp_path):
    rules = tmp_path / "broken.yaml"
    rules.write_text("rules:\n  - id: x.y\n    match: [unclosed\n")
    assert_one_line_error(run_cli("check", "--rules", str(rules), "-", stdin=b"hi"), "broken.yaml:", "not valid YAML")


@pytest.mark.parametrize(
    ("rule_yaml", "fragments"),
    [
        ("  - id: house.x\n    category: expressive\n    severity: loud\n",
         ["bad.yaml:2: rule house.x: field severity: must be one of info, warning, error"]),
        ("  - id: NotKebab\n", ["bad.yaml:2: rule NotKebab: field id"]),
        ("  - id: house.x\n    category: expressive\n    severity: error\n    message: m\n    why: w\n    suggest: s\n"
         "    match: {tokens: [[{LOWER: {REGEX: '(a+)+$'}}]]}\n    examples: {flag: [a], pass: [b]}\n",
         ["rule house.x: field match.tokens: token 1: LOWER: REGEX is not allowed"]),
        ("  - id: house.x\n    category: expressive\n    severity: error\n    message: m\n    why: w\n    suggest: s\n"
         "    match: {tokens: [[{NOT_AN_ATTR: x}]]}\n    examples: {flag: [a], pass: [b]}\n",
         ["bad.yaml:8: rule house.x: field match.tokens: token 1: unknown key 'NOT_AN_ATTR'"]),
        ("  - id: house.x\n    category: expressive\n    severity: error\n    message: m\n    why: w\n    suggest: s\n"
         "    match: {phrases: [x]}\n", ["rule house.x: field examples: required"]),
        ("  - id: house.x\n    category: level\n    message: m\n    why: w\n    match: {phrases: [x]}\n"
         "    examples: {flag: [a], pass: [b]}\n", ["rule house.x: field level: required for level rules"]),
    ],
)
def test_rule_validation_names_file_rule_and_field(run_cli, tmp_path, rule_yaml, fragments):
    rules = tmp_path / "bad.yaml"
    rules.write_text("rules:\n" + rule_yaml)
    assert_one_line_error(run_cli("check", "--rules", str(rules), "-", stdin=b"hi"), *fragments)


def test_duplicate_key_in_rule_file_is_refused(run_cli, tmp_path):
    rules = tmp_path / "dup.yaml"
    rules.write_text("rules:\n  - id: house.x\n    match: {tokens: [[{LOWER: a}]]}\n    message: m\n    message: n\n")
    assert_one_line_error(run_cli("check", "--rules", str(rules), "-", stdin=b"hi"),
                          "dup.yaml:5:", "duplicate key 'message' (first on line 4)")


def test_unknown_rule_in_explain(run_cli):
    assert_one_line_error(run_cli("explain", "expressive.nope"), "unknown rule 'expressive.nope'")


def test_bad_customer_level(run_cli):
    assert_one_line_error(run_cli("check", "--customer-level", "9", "-", stdin=b"hi"), "customer level")


def test_bad_option_value_is_one_line(run_cli):
    assert_one_line_error(run_cli("check", "--relationship", "friendly", "-", stdin=b"hi"), "friendly")


def test_bad_front_matter(run_cli, tmp_path):
    message = tmp_path / "m.md"
    message.write_text("---\ncustomer-level: [\n---\nHello\n")
    assert_one_line_error(run_cli("check", str(message)), "m.md", "front matter")


def test_bad_front_matter_value(run_cli, tmp_path):
    message = tmp_path / "m.md"
    message.write_text("---\nrelationship: cosy\n---\nHello\n")
    assert_one_line_error(run_cli("check", str(message)), "m.md: front matter", "relationship")


def test_bad_config_key(run_cli, tmp_path):
    (tmp_path / ".msglint.yaml").write_text("relation: expressive\n")
    message = tmp_path / "m.txt"
    message.write_text("Hello\n")
    assert_one_line_error(run_cli("check", str(message)), ".msglint.yaml", "unknown config key 'relation'")


def test_no_paths(run_cli):
    assert_one_line_error(run_cli("check"), "no input")


def test_a_later_files_bad_config_stops_the_run_before_any_output(run_cli, tmp_path):
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "a.txt").write_text("We miss you!\n")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / ".msglint.yaml").write_text("severity:\n  tone: sometimes\n")
    (tmp_path / "bad" / "b.txt").write_text("Hello\n")
    result = run_cli("check", "--format", "json", str(tmp_path / "good"), str(tmp_path / "bad"))
    assert_one_line_error(result, "bad/.msglint.yaml", "severity of 'tone'")


@pytest.mark.parametrize("key, value, problem", [
    ("select", "[expressive.nosuch]", "select: unknown rule or family 'expressive.nosuch'"),
    ("ignore", "[tone.loud]", "ignore: unknown rule or family 'tone.loud'"),
    ("severity", "{expresive: error}", "severity: unknown rule or family 'expresive'"),
])
def test_unknown_rules_in_a_config_name_the_config_file(run_cli, tmp_path, monkeypatch, key, value, problem):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / ".msglint.yaml"
    config.write_text(f"{key}: {value}\n")
    message = tmp_path / "m.txt"
    message.write_text("Shoes 30% off.\n")
    result = run_cli("check", str(message))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == f"msglint: error: {config}: {problem} (see 'msglint rules')"


def test_a_run_inside_the_checkout_finds_the_checkouts_own_rules():
    """Inside a source checkout Python finds msglint/ before the installed package, and the source
    has no msglint.rules (rules/ installs as it): the checkout's rules/ are used, not a traceback.
    `python -S` leaves site-packages, and so the installed or editable package, out of reach."""
    import subprocess
    import sys
    from importlib import resources
    from pathlib import Path

    from msglint.ruleset.loading import builtin_rule_files

    probe = "from msglint.ruleset.loading import builtin_rule_files as f; print('\\n'.join(str(p) for p in f()))"
    run = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    installed = Path(str(resources.files("msglint.rules")))
    expected = [path.relative_to(installed) for path in builtin_rule_files()]
    assert [Path(line).relative_to(REPO / "rules") for line in run.stdout.split()] == expected
    assert len(expected) >= 5


def test_missing_builtin_rules_are_one_error(monkeypatch, tmp_path):
    from importlib import resources

    from msglint.errors import MsglintError
    from msglint.ruleset import loading

    def no_rules_package(name):
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(resources, "files", no_rules_package)
    monkeypatch.setattr(loading, "SOURCE_RULES", tmp_path / "rules")
    with pytest.raises(MsglintError, match="built-in rules are missing from this installation"):
        loading.builtin_rule_files()


@pytest.mark.parametrize("jobs", ["0", "65", "two", "-1", ""])
def test_a_bad_jobs_value_is_one_line(run_cli, jobs):
    assert_one_line_error(run_cli("check", "--jobs", jobs, "-", stdin=b"Shoes 30% off.\n"),
                          "--jobs", "neither auto nor a number from 1 to 64")
