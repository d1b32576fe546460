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


# -- strict, lossless input --------------------------------------------------------------------

from msglint.batch.tables import RowFault, iter_rows  # noqa: E402


def faults_of(path):
    return [(number, row.line, row.problem) for number, row in iter_rows(str(path)) if isinstance(row, RowFault)]


def test_an_unterminated_quote_is_one_faulty_row_and_the_rows_after_it_are_read(run_cli, campaign, tmp_path):
    templates, _ = campaign
    lines = ["id,template_id,level"] + [f"c{i},{('spring', 'vip', 'plain')[i % 3]},{i % 6 + 1}" for i in range(1, 1001)]
    lines[9] = 'c9,"vip,2'
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.jsonl"
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients), "--on", "template_id",
                     "--output", str(output), "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"msglint: {recipients}: row 9 (line 10): a quote that is never closed"]
    written = read_jsonl(output)
    assert [row["row"] for row in written] == [n for n in range(1, 1001) if n != 9]
    assert written[-1]["recipient_id"] == "c1000"
    summary = json.loads(result.stdout)
    assert (summary["rows_read"], summary["rows"], summary["faults"]) == (1000, 999, 1)


def test_a_quote_out_of_place_spanning_lines_resynchronises_on_the_next_line(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text('id,text,level\na,"fine",1\nb,"broken\nc,"x"y,2\nd,ok,3\n')
    assert faults_of(table) == [(2, 3, "a quote out of place (a quote inside a field must be doubled)"),
                                (3, 4, "a quote out of place (a quote inside a field must be doubled)")]
    assert [row["id"] for _, row in iter_rows(str(table)) if isinstance(row, dict)] == ["a", "d"]


def test_a_quoted_field_over_several_lines_is_one_row(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text('id,text,level\na,"Spring boots.\n\nFree delivery, always.",1\nb,next,2\n')
    assert [(n, row) for n, row in iter_rows(str(table))] == [
        (1, {"id": "a", "text": "Spring boots.\n\nFree delivery, always.", "level": "1"}),
        (2, {"id": "b", "text": "next", "level": "2"})]


def test_wrong_field_counts_name_the_row_and_the_counts(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("id,template_id,level\na,vip,1\nb,vip,1,extra\n\nc,vip\nd,vip,3\n")
    assert faults_of(table) == [(2, 3, "4 fields, expected 3 (id, template_id, level)"),
                                (3, 5, "2 fields, expected 3 (id, template_id, level)")]


def test_rows_whose_boundaries_cannot_be_recovered_stop_the_run_before_any_output(run_cli, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text('id,text,level\na,"Boots\nb,",1,extra\nc,Shoes,2\n')  # well-formed quoting, one field too many
    output = tmp_path / "out.jsonl"
    result = run_cli("batch", "--messages", str(table), "--output", str(output))
    assert result.exit_code == 2 and result.stdout == "" and not output.exists()
    assert result.stderr == (f"msglint: error: {table}: row 1 (lines 2-3): a quoted field spans lines and the row "
                             "has 4 fields, expected 3 (id, text, level); cannot tell where the row ends, so nothing "
                             "was checked\n")


def test_bytes_that_are_not_utf8_and_oversized_fields_are_row_faults(tmp_path):
    import csv as csv_module

    table = tmp_path / "t.csv"
    big = "x" * (csv_module.field_size_limit() + 1)
    table.write_bytes(b"id,text,level\na,caf\xe9,1\nb," + big.encode() + b",2\nc,fine,3\n")
    assert faults_of(table) == [
        (1, 2, "bytes that are not UTF-8 (byte 6 of the line)"),
        (2, 3, f"a field longer than the CSV limit of {csv_module.field_size_limit():,} characters")]
    assert [row["id"] for _, row in iter_rows(str(table)) if isinstance(row, dict)] == ["c"]


def test_jsonl_faults_name_the_line_and_keep_reading(tmp_path):
    table = tmp_path / "t.jsonl"
    table.write_bytes(b'{"id": "a", "text": "x", "level": 1}\n\n[1, 2]\n{"id": "b", \n' + b"[" * 100_000 + b"\n"
                      + b'{"id": "\xff"}\n{"id": "c", "text": "y", "level": 2}\n')
    assert faults_of(table) == [
        (2, 3, "not a JSON object but list"),
        (3, 4, "not valid JSON (Expecting property name enclosed in double quotes at column 13)"),
        (4, 5, "JSON nested too deeply"),
        (5, 6, "bytes that are not UTF-8 (byte 9 of the line)")]
    assert [row["id"] for _, row in iter_rows(str(table)) if isinstance(row, dict)] == ["a", "c"]


def test_row_values_that_cannot_be_used_are_faults_not_errors(tmp_path):
    from msglint.batch.job import TextAnalysis, process_chunk

    templates = {"vip": TextAnalysis(4, ())}
    spec = JobSpec(template_column="template_id")
    rows = [
        (1, {"id": "a", "template_id": "vip", "level": "\u00b2"}),  # a superscript two
        (2, {"id": "b", "template_id": "vip"}),
        (3, {"id": "c", "template_id": "vip", "level": None}),
        (4, {"id": "d", "template_id": "vip", "level": ""}),
        (5, {"id": "e\ud800", "template_id": "vip", "level": 1}),
        (6, {"id": [[1]], "template_id": "vip", "level": 1}),
        (7, {"id": "g", "template_id": "vip", "level": [1]}),
        (8, {"id": 8, "template_id": "vip", "level": 2.0}),
        (9, {"id": "i", "template_id": "vip", "level": "x" * 10_000}),
        (10, RowFault(11, "JSON nested too deeply")),
    ]
    out, faults = process_chunk(rows, spec, templates)
    assert [(row["row"], row["recorded_level"]) for row in out] == [(3, None), (4, None)]
    problems = {fault["row"]: fault["problem"] for fault in faults}
    assert problems[1].startswith("'level': unknown customer level '\u00b2'")
    assert problems[2] == "no field 'level'"
    assert problems[5] == "'id' holds a lone surrogate (\\ud800)"
    assert problems[6] == "'id' must be text or a whole number, not list"
    assert problems[7] == "'level' must be 1-6 or a level name, not list"
    assert problems[8] == "'level' must be 1-6 or a level name, not float"
    assert len(problems[9]) <= 200 and problems[9].endswith("...")
    assert faults[-1] == {"row": 10, "line": 11, "problem": "JSON nested too deeply"}
    assert len(out) + len(faults) == len(rows)


def test_a_corrupt_parquet_file_is_one_line_naming_the_file(run_cli, tmp_path):
    table = tmp_path / "rendered.parquet"
    table.write_bytes(b"PAR1" + os.urandom(64) + b"PAR1")
    result = run_cli("batch", "--messages", str(table), "--output", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 2 and result.stdout == "" and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"msglint: error: {table}: not a readable Parquet table (")
    assert "internal error" not in result.stderr and not (tmp_path / "out.jsonl").exists()


def test_parquet_columns_of_unexpected_types_are_row_faults(tmp_path, campaign):
    import pyarrow
    import pyarrow.parquet

    templates, _ = campaign
    recipients = tmp_path / "recipients.parquet"
    pyarrow.parquet.write_table(pyarrow.table({
        "id": pyarrow.array([["x"], ["y"], ["z"]]),
        "template_id": ["vip", "vip", "vip"],
        "level": pyarrow.array([{"n": 1}, None, {"n": 3}]),
    }), recipients)
    faults = []
    summary = run_batch(messages=str(templates), recipients=str(recipients), spec=JobSpec(template_column="template_id"),
                        on_fault=lambda table, fault: faults.append(fault["problem"]))
    assert faults == ["'id' must be text or a whole number, not list"] * 3
    assert (summary.rows_read, summary.rows, summary.faults) == (3, 0, 3)


def test_rows_read_equal_rows_written_plus_faults_over_malformed_tables(tmp_path, campaign):
    templates, _ = campaign
    recipients = tmp_path / "recipients.csv"
    recipients.write_bytes(
        b'id,template_id,level\na,vip,1\nb,"vip,2\nc,vip\nd,vip,3,4\ne,vi\xffp,1\nf,nope,1\ng,plain,gold\n'
        b'h,plain,\xc2\xb2\n"i""",plain,\n\nj,"pl\nain",2\nk,spring,6\n')
    output = tmp_path / "out.csv"
    faults = []
    summary = run_batch(messages=str(templates), recipients=str(recipients), spec=JobSpec(template_column="template_id"),
                        output=str(output), chunk_size=3, on_fault=lambda table, fault: faults.append(fault["row"]))
    written = list(csv.DictReader(open(output, newline="")))
    assert [int(row["row"]) for row in written] == [1, 9, 11]
    assert sorted(faults + [int(row["row"]) for row in written]) == list(range(1, 12))  # each row once
    assert (summary.rows_read, summary.rows, summary.faults) == (11, 3, 8)
    assert written[1]["recipient_id"] == 'i"' and written[1]["recorded_level"] == ""
    assert {row["overreach"] for row in written} == {"true", "false"}  # as JSON writes them


def test_fault_lines_are_capped(run_cli, campaign, tmp_path):
    templates, _ = campaign
    recipients = write_csv(tmp_path / "r.csv", [{"id": "a", "template_id": "vip", "level": "gold" * 5000}])
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients), "--on", "template_id")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1 and len(result.stderr) <= 401


# -- resume ------------------------------------------------------------------------------------

def resumed_equals_reference(tmp_path, templates, recipients, suffix, cut):
    """Run once whole, tear the output with `cut`, resume: same bytes and the same summary."""
    spec = JobSpec(template_column="template_id")
    reference = tmp_path / f"reference{suffix}"
    whole = run_batch(messages=str(templates), recipients=str(recipients), spec=spec, output=str(reference),
                      chunk_size=1)
    interrupted = tmp_path / f"out{suffix}"
    interrupted.write_bytes(cut(reference.read_bytes()))
    resumed = run_batch(messages=str(templates), recipients=str(recipients), spec=spec, output=str(interrupted),
                        chunk_size=1, resume=True)
    assert interrupted.read_bytes() == reference.read_bytes()
    assert resumed.rows_read == whole.rows_read
    for key in ("rows", "faults", "rows_with_rule", "overreached_by_recorded_level", "templates"):
        assert resumed.as_dict()[key] == whole.as_dict()[key], key
    return resumed


def test_resume_does_not_merge_a_torn_csv_row_into_the_next(tmp_path, campaign):
    templates, _ = campaign
    recipients = write_csv(tmp_path / "r.csv", [
        {"id": "a", "template_id": "vip", "level": "1"}, {"id": "b\nsecond line", "template_id": "spring", "level": "2"},
        {"id": "c", "template_id": "nope", "level": "2"}, {"id": "d", "template_id": "plain", "level": "3"}])

    def torn_after_the_embedded_newline(data: bytes) -> bytes:
        return data[: data.index(b"second line")]

    resumed = resumed_equals_reference(tmp_path, templates, recipients, ".csv", torn_after_the_embedded_newline)
    assert (resumed.earlier_rows, resumed.earlier_faults, resumed.faults) == (1, 0, 1)


def test_resume_reads_jsonl_ids_with_unicode_line_separators(tmp_path, campaign):
    templates, _ = campaign
    recipients = tmp_path / "r.jsonl"
    ids = ["a\u2028x", "b\u2029y", "c\u0085z", "d\x1cw"]
    recipients.write_text("".join(json.dumps({"id": i, "template_id": "vip", "level": 2}, ensure_ascii=False) + "\n"
                                  for i in ids), encoding="utf-8")

    def torn_in_the_third_row(data: bytes) -> bytes:
        return data[: data.index("c\u0085z".encode()) + 2]

    resumed = resumed_equals_reference(tmp_path, templates, recipients, ".jsonl", torn_in_the_third_row)
    assert resumed.earlier_rows == 2 and [row["recipient_id"] for row in read_jsonl(tmp_path / "out.jsonl")] == ids


def test_resume_refuses_a_file_it_did_not_write_and_leaves_it_alone(run_cli, campaign, tmp_path):
    templates, recipients = campaign
    before = recipients.read_bytes()
    other = tmp_path / "notes.csv"
    other.write_bytes(before)
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients), "--on", "template_id",
                     "--output", str(other), "--resume")
    assert result.exit_code == 2 and other.read_bytes() == before and result.stdout == ""
    assert result.stderr.startswith(f"msglint: error: {other}: cannot resume: its header is 'id, template_id, level'")
    result = run_cli("batch", "--messages", str(templates), "--recipients", str(recipients), "--on", "template_id",
                     "--output", str(recipients))
    assert result.exit_code == 2 and recipients.read_bytes() == before
    assert result.stderr == f"msglint: error: {recipients}: the output would overwrite an input table\n"


