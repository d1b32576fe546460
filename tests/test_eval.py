"""`msglint eval`: its numbers on a small labelled file, its output shapes, and accuracy floors.

The floors sit slightly below what the rules reach today, so that a regression fails CI. The dev
sets are read in place from ../shared/eval (never copied here); their tests are skipped where absent.
"""

from __future__ import annotations

import json
import os

import pytest

from .conftest import REPO

DEV_SET = REPO.parent / "shared" / "eval" / "dev.jsonl"
DEV2_SET = REPO.parent / "shared" / "eval" / "dev2.jsonl"


@pytest.fixture
def labelled_file(tmp_path):
    rows = [
        {"id": "a", "text": "Nicely done! Shoes 30% off.", "expressive": True, "level": 4},
        {"id": "b", "text": "Shoes 30% off.", "expressive": False, "level": 1},
        {"id": "c", "text": "Free delivery to your door.", "expressive": False, "level": 3},
        {"id": "d", "text": "We noticed you like boots.", "expressive": True, "level": None},
        {"id": "e", "text": "Help us pick the next colour.", "expressive": None, "level": 6},
    ]
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return path


def test_eval_counts_on_a_small_labelled_file(run_cli, labelled_file):
    result = run_cli("eval", "--format", "json", "--show-errors", str(labelled_file))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["messages"] == 5
    # a: tp; b: tn; c: tn; d: fn ("we noticed" is recognition, not flattery); e: unlabelled
    assert {k: report["expressive"][k] for k in ("labelled", "tp", "fp", "fn", "tn")} == {
        "labelled": 4, "tp": 1, "fp": 0, "fn": 1, "tn": 2}
    assert report["expressive"]["precision"] == 1.0 and report["expressive"]["recall"] == 0.5
    matrix = report["pyramid"]["confusion"]["matrix"]
    assert len(matrix) == 6 and all(len(row) == 6 for row in matrix)
    assert matrix[3][3] == 1 and matrix[0][0] == 1 and matrix[2][1] == 1 and matrix[5][5] == 1
    assert report["pyramid"]["labelled"] == 4
    assert report["pyramid"]["exact"] == 0.75 and report["pyramid"]["within_one"] == 1.0
    by_id = {error["id"]: error for error in report["errors"]}
    assert set(by_id) == {"c", "d"}
    assert by_id["c"]["problems"] == ["level 3 detected 2"]
    assert by_id["d"]["problems"] == ["expressive missed"]


def test_eval_text_output_has_metrics_and_matrix(run_cli, labelled_file):
    result = run_cli("eval", "--show-errors", str(labelled_file))
    assert result.exit_code == 0
    assert "precision 1.000  recall 0.500  F1 0.667" in result.stdout
    assert "exact 0.750  within one 1.000" in result.stdout
    assert "  L6        0    0    0    0    0    1" in result.stdout
    assert "- d: expressive missed" in result.stdout


def test_eval_rejects_bad_rows(run_cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok", "level": 1}\n{"text": "x", "level": 9}\n')
    result = run_cli("eval", str(bad))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"msglint: error: {bad}:2: 'level' must be an integer 1-6 or null"


@pytest.mark.parametrize("row, problem", [
    ('{"text": "x", "level": 2.0}', "'level' must be an integer 1-6 or null"),
    ('{"text": "x", "level": [2]}', "'level' must be an integer 1-6 or null"),
    ('{"text": "x", "expressive": 1}', "'expressive' must be true, false or null"),
    ('{"text": "x", "id": 1.5}', "'id' must be a string or an integer"),
    ('{"text": "x", "id": ["a"]}', "'id' must be a string or an integer"),
    ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nested too deeply"),
    ('{"text": "\\ud800"}', "'text' holds a lone surrogate (not valid Unicode)"),
])
def test_eval_names_the_line_and_field_at_fault(run_cli, tmp_path, row, problem):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n' + row + "\n")
    result = run_cli("eval", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"msglint: error: {bad}:2: {problem}"


def test_eval_refuses_what_is_not_a_regular_file(run_cli, tmp_path):
    fifo = tmp_path / "labels.jsonl"
    os.mkfifo(fifo)
    result = run_cli("eval", str(fifo))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"msglint: error: {fifo}: a FIFO, not a regular file; msglint reads regular files only"


def test_eval_keeps_line_separators_inside_a_record(run_cli, tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"id": "a\u2028b", "text": "Shoes\u2029 30% off.", "level": 1}, ensure_ascii=False) + "\n")
    report = json.loads(run_cli("eval", "--format", "json", str(path)).stdout)
    assert report["messages"] == 1 and report["pyramid"]["exact"] == 1.0


def test_eval_several_files_by_source(run_cli, tmp_path, labelled_file):
    second = tmp_path / "second.jsonl"
    rows = [
        {"id": "s1", "text": "Congratulations! Shoes 30% off.", "expressive": True, "level": 4, "source": "acme/ads@abc:ads.csv"},
        {"id": "s2", "text": "Shoes 30% off.", "expressive": False, "level": 1, "source": "acme/ads@abc:ads.csv"},
        {"id": "s3", "text": "Relax in our spa.", "expressive": False, "level": 3, "source": "other/sms@def:x.csv"},
    ]
    second.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    report = json.loads(run_cli("eval", "--format", "json", "--by", "source", str(labelled_file), str(second)).stdout)
    assert report["data"] == [str(labelled_file), str(second)]
    assert report["messages"] == 8
    assert report["by"] == "source"
    assert list(report["groups"]) == ["(none)", "acme/ads", "other/sms"]
    assert report["groups"]["acme/ads"]["messages"] == 2
    assert report["groups"]["acme/ads"]["expressive"]["tp"] == 1
    assert report["groups"]["acme/ads"]["expressive"]["tn"] == 1
    assert report["groups"]["other/sms"]["pyramid"]["exact"] == 1.0
    assert report["expressive"]["tp"] == 2  # the totals cover both files
    text = run_cli("eval", "--by", "file", str(labelled_file), str(second)).stdout
    assert "by file" in text and str(second) in text and str(labelled_file) in text


def _scores(run_cli, data):
    result = run_cli("eval", "--format", "json", str(data))
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_corpus_floors(run_cli):
    report = _scores(run_cli, REPO / "corpora")
    assert report["messages"] >= 200
    assert report["expressive"]["precision"] >= 0.97
    assert report["expressive"]["f1"] >= 0.97
    assert report["pyramid"]["exact"] >= 0.97
    assert report["pyramid"]["within_one"] >= 0.97


@pytest.mark.skipif(not DEV_SET.is_file(), reason="../shared/eval/dev.jsonl is not beside this checkout")
def test_dev_set_floors(run_cli):
    report = _scores(run_cli, DEV_SET)
    assert report["messages"] == 236
    assert report["expressive"]["precision"] >= 0.95
    assert report["expressive"]["f1"] >= 0.84
    assert report["pyramid"]["exact"] >= 0.88
    assert report["pyramid"]["within_one"] >= 0.93


@pytest.mark.skipif(not DEV2_SET.is_file(), reason="../shared/eval/dev2.jsonl is not beside this checkout")
def test_second_dev_set_floors_and_sources(run_cli):
    result = run_cli("eval", "--format", "json", "--by", "source", str(DEV2_SET))
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["messages"] == 360
    assert report["expressive"]["precision"] >= 0.95
    assert report["expressive"]["f1"] >= 0.90
    assert report["pyramid"]["exact"] >= 0.82
    assert report["pyramid"]["within_one"] >= 0.86
    assert len(report["groups"]) == 9
    assert sum(group["messages"] for group in report["groups"].values()) == 360
