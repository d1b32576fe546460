"""SARIF (validated against the SARIF 2.1.0 schema), GitHub annotations, and severity control."""

from __future__ import annotations

import json

import jsonschema
import pytest

from .conftest import REPO

SARIF_SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())
HASKELL = REPO / "examples" / "haskell-subject-lines.txt"


def test_sarif_is_valid_and_complete(run_cli):
    result = run_cli("check", "--format", "sarif", str(HASKELL), str(REPO / "examples" / "plain-offers.txt"))
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["version"] == "2.1.0"
    [run] = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"expressive.false-selection", "pyramid.overreach", "tone.shouting"}
    assert all(not r["id"].startswith("level.") for r in rules)  # evidence rules report nothing
    results = run["results"]
    assert len(results) == 6
    selection = next(r for r in results if r["ruleId"] == "expressive.false-selection" and
                     r["locations"][0]["physicalLocation"]["region"]["startLine"] == 4)
    assert rules[selection["ruleIndex"]]["id"] == "expressive.false-selection"
    assert selection["level"] == "error"
    assert selection["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 20, "snippet": {"text": "You've been given"}}
    assert {r["level"] for r in results} == {"error", "warning", "note"}


def test_sarif_fingerprints_survive_edits_elsewhere(run_cli, tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("We miss you!\nNicely done!\n")
    first = json.loads(run_cli("check", "--format", "sarif", str(path)).stdout)["runs"][0]["results"]
    path.write_text("New intro line.\n\nNicely done!\nWe miss you!\n")
    second = json.loads(run_cli("check", "--format", "sarif", str(path)).stdout)["runs"][0]["results"]
    by_rule = lambda results: {r["ruleId"]: r["partialFingerprints"]["msglintFingerprint/v1"] for r in results}  # noqa: E731
    assert by_rule(first) == by_rule(second)
    assert len(set(by_rule(first).values())) == 2


def test_sarif_with_no_findings_is_valid(run_cli):
    log = json.loads(run_cli("check", "--format", "sarif", str(REPO / "examples" / "plain-offers.txt")).stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert log["runs"][0]["results"] == []


def test_github_annotations(run_cli, tmp_path):
    path = tmp_path / "a,b.txt"
    path.write_text("Nicely done! 50% off\nBIG SALE now\n")
    result = run_cli("check", "--format", "github", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    escaped = str(path).replace(",", "%2C")
    assert lines[0] == (
        f"::warning file={escaped},line=1,col=1,endLine=1,endColumn=12,title=expressive.unearned-praise::"
        "Praises the reader for nothing they did: unearned flattery in an instrumental relationship"
        "%0ASuggestion: Drop the praise and state the offer: '50%25 off'")  # the rewrite of this line
    assert lines[1].startswith(f"::notice file={escaped},line=2,col=1,endLine=2,endColumn=9,title=tone.shouting::")
    assert len(lines) == 2


def test_select_and_ignore(run_cli):
    def rules(*args):
        output = json.loads(run_cli("check", "--format", "json", *args, str(HASKELL)).stdout)
        return sorted({f["rule"] for f in output["files"][0]["findings"]})

    assert rules("--select", "tone") == ["tone.shouting"]
    assert rules("--select", "expressive.false-selection,tone") == ["expressive.false-selection", "tone.shouting"]
    assert rules("--ignore", "expressive", "--ignore", "tone.shouting") == []


def test_config_severity_overrides_and_off(run_cli, tmp_path):
    (tmp_path / ".msglint.yaml").write_text(
        "severity:\n  expressive: info\n  expressive.false-selection: error\n  tone: off\n")
    message = tmp_path / "m.txt"
    message.write_text("Nicely done! FIFTY PERCENT OFF\n")
    result = run_cli("check", "--format", "json", str(message))
    found = {f["rule"]: f["severity"] for f in json.loads(result.stdout)["files"][0]["findings"]}
    assert found == {"expressive.unearned-praise": "info"}
    assert result.exit_code == 0  # info is below the default fail-on (warning)
    message.write_text("You've been selected!\n")
    result = run_cli("check", "--format", "json", str(message))
    assert {f["severity"] for f in json.loads(result.stdout)["files"][0]["findings"]} == {"error"}
    assert result.exit_code == 1


@pytest.mark.parametrize(("args", "fragment"), [
    (["--select", "expressive.nope"], "--select: unknown rule or family 'expressive.nope'"),
    (["--ignore", "tones"], "--ignore: unknown rule or family 'tones'"),
])
def test_unknown_selectors_are_usage_errors(run_cli, args, fragment):
    result = run_cli("check", *args, str(HASKELL))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"msglint: error: {fragment} (see 'msglint rules')"


def test_bad_severity_in_config(run_cli, tmp_path):
    (tmp_path / ".msglint.yaml").write_text("severity:\n  expressive: loud\n")
    message = tmp_path / "m.txt"
    message.write_text("Hi\n")
    result = run_cli("check", str(message))
    assert result.exit_code == 2 and "severity of 'expressive' must be one of info, warning, error, off" in result.stderr
