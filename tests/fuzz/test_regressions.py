"""Named regression cases: every failure of issues 12 and 13 fixed on this branch, run through the
real CLI against the contract in tests/fuzz/contract.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import yaml

from msglint import yamlio
from msglint.sources.inputs import MAX_INPUT_BYTES

from ..conftest import REPO
from .contract import run_checked

pytestmark = pytest.mark.fuzz

MESSAGE = "Nicely done! Shoes 30% off.\n"
ALIAS_BOMB = "".join(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9 if n else ["lol"] * 9) + "]\n" for n in range(9))
DEEP = "[" * 100_000


def _error(result) -> str:
    assert result.exit_code == 2, result
    return result.stderr.strip()


def _setup(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "m.txt").write_text(MESSAGE, encoding="utf-8")
    return tmp_path / "m.txt"


# --- YAML: segfaults, alias bombs, self-reference (issue 12 item 2, issue 13) ---

@pytest.mark.parametrize(("where", "text", "expected"), [
    ("config", DEEP, "nested deeper than 64 levels"),
    ("config", "a:\n" + "".join("  " * i + "- \n" for i in range(200)), "nested deeper than 64 levels"),
    ("config", ALIAS_BOMB, "aliases expand to more than"),
    ("config", "relationship: &a [*a]\n", "refers to a structure that contains it"),
    ("rules", DEEP, "nested deeper than 64 levels"),
    ("rules", ALIAS_BOMB, "aliases expand to more than"),
    ("front matter", "---\n" + ALIAS_BOMB + "---\n" + MESSAGE, "aliases expand to more than"),
    ("front matter", "---\nx: " + DEEP + "\n---\n" + MESSAGE, "nested deeper than 64 levels"),
], ids=["config-deep-flow", "config-deep-block", "config-alias-bomb", "config-self-reference", "rules-deep",
        "rules-alias-bomb", "front-matter-alias-bomb", "front-matter-deep"])
def test_regression_yaml_past_its_bounds(run_cli, tmp_path, where, text, expected):
    """libyaml segfaulted (exit -11) on 100,000 '['; alias bombs ran for minutes and echoed their
    expansion in the error."""
    if where == "config":
        message, args, name = _setup(tmp_path, **{".msglint.yaml": text}), [], ".msglint.yaml"
    elif where == "rules":
        message, args, name = _setup(tmp_path, **{"house.yaml": text}), ["--rules", str(tmp_path / "house.yaml")], "house.yaml"
    else:
        message, args, name = tmp_path / "fm.md", [], "fm.md"
        message.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    result = run_checked(run_cli, "check", "--format", "json", *args, str(message), folder=tmp_path, names=(name,))
    assert time.perf_counter() - started < 5
    assert expected in _error(result)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_yaml_bounds_are_checked_by_libyaml(monkeypatch):
    """The bounds pass reads libyaml's events: PyYAML's pure-Python parser cost a cold run 0.1-0.2 s."""
    import yaml.parser

    def refuse(*args):
        raise AssertionError("the pure-Python YAML parser ran")

    monkeypatch.setattr(yaml.parser.Parser, "get_event", refuse)
    with pytest.raises(yamlio.YamlLimitError):
        yamlio.check_bounds("x: " + "[" * (yamlio.MAX_DEPTH + 1) + "]" * (yamlio.MAX_DEPTH + 1))
    yamlio.check_bounds("a: [1, 2]\n")


def test_yaml_bounds_leave_ordinary_anchors_alone():
    assert yamlio.load("base: &b [a, b]\nuse: *b\n") == {"base": ["a", "b"], "use": ["a", "b"]}


# --- Configs of the wrong type (issue 12) ---

@pytest.mark.parametrize(("config", "expected"), [
    ("1: x\nrelationship: expressive\n", "unknown config key 1"),        # '<' between str and int
    ("model: 5\n", "model must be a spaCy pipeline name"),                 # a number where a name belongs
    ("fail-on: [error]\n", "fail-on must be one of"),
    ("overrides: 3\n", "overrides must be a list"),
    ("overrides: [[files]]\n", "overrides[0]: must be a mapping"),
    ("relationship: [expressive]\n", "relationship must be one of"),
    ("customer-level: {a: 1}\n", "customer-level: customer level must be 1-6"),
    ("customer-level: '²'\n", "unknown customer level"),
    ("severity: {expressive: [1]}\n", "severity of 'expressive' must be one of"),
    ("select: 5\n", "select: must be a rule id"),
    ("relationship: [" + ", ".join(["x" * 50] * 2000) + "]\n", "relationship must be one of"),
], ids=["mixed-key-types", "model-number", "fail-on-list", "overrides-number", "override-list", "relationship-list",
        "level-mapping", "level-superscript", "severity-list", "select-number", "huge-value-not-echoed"])
def test_regression_config_values_of_the_wrong_type(run_cli, tmp_path, config, expected):
    message = _setup(tmp_path, **{".msglint.yaml": config})
    result = run_checked(run_cli, "check", str(message), folder=tmp_path, names=(".msglint.yaml",))
    assert expected in _error(result)


@pytest.mark.parametrize(("toml", "expected"), [
    ("tool = [1]\n", None),                                  # 'list' object has no attribute 'get'
    ("[tool]\nmsglint = [1]\n", "config must be a mapping"),
    ("[tool.msglint]\nmodel = 5\n", "model must be"),
    ("[tool.msglint]\nrelationship = 5\n", "relationship must be one of"),
    ("[tool.msglint]\na = " + "[" * 100_000 + "]" * 100_000 + "\n", "TOML nested too deeply"),
], ids=["tool-list", "section-list", "model-number", "relationship-number", "deep-toml"])
def test_regression_pyproject_values_of_the_wrong_type(run_cli, tmp_path, toml, expected):
    message = _setup(tmp_path, **{"pyproject.toml": toml})
    result = run_checked(run_cli, "check", str(message), folder=tmp_path, names=("pyproject.toml",))
    if expected is None:
        assert result.exit_code == 1  # not our section: the config is simply absent
    else:
        assert expected in _error(result)


# --- Front matter and directives of the wrong type ---

@pytest.mark.parametrize(("text", "expected"), [
    ("---\nmsglint: {disable: [1, 2]}\n---\nNicely done!\n", "msglint: disable must be a rule id"),
    ("---\nmsglint: 5\n---\nNicely done!\n", "msglint: must be 'disable=RULE"),
    ("---\ncustomer-level: [1]\n---\nNicely done!\n", "customer level must be 1-6"),
    ("<!-- msglint: customer-level=² -->\nNicely done!\n", "unknown customer level '²'"),
], ids=["disable-list-of-numbers", "msglint-number", "level-list", "level-superscript-inline"])
def test_regression_directive_values_of_the_wrong_type(run_cli, tmp_path, text, expected):
    message = tmp_path / "m.md"
    message.write_text(text, encoding="utf-8")
    result = run_checked(run_cli, "check", "--format", "json", str(message), folder=tmp_path, names=("m.md",))
    assert expected in _error(result)


# --- Rule patterns (issue 13) ---

RULE = """rules:
  - id: house.x
    category: expressive
    severity: warning
    message: m
    why: w
    suggest: s
    match: {{tokens: [{pattern}]}}
    examples: {{flag: [a], pass: [b]}}
