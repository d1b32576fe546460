"""Fuzzing campaign mode: generated and malformed tables through `msglint batch`.

The contract: exit 0, 1 or 2; on 2 one line on stderr naming the file, nothing on stdout and no
output file; never "internal error"; each run within a time bound; no input changed; every input
row ends as exactly one output row or one fault (rows read = rows written + faults), and a resumed
run, torn anywhere, ends byte for byte as an uninterrupted one.

Short by default; `MSGLINT_FUZZ=long pytest -m fuzz` runs the long profile.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msglint.batch import JobSpec, run_batch

pytestmark = pytest.mark.fuzz

LONG = os.environ.get("MSGLINT_FUZZ") == "long"
FUZZ = settings(max_examples=1500 if LONG else 40, deadline=None, derandomize=not LONG,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
TIME_BOUND = 10.0  # seconds per run, the bound

TEMPLATES = "template_id,text\nvip,Nicely done! You have been selected.\nplain,Free delivery on rain boots.\n"
LEVELS = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "": None, "convenience": 2}
BAD_LEVELS = ["gold", "\u00b2", "0", "7", "\u0663\u0663"]
# Characters that stress CSV and JSONL framing, and text around them.
AWKWARD = st.sampled_from(['"', ",", "\n", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\x00", "\ufeff", "\\", "{", "["])
FRAGMENT = st.one_of(AWKWARD, st.text(st.characters(codec="utf-8"), max_size=6))


def run_cli(*args: str) -> tuple[int, str, str, float]:
    from msglint.cli import main

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue(), time.perf_counter() - started


def check_contract(folder: Path, table: Path, output: Path) -> dict | None:
    """Run the batch command on `table` and hold it to the contract; the summary, or None on exit 2."""
    before = table.read_bytes()
    code, stdout, stderr, seconds = run_cli(
        "batch", "--messages", str(folder / "templates.csv"), "--recipients", str(table), "--on", "template_id",
        "--output", str(output), "--format", "json", "--chunk-size", "7", "--quiet")
    assert seconds < TIME_BOUND
    assert table.read_bytes() == before
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert code in (0, 1, 2)
    if code == 2:
        assert stdout == "" and not output.exists()
        assert stderr.count("\n") == 1 and stderr.startswith(f"msglint: error: {table}")
        return None
    assert all(line.startswith(f"msglint: {table}: row ") and len(line) <= 400 for line in stderr.splitlines())
    summary = json.loads(stdout)
    faulty = [int(line.split(": row ")[1].split()[0].rstrip(":")) for line in stderr.splitlines()]
    written = [row["row"] for row in read_output(output)]
    assert summary["rows_read"] == summary["rows"] + summary["faults"]
    assert (summary["rows"], summary["faults"]) == (len(written), len(faulty))
    assert sorted(written + faulty) == list(range(1, summary["rows_read"] + 1))  # each row once, none lost
    return summary


def read_output(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        return [{**row, "row": int(row["row"])} for row in csv.DictReader(open(path, newline="", encoding="utf-8"))]
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


def workspace() -> tuple[tempfile.TemporaryDirectory, Path]:
    holder = tempfile.TemporaryDirectory(prefix="msglint-fuzz-")
    folder = Path(holder.name)
    (folder / "templates.csv").write_text(TEMPLATES)
    return holder, folder


# -- rows intended one per line, each with a known fate ------------------------------------------

CORRUPTIONS = ["none", "none", "none", "extra field", "missing field", "open quote", "bad byte", "quoted newline"]


@st.composite
def intended_rows(draw):
    """(CSV bytes, the fate of each row: True written, False a fault). No row has a closing quote
    out of place, so every broken opening quote runs to the end of the file and reading resumes on
    the next line: the fate of each row is known."""
    count = draw(st.integers(1, 25))
    lines, fates = [b"id,template_id,level"], []
    for number in range(1, count + 1):
        template = draw(st.sampled_from(["vip", "plain", "nope"]))
        level = draw(st.sampled_from(list(LEVELS) + BAD_LEVELS))
        corruption = draw(st.sampled_from(CORRUPTIONS))
        fields = [f"r{number}", template, level]
        ok = template != "nope" and level in LEVELS
        if corruption == "extra field":
            fields.append("x")
        elif corruption == "missing field":
            fields.pop()
        elif corruption == "open quote":
            fields[1] = '"' + fields[1]
        elif corruption == "quoted newline":
            fields[0] = f'"r{number}\nsecond line"'
        line = ",".join(fields).encode()
        if corruption == "bad byte":
            line = line.replace(b"r", b"r\xff", 1)
        lines.append(line)
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(b"")  # a blank line is not a row
        fates.append(ok and corruption in ("none", "quoted newline"))
    return b"\n".join(lines) + b"\n", fates


@FUZZ
@given(intended_rows(), st.sampled_from([".jsonl", ".csv"]))
def test_each_row_is_written_or_a_fault_and_none_is_lost(table_and_fates, output_suffix):
    data, fates = table_and_fates
    holder, folder = workspace()
    with holder:
        table = folder / "recipients.csv"
        table.write_bytes(data)
        summary = check_contract(folder, table, folder / f"out{output_suffix}")
        assert summary is not None
        assert summary["rows_read"] == len(fates)
        written = {row["row"] for row in read_output(folder / f"out{output_suffix}")}
        assert written == {number for number, ok in enumerate(fates, start=1) if ok}


# -- anything at all -----------------------------------------------------------------------------

@st.composite
def arbitrary_csv(draw):
    header = draw(st.sampled_from([b"id,template_id,level\n", b"\xef\xbb\xbfid,template_id,level\r\n", b""]))
    body = draw(st.lists(st.one_of(FRAGMENT.map(lambda s: s.encode("utf-8", "surrogatepass")),
                                   st.sampled_from([b"a,vip,1\n", b"b,plain,\n", b"\xff", b"\xc3", b'"']),
                                   st.binary(max_size=8)), max_size=40))
    return header + b"".join(body)


@st.composite
def arbitrary_jsonl(draw):
    def line():
        return st.one_of(
            st.fixed_dictionaries({"id": st.one_of(st.text(max_size=8), st.integers(), st.none(), st.lists(st.integers())),
                                   "template_id": st.sampled_from(["vip", "plain", "nope", 3]),
                                   "level": st.one_of(st.sampled_from(list(LEVELS) + BAD_LEVELS), st.integers(-3, 9),
                                                      st.none(), st.floats(), st.booleans())},
                                  optional={"x": st.text(max_size=4)})
            .map(lambda row: json.dumps(row, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")),
            st.just(b'{"id": "s", "template_id": "vip", "level": 1, "t": "\\ud800"}'),
            st.just(b'{"id": "\\udfff", "template_id": "vip", "level": 1}'),
            st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
            st.binary(max_size=12),
            FRAGMENT.map(lambda s: s.encode("utf-8", "surrogatepass")),
        )

    return b"\n".join(draw(st.lists(line(), max_size=15))) + draw(st.sampled_from([b"", b"\n"]))


@FUZZ
@given(st.one_of(arbitrary_csv().map(lambda b: (".csv", b)), arbitrary_jsonl().map(lambda b: (".jsonl", b))),
       st.sampled_from([".jsonl", ".csv", ".parquet"]))
def test_any_table_keeps_the_contract(suffix_and_data, output_suffix):
    suffix, data = suffix_and_data
    holder, folder = workspace()
    with holder:
        table = folder / f"recipients{suffix}"
        table.write_bytes(data)
        output = folder / f"out{output_suffix}"
        if output_suffix == ".parquet":
            code, stdout, stderr, seconds = run_cli(
                "batch", "--messages", str(folder / "templates.csv"), "--recipients", str(table), "--on",
                "template_id", "--output", str(output), "--quiet")
            assert code in (0, 1, 2) and seconds < TIME_BOUND and "internal error" not in stderr
            assert table.read_bytes() == data
        else:
            check_contract(folder, table, output)


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_parquet_are_one_line_errors(data):
    holder, folder = workspace()
    with holder:
        table = folder / "recipients.parquet"
        table.write_bytes(b"PAR1" + data + b"PAR1")
        assert check_contract(folder, table, folder / "out.jsonl") is None


# -- resume, torn anywhere -----------------------------------------------------------------------

ID_TEXT = st.lists(st.one_of(AWKWARD, st.characters(codec="utf-8")), min_size=1, max_size=8).map("".join)


@FUZZ
@given(st.lists(st.tuples(ID_TEXT, st.sampled_from(["vip", "plain", "nope"]), st.sampled_from(list(LEVELS) + ["gold"])),
                min_size=1, max_size=12),
       st.sampled_from([".jsonl", ".csv"]), st.floats(0, 1), st.sampled_from([".jsonl", ".csv"]))
def test_a_run_torn_anywhere_resumes_to_the_same_output(rows, suffix, where, input_suffix):
    holder, folder = workspace()
    with holder:
        table = folder / f"recipients{input_suffix}"
        if input_suffix == ".csv":
            with open(table, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["id", "template_id", "level"])
                writer.writerows(rows)
        else:
            table.write_text("".join(json.dumps({"id": i, "template_id": t, "level": lv}, ensure_ascii=False) + "\n"
                                     for i, t, lv in rows), encoding="utf-8")
        spec = JobSpec(template_column="template_id")
        templates = str(folder / "templates.csv")
        reference = folder / f"reference{suffix}"
        whole = run_batch(messages=templates, recipients=str(table), spec=spec, output=str(reference), chunk_size=1)
        data = reference.read_bytes()
        torn = folder / f"torn{suffix}"
        torn.write_bytes(data[: int(where * len(data))])
        resumed = run_batch(messages=templates, recipients=str(table), spec=spec, output=str(torn), chunk_size=1,
                            resume=True)
        assert torn.read_bytes() == data
        assert (resumed.rows_read, resumed.rows, resumed.faults) == (whole.rows_read, whole.rows, whole.faults)
        assert resumed.as_dict()["templates"] == whole.as_dict()["templates"]


# -- the failures of the 2026-11-22 fuzz run, by name --------------------------------------------

HEADER = b"id,template_id,level\n"
REGRESSIONS = {
    "bytes that are not UTF-8": (".csv", HEADER + b"a,vip,1\nb,v\xe9p,1\nc,plain,2\n", 1),
    "a CSV field over the size limit": (".csv", HEADER + b"a,vip,1\nb," + b"v" * 140_000 + b",1\nc,plain,2\n", 1),
    "a superscript digit as a level": (".csv", HEADER + "a,vip,1\nb,vip,\u00b2\nc,plain,2\n".encode(), 1),
    "an unterminated quote folding the rows after it": (
        ".csv", HEADER + b"".join(b"c%d,vip,2\n" % i if i != 9 else b'c9,"vip,2\n' for i in range(1, 1001)), 1),
    "a row without its level field": (".csv", HEADER + b"a,vip,1\nb,vip\nc,plain,2\n", 1),
    "an extra field": (".csv", HEADER + b"a,vip,1\nb,vip,1,x\nc,plain,2\n", 1),
    "a lone surrogate in JSONL text": (
        ".jsonl", b'{"id": "a", "template_id": "vip", "level": 1}\n{"id": "b\\ud800", "template_id": "vip", "level": 1}\n'
        b'{"id": "c", "template_id": "plain", "level": 2}\n', 1),
    "deeply nested JSON": (
        ".jsonl", b'{"id": "a", "template_id": "vip", "level": 1}\n' + b'{"id": ' * 50_000 + b"\n"
        b'{"id": "c", "template_id": "plain", "level": 2}\n', 1),
}


@pytest.mark.parametrize("name", sorted(REGRESSIONS))
def test_named_regression(name):
    suffix, data, faults = REGRESSIONS[name]
    holder, folder = workspace()
    with holder:
        table = folder / f"recipients{suffix}"
        table.write_bytes(data)
        summary = check_contract(folder, table, folder / "out.csv")
        assert summary is not None and summary["faults"] == faults


def test_named_regression_mixed_types_in_parquet():
    import pyarrow
    import pyarrow.parquet

    holder, folder = workspace()
    with holder:
        table = folder / "recipients.parquet"
        pyarrow.parquet.write_table(pyarrow.table({
            "id": ["a", "b", "c"], "template_id": ["vip", "vip", "plain"],
            "level": pyarrow.array([None, [1], [2]], pyarrow.list_(pyarrow.int64()))}), table)
        summary = check_contract(folder, table, folder / "out.parquet.jsonl")
        assert summary is not None and (summary["rows"], summary["faults"]) == (1, 2)


def test_named_regression_corrupt_parquet():
    holder, folder = workspace()
    with holder:
        table = folder / "recipients.parquet"
        table.write_bytes(b"PAR1\x15\x00\x15\x00PAR1")
        assert check_contract(folder, table, folder / "out.jsonl") is None
