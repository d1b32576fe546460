"""Reading tables strictly and without loss: CSV, JSONL and Parquet, chosen by file extension.

Rows are numbered from 1 in input order (for CSV, the header is not a row; blank lines are not
rows), so faults and resumed runs can name them. Every row is either read or reported as a
`RowFault` with the row number and the physical line it starts on: a bad row never swallows the
rows after it, and nothing in a table reaches the caller as an exception other than
`MsglintError` (for problems that concern the whole file).
"""

from __future__ import annotations

import codecs
import csv
import json
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import MsglintError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
PROBLEM_LIMIT = 200  # characters of a problem shown on one line; values echoed in it are clipped too
_SHOWN_LIMIT = 40


@dataclass(frozen=True)
class RowFault:
    """A row that cannot be read: the physical line it starts on, and the problem, on one line."""

    line: int
    problem: str


def clip(text: str, limit: int = PROBLEM_LIMIT) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value) -> str:
    """A value echoed in a problem: its repr, clipped, never a whole row."""
    try:
        text = repr(value)
    except RecursionError:
        text = f"<deeply nested {type(value).__name__}>"
    return clip(text, _SHOWN_LIMIT)


def table_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise MsglintError(f"{path}: unknown table format (use .csv, .jsonl or .parquet)")
    return FORMATS[suffix]


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MsglintError("Parquet needs pyarrow: pip install '.[batch]' in msglint's checkout") from None
    return pyarrow


def iter_rows(path: str) -> Iterator[tuple[int, dict | RowFault]]:
    """(row number, row) pairs; a row that cannot be read is (number, RowFault), and reading goes on.

    Raises MsglintError for what spoils the whole file: no header, a CSV whose row boundaries
    cannot be recovered, an unreadable Parquet file."""
    _require_file(path)
    kind = table_format(path)
    try:
        if kind == "csv":
            yield from _csv_rows(path)
        elif kind == "jsonl":
            yield from _jsonl_rows(path)
        else:
            yield from _parquet_rows(path)
    except OSError as exc:
        raise MsglintError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _require_file(path: str) -> None:
    if not Path(path).exists():
        raise MsglintError(f"{path}: no such file")
    if not Path(path).is_file():
        raise MsglintError(f"{path}: not a regular file")


def scan_table(path: str) -> None:
    """Read the whole table once, so that a problem with the whole file stops the run before
    anything is written. JSONL has no such problem: every line stands alone."""
    if table_format(path) != "jsonl":
        for _ in iter_rows(path):
            pass


# -- CSV ---------------------------------------------------------------------------------------

def _physical_lines(path: str) -> Iterator[tuple[int, str, int | None]]:
    """(line number, text, offset of the first byte that is not UTF-8 or None), split on \\n only."""
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield number, raw.decode("utf-8"), None
            except UnicodeDecodeError as exc:
                # Replacement characters keep the row's boundaries (they are neither quotes nor
                # newlines), so the row is reported and the next one is read as usual.
                yield number, raw.decode("utf-8", "replace"), exc.start + 1


@dataclass
class _Record:
    first_line: int
    last_line: int
    fields: list[str] | None  # None: the CSV grammar broke inside this record
    problem: str | None
    bad_byte: tuple[int, int] | None  # (line, byte) of the first byte that is not UTF-8


def _csv_problem(error: csv.Error) -> str:
    message = str(error)
    if "field larger than field limit" in message:
        return f"a field longer than the CSV limit of {csv.field_size_limit():,} characters"
    if "unexpected end of data" in message:
        return "a quote that is never closed"
    if "expected after" in message:
        return "a quote out of place (a quote inside a field must be doubled)"
    if "new-line character" in message:
        return "a carriage return inside an unquoted field"
    return f"not valid CSV ({clip(message, 80)})"


def _csv_records(lines: Iterator[tuple[int, str, int | None]]) -> Iterator[_Record]:
    """CSV records with the physical lines they span. A record whose quoting breaks (a quote never
    closed, text after a closing quote) is reported as a broken record starting on its first line,
    and reading starts again on the line after it: the rows it would have swallowed are read."""
    replay: deque[tuple[int, str, int | None]] = deque()
    consumed: list[tuple[int, str, int | None]] = []  # the lines of the record being read
    undecodable = [False]  # whether any of them had bytes that are not UTF-8

    def feed():
        while True:
            if replay:
                item = replay.popleft()
            else:
                item = next(lines, None)
                if item is None:
                    return
            consumed.append(item)
            if item[2] is not None:
                undecodable[0] = True
            yield item[1]

    while True:
        reader = csv.reader(feed(), strict=True)
        try:
            for fields in reader:
                first, last = consumed[0][0], consumed[-1][0]
                bad = None
                if undecodable[0]:
                    bad = next((n, b) for n, _, b in consumed if b is not None)
                    undecodable[0] = False
                consumed.clear()
                if fields:  # else a blank line, not a row
                    yield _Record(first, last, fields, None, bad)
            return
        except csv.Error as error:
            record_lines = consumed[:]
            consumed.clear()
            undecodable[0] = False
            yield _Record(record_lines[0][0], record_lines[-1][0], None, _csv_problem(error), None)
            replay.extendleft(reversed(record_lines[1:]))  # resynchronise on the line after the broken record's start