"""


@pytest.mark.parametrize(("pattern", "expected"), [
    ("[{LOWER: {regex: '^(a+)+$'}}]", "token 1: LOWER: regex is not allowed"),
    ("[{lower: {REGEX: 'a'}}]", "token 1: write LOWER, not lower"),
    ("[{REGEX: 'a'}]", "token 1: REGEX is not allowed"),
    *[(f"[{{LOWER: {{FUZZY{n}: nice}}}}]", f"FUZZY{n} is not allowed") for n in (1, 5, 9)],
    ("[{LOWER: {fuzzy: nice}}]", "fuzzy is not allowed"),
    ("[{LOWER: nice, OP: '{0,100000}'}]", "OP {0,100000} must be"),
    ("[{OP: '*'}, {OP: '*'}, {OP: '+'}, {OP: '*'}, {LOWER: a}]", "token 4: at most 3 '*' or '+'"),
    ("[{LOWER: nice, OP: bogus}]", "OP must be one of"),
    ("[{_: {x: 1}}]", "extension attributes are not allowed"),
    ("[{LOWER: 5}]", "LOWER: must be a string"),
    ("[{IS_PUNCT: 'yes'}]", "IS_PUNCT must be true or false"),
], ids=["regex-lower-case", "attribute-lower-case", "regex-attribute", "fuzzy1", "fuzzy5", "fuzzy9", "fuzzy-lower",
        "op-huge-bound", "many-stars", "op-bogus", "extension", "wrong-value-type", "flag-string"])
def test_regression_rule_patterns_refused_at_load_before_any_output(run_cli, tmp_path, pattern, expected):
    """`OP: bogus` printed part of a JSON report and then exited 2; lower-case `regex` and FUZZY1-9 ran."""
    rules = tmp_path / "house.yaml"
    rules.write_text(RULE.format(pattern=pattern), encoding="utf-8")
    message = _setup(tmp_path)
    result = run_checked(run_cli, "check", "--format", "json", "--no-cache", "--rules", str(rules), str(message),
                         folder=tmp_path, names=("house.yaml",))
    error = _error(result)
    assert "house.yaml:8: rule house.x: field match.tokens: " in error
    assert expected in error


def test_word_class_operators_and_bounded_quantifiers_are_accepted():
    from msglint.ruleset.patterns import pattern_problem

    assert pattern_problem([{"LEMMA": {"CLASS": "praise"}}, {"LOWER": {"NOT_CLASS": ["a", "b"]}, "OP": "{0,4}"},
                            {"POS": "VERB", "OP": "*"}, {"LENGTH": {">=": 3}}], "tokens") is None
    assert pattern_problem([{"RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": "VERB"}},
                            {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "o", "RIGHT_ATTRS": {"DEP": "dobj"}}],
                           "dependency") is None


# --- Endless reads (issue 13) ---

def test_regression_stdin_from_dev_zero_stops_at_the_bound(tmp_path):
    started = time.perf_counter()
    with open("/dev/zero", "rb") as zero:
        run = subprocess.run([sys.executable, "-m", "msglint", "check", "-"], stdin=zero, capture_output=True,
                             text=True, timeout=60, cwd=tmp_path,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.strip() == f"msglint: error: standard input: larger than {MAX_INPUT_BYTES // 2**20} MiB; " \
                                 "msglint reads at most that much"
    assert time.perf_counter() - started < 30


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
def test_regression_fifo_or_device_as_message_file(run_cli, tmp_path, kind):
    path = tmp_path / "m.txt"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    result = run_checked(run_cli, "check", str(path), folder=tmp_path, names=("m.txt",))
    assert "not a regular file" in _error(result)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
def test_regression_fifo_or_device_in_rules_directory(run_cli, tmp_path, kind):
    rules = tmp_path / "rules"
    rules.mkdir()
    if kind == "fifo":
        os.mkfifo(rules / "house.yaml")
    else:
        (rules / "house.yaml").symlink_to("/dev/zero")
    message = _setup(tmp_path)
    result = run_checked(run_cli, "check", "--rules", str(rules), str(message), folder=tmp_path, names=("house.yaml",))
    assert "not a regular file" in _error(result)


def test_regression_fifo_in_corpus_directory(tmp_path):
    from msglint.evaluation.corpus import load_corpus
    from msglint.errors import MsglintError

    os.mkfifo(tmp_path / "cases.yaml")
    with pytest.raises(MsglintError, match="a FIFO, not a regular file"):
        load_corpus(tmp_path)


def test_oversized_message_file_is_refused(run_cli, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_INPUT_BYTES + 1)  # sparse: no disk written
    result = run_checked(run_cli, "check", str(big), folder=tmp_path, names=("big.txt",))
    assert "larger than 10 MiB" in _error(result)


# --- .eml (issue 12) ---

def _nested_eml(depth: int) -> str:
    text = "Subject: hi\nContent-Type: multipart/mixed; boundary=b0\n\n"
    for level in range(depth):
        text += f"--b{level}\nContent-Type: multipart/mixed; boundary=b{level + 1}\n\n"
    return text + f"--b{depth}\nContent-Type: text/plain\n\nNicely done!\n"


def test_regression_eml_nested_hundreds_deep(run_cli, tmp_path):
    (tmp_path / "deep.eml").write_text(_nested_eml(1000), encoding="utf-8")
    result = run_checked(run_cli, "check", str(tmp_path / "deep.eml"), folder=tmp_path, names=("deep.eml",))
    assert "more than 64 multipart sections" in _error(result)


@pytest.mark.parametrize(("charset", "encoding", "body"), [
    ("hex", "base64", "TmljZWx5IGRvbmUh"),
    ("idna", "quoted-printable", "Nicely=20done!"),
    ("utf-16", "base64", "TgBpAGMAZQBsAHkAIABkAG8AbgBlACEA"),  # UTF-16 without a byte order mark
    ("utf-16", "quoted-printable", "N=00i=00"),
    ("zlib", "8bit", "Nicely done!"),
    ("utf-8", "quoted-printable", "Nicely =ZZ done=4"),  # malformed quoted-printable
    ("utf-8", "quoted-printable", "Nicely done! =C3"),   # a character cut in half at the end
], ids=["hex", "idna", "utf16-no-bom-base64", "utf16-no-bom-qp", "zlib", "qp-malformed", "qp-truncated"])
def test_regression_eml_charsets_and_quoted_printable(run_cli, tmp_path, charset, encoding, body):
    eml = tmp_path / "m.eml"
    eml.write_text(f"Subject: Hello\nContent-Type: text/plain; charset={charset}\n"
                   f"Content-Transfer-Encoding: {encoding}\n\n{body}\n", encoding="utf-8")
    result = run_checked(run_cli, "check", "--format", "json", str(eml), folder=tmp_path, names=("m.eml",))
    assert result.exit_code in (0, 1)


def test_eml_utf16_without_bom_is_read_as_little_endian(run_cli, tmp_path):
    eml = tmp_path / "m.eml"
    eml.write_text("Subject: Hello\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: base64\n\n"
                   "TgBpAGMAZQBsAHkAIABkAG8AbgBlACEA\n", encoding="utf-8")
    result = run_cli("check", "--format", "json", str(eml))
    assert result.exit_code == 1 and "expressive.unearned-praise" in result.stdout


def test_regression_directory_walk_skips_fifos_and_device_links(run_cli, tmp_path):
    """A FIFO or a link to /dev/zero among the copy is not a message: the walk passes it by."""
    copy = tmp_path / "copy"
    copy.mkdir()
    os.mkfifo(copy / "a.txt")
    (copy / "b.txt").symlink_to("/dev/zero")
    (copy / "c.txt").write_text(MESSAGE, encoding="utf-8")
    result = run_checked(run_cli, "check", "--format", "json", str(copy), folder=tmp_path)
    assert result.exit_code == 1
    assert [file["path"] for file in json.loads(result.stdout)["files"]] == [str(copy / "c.txt")]


def test_regression_file_deleted_mid_run_leaves_a_whole_report(run_cli, tmp_path, monkeypatch):
    """issue 13: a file deleted after validation, past the read-ahead budget, cut the JSON report
    short. Now the report is finished for the files that could be read, and the run exits 2 with one
    line naming the file that vanished."""
    from msglint import api

    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Nicely done! Shoes 30% off.\n")
    second.write_text("We miss you.\n")
    monkeypatch.setattr(api, "READ_AHEAD_BYTES", 0)  # nothing kept: every file is read again
    reads = []
    real_read = api.read_message

    def read_and_delete(path, input_format=None):
        reads.append(path)
        if len(reads) == 3:  # validation read both; the analysis is under way
            second.unlink()
        return real_read(path, input_format)

    monkeypatch.setattr(api, "read_message", read_and_delete)
    result = run_cli("check", "--format", "json", "--no-cache", str(first), str(second))
    assert result.exit_code == 2
    report = json.loads(result.stdout)  # whole, not cut off
    assert [entry["path"] for entry in report["files"]] == [str(first)]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(second) in lines[0] and "changed after msglint checked it" in lines[0]


def test_a_repeated_key_is_refused_in_every_yaml_but_merge_keys_still_work():
    """PyYAML lets a second key replace the first: a config or front matter would lose a setting."""
    with pytest.raises(yaml.YAMLError) as raised:
        yamlio.load("fail-on: error\nmodel: x\nfail-on: info\n")
    assert yamlio.problem(raised.value) == "duplicate key 'fail-on' (first on line 1)"
    assert yamlio.load("base: &b {x: 1}\nuse:\n  <<: *b\n  x: 2\n") == {"base": {"x": 1}, "use": {"x": 2}}


def test_a_repeated_key_in_a_rule_file_or_front_matter_is_one_error_naming_its_line(run_cli, tmp_path):
    rules = tmp_path / "house.yaml"
    rules.write_text("rules:\n  - id: house.a\n    category: tone\n    category: style\n", encoding="utf-8")
    result = run_cli("check", "--no-cache", "--rules", str(rules), "-", stdin=b"Socks.\n")
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"msglint: error: {rules}:4: not valid YAML "
                                     "(duplicate key 'category' (first on line 3))")
    copy = tmp_path / "copy.md"
    copy.write_text("---\ntone: plain\ntone: warm\n---\nSocks, 3 for $10.\n", encoding="utf-8")
    result = run_cli("check", "--no-cache", str(copy))
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"msglint: error: {copy}:3: front matter is not valid YAML "
                                     "(duplicate key 'tone' (first on line 2))")


def test_a_config_with_a_repeated_key_stops_the_run_naming_it(run_cli, tmp_path, monkeypatch):
    (tmp_path / ".msglint.yaml").write_text("fail-on: error\nfail-on: info\n", encoding="utf-8")
    (tmp_path / "copy.txt").write_text("Socks, 3 for $10.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("check", "--no-cache", "copy.txt")
    assert result.exit_code == 2
    assert ".msglint.yaml" in result.stderr and "duplicate key 'fail-on'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