def test_parquet_output_keeps_one_schema_when_a_first_chunk_has_only_unknown_levels(tmp_path, campaign):
    import pyarrow.parquet

    templates, _ = campaign
    recipients = write_csv(tmp_path / "r.csv", [{"id": "a", "template_id": "vip", "level": ""},
                                                {"id": 2, "template_id": "vip", "level": "1"}])
    output = tmp_path / "out.parquet"
    run_batch(messages=str(templates), recipients=str(recipients), spec=JobSpec(template_column="template_id"),
              output=str(output), chunk_size=1)
    table = pyarrow.parquet.read_table(output)
    assert [(r["recipient_id"], r["recorded_level"], r["overreach"]) for r in table.to_pylist()] == [
        ("a", None, False), ("2", 1, True)]
    assert str(table.schema.field("recorded_level").type) == "int64"


def test_parquet_output_of_no_rows_is_an_empty_table(tmp_path, campaign):
    import pyarrow.parquet

    templates, _ = campaign
    recipients = write_csv(tmp_path / "r.csv", [{"id": "a", "template_id": "nope", "level": "1"}])
    output = tmp_path / "out.parquet"
    summary = run_batch(messages=str(templates), recipients=str(recipients), spec=JobSpec(template_column="template_id"),
                        output=str(output))
    assert summary.faults == 1 and pyarrow.parquet.read_table(output).num_rows == 0


def test_unreadable_inputs_and_unwritable_outputs_are_one_line_errors(run_cli, campaign, tmp_path):
    templates, recipients = campaign
    base = ("batch", "--messages", str(templates), "--recipients")
    cases = [
        ((*base, str(tmp_path), "--on", "template_id"), f"{tmp_path}: not a regular file"),
        ((*base, str(recipients), "--on", "template_id", "--output", str(tmp_path / "no" / "out.csv")),
         f"{tmp_path / 'no' / 'out.csv'}: no such directory for the output"),
        ((*base, str(recipients), "--on", "template_id", "--output", str(tmp_path)),
         f"{tmp_path}: unknown table format"),
    ]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    cases.append(((*base, str(empty), "--on", "template_id"), f"{empty}: empty table (no header row)"))
    for args, message in cases:
        result = run_cli(*args)
        assert result.exit_code == 2 and result.stdout == "", args
        assert result.stderr.startswith(f"msglint: error: {message}") and result.stderr.count("\n") == 1, result.stderr
