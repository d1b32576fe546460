"""The result cache (re-checks never parse, or even import spaCy) and parallel parsing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from msglint.context import Context
from msglint.engine import Linter
from msglint.message import message_from_text

from .conftest import REPO

PROBE = (
    "import sys, json; from msglint.cli import main; code = main(sys.argv[1:]); "
    "print(json.dumps({'code': code, 'spacy_imported': 'spacy' in sys.modules}), file=sys.stderr)"
)


def _run(args, cache_dir):
    env = {**os.environ, "MSGLINT_CACHE_DIR": str(cache_dir)}
    run = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, cwd=REPO)
    return run.stdout, json.loads(run.stderr.strip().splitlines()[-1])


def test_second_run_is_answered_from_the_cache_without_spacy(tmp_path):
    message = tmp_path / "m.txt"
    message.write_text("Nicely done! You've been selected.\nShoes 30% off.\n")
    args = ["check", "--format", "json", str(message)]
    first_output, first = _run(args, tmp_path / "cache")
    second_output, second = _run(args, tmp_path / "cache")
    assert first == {"code": 1, "spacy_imported": True}
    assert second == {"code": 1, "spacy_imported": False}
    assert second_output == first_output
    assert (tmp_path / "cache" / "unit-results-v1.sqlite").is_file()


def test_changed_rules_or_no_cache_analyse_afresh(tmp_path):
    message = tmp_path / "m.txt"
    message.write_text("Shoes 30% off.\n")
    _run(["check", str(message)], tmp_path / "cache")
    _, cached = _run(["check", str(message)], tmp_path / "cache")
    assert cached["spacy_imported"] is False
    _, uncached = _run(["check", "--no-cache", str(message)], tmp_path / "cache")
    assert uncached["spacy_imported"] is True
    rules = tmp_path / "house.yaml"
    rules.write_text(
        "rules:\n  - id: house.shoes\n    category: tone\n    severity: error\n    message: m\n    why: w\n"
        "    suggest: s\n    match: {phrases: [shoes]}\n    examples: {flag: [shoes], pass: [boots]}\n")
    output, with_new_rules = _run(["check", "--rules", str(rules), str(message)], tmp_path / "cache")
    assert with_new_rules == {"code": 1, "spacy_imported": True}
    assert "house.shoes" in output


def test_parallel_parsing_gives_identical_results(ruleset, nlp):
    texts = [f"We miss you, friend! Lamp number {i} is 20% off. Express your style." for i in range(60)]
    items = [(message_from_text(t), Context(customer_level=1)) for t in texts]
    one = [[f.as_dict() for f in r.findings] for r in Linter(ruleset, nlp=nlp, jobs=1).check(items)]
    two = [[f.as_dict() for f in r.findings] for r in Linter(ruleset, nlp=nlp, jobs=2).check(items)]
    assert one == two
    assert all({f["rule"] for f in findings} == {"expressive.simulated-intimacy", "pyramid.overreach"} for findings in one)
