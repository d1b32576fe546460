"""The result cache: re-checks never parse, or even import spaCy (workers: tests/test_workers.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from msglint.ruleset import cache as rulecache
from msglint.sources.context import Context
from msglint.analysis.engine import Linter
from msglint.sources.message import message_from_text

from .conftest import REPO

PROBE = (
    "import sys, json; from msglint.cli import main; code = main(sys.argv[1:]); "
    "print(json.dumps({'code': code, 'spacy_imported': 'spacy' in sys.modules, "
    "'yaml_imported': 'yaml' in sys.modules or 'frontmatter' in sys.modules}), file=sys.stderr)"
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
    assert first == {"code": 1, "spacy_imported": True, "yaml_imported": True}
    # a fully cached re-check imports neither spaCy nor PyYAML (the rule set is cached as JSON)
    assert second == {"code": 1, "spacy_imported": False, "yaml_imported": False}
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
    assert with_new_rules == {"code": 1, "spacy_imported": True, "yaml_imported": True}
    assert "house.shoes" in output


def _rule_cache_file(cache_dir):
    (stored,) = cache_dir.glob("ruleset-*.json")
    return stored


def test_rule_cache_is_data_and_a_tampered_one_is_rebuilt(tmp_path):
    """The cached rule set is JSON checked like a fresh load; anything else in its place is ignored
    and rebuilt, and nothing in the cache folder is ever executed (the old pickle could be)."""
    message = tmp_path / "m.txt"
    message.write_text("Nicely done! You've been selected.\n")
    cache = tmp_path / "cache"
    expected, _ = _run(["check", "--format", "json", str(message)], cache)
    stored = _rule_cache_file(cache)
    data = json.loads(stored.read_text())
    assert data["format"] == rulecache.FORMAT
    marker = tmp_path / "executed"
    tampered = [
        b"\x80\x04cos\nsystem\n(V touch " + str(marker).encode() + b"\ntR.",  # a pickle that runs a command
        b"{not json",
        json.dumps({"format": 1, "ruleset": {"__class__": "Path", "fields": {}}}).encode(),
        # a rule made to match everything with a pattern the rule loader refuses
        stored.read_bytes().replace(b'"LOWER":"you"', b'"REGEX":"(a+)+$"', 1),
    ]
    assert b"REGEX" in tampered[-1]
    for content in tampered:
        stored.write_bytes(content)
        output, run = _run(["check", "--format", "json", str(message)], cache)
        assert output == expected and run["code"] == 1
        assert json.loads(stored.read_text())["format"] == rulecache.FORMAT  # rebuilt
    assert not marker.exists()


def test_rule_cache_round_trip_equals_a_fresh_load(tmp_path, ruleset):
    from msglint.ruleset import cache as rulecache

    stored = tmp_path / "rules.json"
    rulecache.store(stored, ruleset)
    assert rulecache.load(stored, ruleset.fingerprint) == ruleset
    assert rulecache.load(stored, "another fingerprint") is None


def test_each_input_is_read_once(tmp_path, monkeypatch, run_cli):
    """Validation and analysis share the read (within msglint.api.READ_AHEAD_BYTES)."""
    import msglint.api

    reads = []
    real = msglint.api.read_message
    monkeypatch.setattr(msglint.api, "read_message", lambda path, fmt=None: reads.append(path) or real(path, fmt))
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("You've been selected. Shoes 30% off.\n")
    result = run_cli("check", "--no-cache", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    assert sorted(reads) == sorted(str(tmp_path / name) for name in ("a.txt", "b.txt"))
    # past the budget, files are read again rather than held
    monkeypatch.setattr(msglint.api, "READ_AHEAD_BYTES", 0)
    reads.clear()
    assert run_cli("check", "--no-cache", "--format", "json", str(tmp_path)).stdout == result.stdout
    assert len(reads) == 4
