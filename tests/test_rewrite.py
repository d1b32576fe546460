"""Rewrites built from the flagged line: expected rewrites, the JSON `fix`, SARIF `fixes`, `--diff`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from msglint.analysis.engine import Linter
from msglint.analysis.rewrite import advice_of, apply_fixes
from msglint.ruleset.loading import load_ruleset

from .conftest import REPO

CASES = yaml.safe_load((Path(__file__).parent / "data" / "rewrites.yaml").read_text(encoding="utf-8"))["cases"]
HASKELL = REPO / "examples" / "haskell-subject-lines.txt"
REPORT_SCHEMA = json.loads((REPO / "msglint" / "schemas" / "report-v1.json").read_text())
SARIF_SCHEMA = json.loads((REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text())


def _finding(result, rule):
    found = [f for f in result.findings if f.rule == rule]
    assert found, f"{rule} did not fire on {result.message.original!r}: {sorted(result.rule_ids())}"
    return found[0]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['rule']}:{c['text'][:30]}" for c in CASES])
def test_expected_rewrite(lint, ruleset, case):
    result = lint(case["text"])
    finding = _finding(result, case["rule"])
    advice = advice_of(ruleset.get(case["rule"]).suggest)
    if "after" in case:
        assert finding.fix is not None, finding.suggestion
        assert apply_fixes(case["text"], [finding]) == case["after"]
        # the suggestion quotes the rewritten line
        first_line = " ".join(case["after"].strip().splitlines()[0].split())
        assert finding.suggestion.startswith(f"{advice}: '")
        assert first_line in finding.suggestion
    else:
        assert finding.fix is None
        assert finding.suggestion == advice


def test_fallback_never_offers_another_lines_example(nlp, tmp_path):
    """A house rule in the expressive family flags a selection the parse cannot cut: the advice is
    the rule's, without the Delta example written for Haskell's fourth line."""
    house = tmp_path / "house.yaml"
    house.write_text(
        "rules:\n"
        "  - id: expressive.false-selection\n"
        "    category: expressive\n    severity: error\n    applies-when: {relationship: instrumental}\n"
        "    message: Implies the reader was singled out\n    why: Haskell (2019)\n"
        "    suggest: \"State the offer as what it is: 'Delta flights under $200'\"\n"
        "    match:\n      phrases: [hand-picked for our vip]\n"
        "    examples:\n      flag: [\"hand-picked for our VIP Summer Preview\"]\n      pass: [\"Summer Preview\"]\n",
        encoding="utf-8")
    from msglint.api import lint_text

    linter = Linter(load_ruleset([str(house)]), nlp=nlp)
    result = lint_text("hand-picked for our VIP Summer Preview", linter=linter)
    finding = _finding(result, "expressive.false-selection")
    assert "Delta" not in finding.suggestion
    assert finding.suggestion == "State the offer as what it is"
    assert finding.fix is None


def test_json_report_carries_fixes_that_apply_to_the_file(run_cli):
    result = run_cli("check", "--format", "json", str(HASKELL))
    document = json.loads(result.stdout)
    jsonschema.validate(document, REPORT_SCHEMA)
    original = HASKELL.read_text(encoding="utf-8")
    fixes = {(f["rule"], f["line"]): f["fix"] for f in document["files"][0]["findings"] if "fix" in f}
    praise = fixes[("expressive.unearned-praise", 1)]
    assert praise == {"start": {"offset": 0, "line": 1, "column": 1},
                      "end": {"offset": 13, "line": 1, "column": 14}, "replacement": ""}
    gift = fixes[("expressive.false-selection", 4)]
    start, end = gift["start"]["offset"], gift["end"]["offset"]
    assert original[start:end] == "You've been given t"
    assert (gift["start"]["line"], gift["start"]["column"], gift["replacement"]) == (4, 3, "T")
    fixed = original[:start] + gift["replacement"] + original[end:]
    assert fixed.splitlines()[3] == "✈ This Delta flight deal under $200"


def test_sarif_fixes_validate_and_match_the_json_fix(run_cli):
    log = json.loads(run_cli("check", "--format", "sarif", str(HASKELL)).stdout)
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    with_fix = [r for r in log["runs"][0]["results"] if "fixes" in r]
    assert {r["ruleId"] for r in with_fix} >= {"expressive.unearned-praise", "expressive.false-selection"}
    gift = next(r for r in with_fix if r["ruleId"] == "expressive.false-selection"
                and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 4)
    replacement = gift["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement == {"deletedRegion": {"startLine": 4, "startColumn": 3, "endLine": 4, "endColumn": 22},
                           "insertedContent": {"text": "T"}}


def test_check_diff_prints_the_rewrites_and_leaves_the_file_alone(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a file below the current folder gets git's a/ and b/ names
    path = tmp_path / "lines.txt"
    original = HASKELL.read_bytes()
    path.write_bytes(original)
    result = run_cli("check", "--diff", str(path))
    assert result.exit_code == 1
    assert path.read_bytes() == original
    assert result.stdout.splitlines() == [
        "--- a/lines.txt",
        "+++ b/lines.txt",
        "@@ -1,4 +1,4 @@",
        "-Nicely done! You’re getting FIFTY PERCENT OFF",
        "-Ahem: You're approved for these vacation packages for under $400",
        "-Yes. Correct. Confirmed. You’re getting an extra 10% off!",
        "-✈ You've been given this Delta flight deal under $200",
        "+You’re getting fifty percent off",
        "+These vacation packages for under $400",
        "+You’re getting an extra 10% off!",
        "+✈ This Delta flight deal under $200",
    ]


def test_check_diff_of_clean_copy_is_empty(run_cli):
    result = run_cli("check", "--diff", str(REPO / "examples" / "plain-offers.txt"))
    assert (result.exit_code, result.stdout) == (0, "")


def test_cached_rerun_gives_the_same_fixes(run_cli, tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("You've been given this Delta flight deal under $200\n", encoding="utf-8")
    first = run_cli("check", "--format", "json", str(path)).stdout
    second = run_cli("check", "--format", "json", str(path)).stdout
    assert first == second and '"replacement": "T"' in first


def test_html_fix_replaces_character_references_with_the_text(run_cli, tmp_path):
    path = tmp_path / "mail.html"
    original = "<title>Deal</title>\n<p>&#x1F389; You&rsquo;ve been given this Delta flight deal under $200</p>\n"
    path.write_text(original, encoding="utf-8")
    document = json.loads(run_cli("check", "--format", "json", str(path)).stdout)
    jsonschema.validate(document, REPORT_SCHEMA)
    gift = next(f for f in document["files"][0]["findings"] if f["rule"] == "expressive.false-selection")
    fix = gift["fix"]
    assert original[fix["start"]["offset"]:fix["end"]["offset"]] == "You&rsquo;ve been given t"
    assert (fix["start"]["line"], fix["start"]["column"], fix["replacement"]) == (2, 14, "T")
    assert run_cli("check", "--diff", str(path)).stdout.splitlines()[-1] == \
        "+<p>&#x1F389; This Delta flight deal under $200</p>"


def test_no_fix_where_markup_sits_inside_the_cut(run_cli, tmp_path):
    """In HTML the display text is not the file: a cut across a tag would break the markup."""
    path = tmp_path / "mail.html"
    path.write_text("<p>You've been <b>given</b> this Delta flight deal under $200</p>", encoding="utf-8")
    document = json.loads(run_cli("check", "--format", "json", str(path)).stdout)
    gift = next(f for f in document["files"][0]["findings"] if f["rule"] == "expressive.false-selection")
    assert "fix" not in gift
    assert gift["suggestion"].endswith("'This Delta flight deal under $200'")


def test_rewrites_from_the_parse_are_cached_so_a_warm_run_never_loads_spacy(tmp_path):
    import os
    import subprocess
    import sys

    probe = ("import sys, json; from msglint.cli import main; code = main(sys.argv[1:]); "
             "print(json.dumps({'code': code, 'spacy': 'spacy' in sys.modules}), file=sys.stderr)")
    message = tmp_path / "m.txt"
    message.write_text("✈ You've been given this Delta flight deal under $200\n", encoding="utf-8")
    env = {**os.environ, "MSGLINT_CACHE_DIR": str(tmp_path / "cache")}

    def run():
        done = subprocess.run([sys.executable, "-c", probe, "check", "--diff", str(message)],
                              capture_output=True, text=True, env=env, cwd=REPO)
        return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])

    first_output, first = run()
    second_output, second = run()
    assert (first, second) == ({"code": 1, "spacy": True}, {"code": 1, "spacy": False})
    assert second_output == first_output and "+✈ This Delta flight deal under $200" in second_output


def test_a_line_cut_whole_is_said_in_words_not_as_empty_quotes(run_cli, tmp_path):
    path = tmp_path / "m.txt"
    path.write_text("Spring sale starts Monday.\n\nWe miss you!\n", encoding="utf-8")
    document = json.loads(run_cli("check", "--format", "json", "--no-cache", str(path)).stdout)
    (finding,) = [f for f in document["files"][0]["findings"] if f["rule"] == "expressive.simulated-intimacy"]
    assert finding["suggestion"] == "Say what is on offer and why now: drop the line"
    assert "''" not in finding["suggestion"]


@pytest.mark.parametrize("rule, line, example", [
    ("expressive.confirmshaming", "No thanks, I'll pay full price.", "Offer a neutral way out: 'No thanks'"),
    ("style.false-co-creation", "Designed by you!", "Say what the customer chose: 'Your bag, in the colour and strap you picked'"),
])
def test_a_cut_that_cannot_write_the_advice_keeps_the_rules_own_example(run_cli, tmp_path, rule, line, example):
    """Not the next sentence quoted as if it were the neutral way out or what the customer chose."""
    text = f"{line}\nShoes are on sale.\n"
    path = tmp_path / "m.txt"
    path.write_text(text, encoding="utf-8")
    document = json.loads(run_cli("check", "--format", "json", "--no-cache", str(path)).stdout)
    (finding,) = [f for f in document["files"][0]["findings"] if f["rule"] == rule]
    assert finding["suggestion"] == f"{example} (the fix only removes the flagged words)"
    assert finding["fix"]["replacement"] == ""
    assert text[finding["fix"]["start"]["offset"]:finding["fix"]["end"]["offset"]] == f"{line}\n"


def test_check_diff_of_a_file_outside_the_current_folder_keeps_its_path(run_cli, tmp_path, monkeypatch):
    elsewhere = tmp_path / "here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    path = tmp_path / "lines.txt"
    path.write_bytes(HASKELL.read_bytes())
    header = run_cli("check", "--diff", str(path)).stdout.splitlines()[:2]
    assert header == [f"--- {path}", f"+++ {path}"]  # for patch -p0; git apply takes only paths below it