def _csv_header(path: str, records: Iterator[_Record]) -> list[str]:
    header_record = next(records, None)
    if header_record is None:
        raise MsglintError(f"{path}: empty table (no header row)")
    if header_record.fields is None or header_record.bad_byte:
        problem = header_record.problem or f"bytes that are not UTF-8 (byte {header_record.bad_byte[1]})"
        raise MsglintError(f"{path}: line {header_record.first_line}: the header row is unreadable: {problem}")
    header = header_record.fields
    duplicated = next((name for name in header if header.count(name) > 1), None)
    if duplicated is not None:
        raise MsglintError(f"{path}: column {shown(duplicated)} appears twice in the header")
    return header


def _csv_rows(path: str) -> Iterator[tuple[int, dict | RowFault]]:
    records = _csv_records(_physical_lines(path))
    header = _csv_header(path, records)
    expected = f"expected {len(header)} ({clip(', '.join(header), 60)})"
    for number, record in enumerate(records, start=1):
        if record.fields is None:
            yield number, RowFault(record.first_line, record.problem)
        elif record.bad_byte is not None:
            line, byte = record.bad_byte
            yield number, RowFault(line, f"bytes that are not UTF-8 (byte {byte} of the line)")
        elif len(record.fields) != len(header):
            if record.last_line != record.first_line:
                # A well-formed quoted field spanning lines, yet the wrong number of fields: a quote
                # is out of place somewhere, and there is no telling which lines are rows.
                raise MsglintError(
                    f"{path}: row {number} (lines {record.first_line}-{record.last_line}): a quoted field spans "
                    f"lines and the row has {len(record.fields)} fields, {expected}; cannot tell where the row "
                    "ends, so nothing was checked")
            yield number, RowFault(record.first_line, f"{len(record.fields)} fields, {expected}")
        else:
            yield number, dict(zip(header, record.fields))


# -- JSONL -------------------------------------------------------------------------------------

def _jsonl_rows(path: str) -> Iterator[tuple[int, dict | RowFault]]:
    # Split on \n only: U+2028, U+2029 and U+0085 are ordinary characters inside a JSON string.
    number = 0
    with open(path, "rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if line_number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not raw.strip():
                continue
            number += 1
            yield number, _json_object(raw, line_number)


def _json_object(raw: bytes, line_number: int) -> dict | RowFault:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return RowFault(line_number, f"bytes that are not UTF-8 (byte {exc.start + 1} of the line)")
    try:
        row = json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        return RowFault(line_number, f"not valid JSON ({exc.msg} at column {exc.colno})")
    except RecursionError:
        return RowFault(line_number, "JSON nested too deeply")
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        return RowFault(line_number, f"not valid JSON ({clip(exc, 80)})")
    if not isinstance(row, dict):
        return RowFault(line_number, f"not a JSON object but {type(row).__name__}")
    return row


# -- Parquet -----------------------------------------------------------------------------------

def _parquet_rows(path: str) -> Iterator[tuple[int, dict | RowFault]]:
    pyarrow = _pyarrow()
    number = 0
    try:
        parquet = pyarrow.parquet.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=65_536):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except MsglintError:
        raise
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a corrupt file
        where = f"row {number + 1}" if number else "file"
        raise MsglintError(f"{path}: not a readable Parquet table ({where}: {type(exc).__name__}: {clip(exc, 120)})") from None


def table_columns(path: str) -> list[str] | None:
    """The columns every row has (CSV header, Parquet schema), or None for JSONL."""
    _require_file(path)
    kind = table_format(path)
    if kind == "csv":
        try:
            return _csv_header(path, _csv_records(_physical_lines(path)))
        except OSError as exc:
            raise MsglintError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if kind == "parquet":
        try:
            return list(_pyarrow().parquet.ParquetFile(path).schema_arrow.names)
        except MsglintError:
            raise
        except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a corrupt file
            raise MsglintError(f"{path}: not a readable Parquet table ({type(exc).__name__}: {clip(exc, 120)})") from None
    return None


def require_columns(path: str, columns: list[str]) -> None:
    """Fail early, naming the file, when a column the job needs is not in the table. For JSONL,
    where each row has its own fields, only when none of the first rows has it."""
    known = table_columns(path)
    if known is None:
        seen: set[str] = set()
        for _, row in zip(range(1000), (row for _, row in iter_rows(path) if isinstance(row, dict))):
            seen.update(row)
        if not seen:
            return
        known = sorted(seen)
    missing = [c for c in columns if c not in known]
    if missing:
        raise MsglintError(f"{path}: no column {shown(missing[0])} (columns: {clip(', '.join(known), 120)})")
