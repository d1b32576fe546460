"""Campaign mode: per-recipient rows, faults, formats, resume after a kill, and the Dask engine."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from msglint.batch import JobSpec, analyse_texts, run_batch

TEMPLATES = [
    {"template_id": "spring", "text": "Spring jackets, 30% off. Express your style."},
    {"template_id": "vip", "text": "Nicely done! You have been selected."},
    {"template_id": "plain", "text": "Free delivery on rain boots."},
]
RECIPIENTS = [
    {"id": "a", "template_id": "spring", "level": "1"},
    {"id": "b", "template_id": "spring", "level": "4"},
    {"id": "c", "template_id": "vip", "level": "convenience"},
    {"id": "d", "template_id": "nope", "level": "2"},
    {"id": "e", "template_id": "plain", "level": "gold"},
    {"id": "f", "template_id": "plain", "level": ""},
]


def write_csv(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_jsonl(path):
    return [json.loads(line) for line in open(path)]


@pytest.fixture
def campaign(tmp_path):
    return write_csv(tmp_path / "templates.csv", TEMPLATES), write_csv(tmp_path / "recipients.csv", RECIPIENTS)


def test_rows_per_recipient_and_faults_with_row_numbers(run_cli, campaign, tmp_path):
    templates, recipients = campaign
    output = tmp_path / "out.jsonl"
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients), "--on", "template_id",
                     "--output", str(output), "--format", "json")
    assert result.exit_code == 1
    assert read_jsonl(output) == [
        {"row": 1, "recipient_id": "a", "template_id": "spring", "recorded_level": 1, "detected_level": 5,
         "overreach": True, "rules": ["pyramid.overreach"]},
        {"row": 2, "recipient_id": "b", "template_id": "spring", "recorded_level": 4, "detected_level": 5,
         "overreach": False, "rules": []},
        {"row": 3, "recipient_id": "c", "template_id": "vip", "recorded_level": 2, "detected_level": 4,
         "overreach": True, "rules": ["expressive.false-selection", "expressive.unearned-praise", "pyramid.overreach"]},
        {"row": 6, "recipient_id": "f", "template_id": "plain", "recorded_level": None, "detected_level": 2,
         "overreach": False, "rules": []},
    ]
    assert result.stderr.splitlines() == [
        f"msglint: {recipients}: row 4: unknown template 'nope'",
        f"msglint: {recipients}: row 5: 'level': unknown customer level 'gold' (use 1-6 or a name: 1 utility, 2 convenience, "
        "3 feeling at ease, 4 personal recognition, 5 self-expression, 6 co-creation)",
    ]
    summary = json.loads(result.stdout)
    assert summary["rows_read"] == 6 and summary["rows"] == 4 and summary["faults"] == 2
    assert summary["overreached_by_recorded_level"] == {"1": 1, "2": 1}
    vip = next(t for t in summary["templates"] if t["template_id"] == "vip")
    assert vip["overreached"] == 1 and {f["rule"] for f in vip["findings"]} == {
        "expressive.false-selection", "expressive.unearned-praise"}


def test_one_table_mode_analyses_each_distinct_text_once_across_chunks(tmp_path, monkeypatch):
    import msglint.batch.job as job

    analysed: list[int] = []
    original = job.analyse_texts
    monkeypatch.setattr(job, "_MEMO", job.AnalysisMemo())
    monkeypatch.setattr(job, "analyse_texts", lambda texts, spec: analysed.append(len(set(texts))) or original(texts, spec))
    rows = [{"id": f"r{i}", "text": "We miss you! Boots 20% off." if i % 2 else "Boots 20% off.", "level": "1"}
            for i in range(200)]
    table = tmp_path / "rendered.jsonl"
    table.write_text("".join(json.dumps(row) + "\n" for row in rows))
    output = tmp_path / "out.csv"
    summary = run_batch(messages=str(table), spec=JobSpec(), output=str(output), chunk_size=30)
    assert analysed == [2]  # seven chunks, two distinct texts, each analysed once
    written = list(csv.DictReader(open(output)))
    assert len(written) == 200 and len({row["template_id"] for row in written}) == 2
    assert written[1]["rules"] == "expressive.simulated-intimacy pyramid.overreach"
    assert written[199]["rules"] == written[1]["rules"]
    assert summary.rows_with_rule["expressive.simulated-intimacy"] == 100


def test_parquet_in_and_out(tmp_path, campaign):
    import pyarrow
    import pyarrow.parquet

    templates, _ = campaign
    recipients = tmp_path / "recipients.parquet"
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist(
        [{"id": "x", "template_id": "vip", "level": 1}, {"id": "y", "template_id": "plain", "level": 5}]), recipients)
    output = tmp_path / "out.parquet"
    run_batch(messages=str(templates), recipients=str(recipients), spec=JobSpec(template_column="template_id"),
              output=str(output))
    rows = pyarrow.parquet.read_table(output).to_pylist()
    assert [(r["recipient_id"], r["overreach"], r["detected_level"]) for r in rows] == [("x", True, 4), ("y", False, 2)]
    assert not (tmp_path / "out.parquet.partial").exists()


def test_resume_after_a_torn_write_adds_no_duplicates(tmp_path, campaign):
    templates, recipients = campaign
    spec = JobSpec(template_column="template_id")
    reference = tmp_path / "reference.jsonl"
    run_batch(messages=str(templates), recipients=str(recipients), spec=spec, output=str(reference), chunk_size=1)
    lines = reference.read_text().splitlines(keepends=True)
    interrupted = tmp_path / "out.jsonl"
    interrupted.write_text(lines[0] + lines[1][:25])  # one complete row, then a torn one
    run_batch(messages=str(templates), recipients=str(recipients), spec=spec, output=str(interrupted),
              chunk_size=1, resume=True)
    assert interrupted.read_text() == reference.read_text()


def test_killed_run_leaves_complete_rows_and_resumes(tmp_path):
    templates = write_csv(tmp_path / "templates.csv", TEMPLATES)
    recipients = write_csv(tmp_path / "recipients.csv", [
        {"id": f"r{i}", "template_id": ("spring", "vip", "plain")[i % 3], "level": str(i % 6 + 1)}
        for i in range(60_000)])
    args = [sys.executable, "-m", "msglint", "batch", "--quiet", "--messages", str(templates), "--recipients",
            str(recipients), "--on", "template_id", "--chunk-size", "200"]
    output = tmp_path / "out.csv"
    process = subprocess.Popen(args + ["--output", str(output)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not output.exists() or output.stat().st_size < 20_000):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    rows = list(csv.DictReader(open(output)))
    assert 0 < len(rows) < 60_000, "the run was killed part-way"
    assert [int(r["row"]) for r in rows] == list(range(1, len(rows) + 1))  # complete rows only, in order
    subprocess.run(args + ["--output", str(output), "--resume"], check=False, stdout=subprocess.DEVNULL)
    resumed = list(csv.DictReader(open(output)))
    assert [int(r["row"]) for r in resumed] == list(range(1, 60_001))


@pytest.mark.slow
def test_dask_engine_matches_local_engine(tmp_path):
    from distributed import LocalCluster

    rows = [{"id": f"r{i}", "text": f"We miss you, friend. Boots {i % 7}0% off.", "level": str(i % 6 + 1)} for i in range(300)]
    table = tmp_path / "rendered.jsonl"
    table.write_text("".join(json.dumps(row) + "\n" for row in rows))
    local, distributed_out = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    run_batch(messages=str(table), spec=JobSpec(), output=str(local), chunk_size=50)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        run_batch(messages=str(table), spec=JobSpec(), output=str(distributed_out), chunk_size=50,
                  engine="dask", scheduler=cluster.scheduler_address)
    finally:
        cluster.close()
    assert distributed_out.read_text() == local.read_text()
    assert len(read_jsonl(local)) == 300


def test_analysis_memo_is_bounded():
    from msglint.batch.job import AnalysisMemo, TextAnalysis

    memo = AnalysisMemo(capacity=2)
    for key in ("a", "b", "c"):
        memo.put(key, TextAnalysis(1, ()))
    assert memo.get("a") is None and memo.get("c") == TextAnalysis(1, ())


def test_library_api_for_pandas_or_spark():
    analyses = analyse_texts(["Help us design the next jacket.", "Boots 20% off."], JobSpec())
    jacket = analyses["Help us design the next jacket."]
    assert jacket.detected_level == 6
    assert jacket.for_level(4) == (True, ["pyramid.overreach"])
    assert jacket.for_level(5) == (False, [])
    assert analyses["Boots 20% off."].for_level(1) == (False, [])


def test_batch_usage_errors(run_cli, campaign, tmp_path):
    templates, recipients = campaign
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients))
    assert result.exit_code == 2 and "--recipients needs --on COLUMN" in result.stderr
    result = run_cli("batch", "--messages", str(recipients), "--text-column", "body")
    assert result.exit_code == 2 and "no column 'body'" in result.stderr
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients), "--on", "template_id",
                     "--output", str(tmp_path / "x.parquet"), "--resume")
    assert result.exit_code == 2 and "--resume needs JSONL or CSV output" in result.stderr
