"""Reading and writing tables in chunks: CSV, JSONL and Parquet, chosen by file extension.

Rows are numbered from 1 in input order (for CSV, the header is not a row), so faults and resumed
runs can name them.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Iterator

from ..errors import MsglintError

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


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
        raise MsglintError("Parquet needs pyarrow: pip install 'msglint[batch]'") from None
    return pyarrow


def iter_rows(path: str) -> Iterator[tuple[int, dict | None]]:
    """(row number, row) pairs; a row that cannot be read is (number, None), and reading goes on."""
    if not Path(path).is_file():
        raise MsglintError(f"{path}: no such file")
    kind = table_format(path)
    if kind == "csv":
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for number, row in enumerate(reader, start=1):
                yield number, (None if None in row else row)  # None key: more cells than headers
    elif kind == "jsonl":
        with open(path, encoding="utf-8") as handle:
            number = 0
            for line in handle:
                if not line.strip():
                    continue
                number += 1
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    row = None
                yield number, row if isinstance(row, dict) else None
    else:
        parquet = _pyarrow().parquet.ParquetFile(path)
        number = 0
        for batch in parquet.iter_batches(batch_size=65_536):
            for row in batch.to_pylist():
                number += 1
                yield number, row


def require_columns(path: str, columns: list[str]) -> None:
    """Fail early, naming the file, when a column the job needs is not in the table."""
    for _, row in iter_rows(path):
        if row is not None:
            missing = [c for c in columns if c not in row]
            if missing:
                raise MsglintError(f"{path}: no column {missing[0]!r} (columns: {', '.join(row)})")
            return


class RowWriter:
    """Appends rows chunk by chunk; each chunk is flushed whole, so a killed run leaves only
    complete rows (JSONL, CSV). Parquet is written to a temporary file and renamed at the end."""

    def __init__(self, path: str, columns: list[str], *, resume: bool):
        self.path, self.columns, self.kind = path, columns, table_format(path)
        self.last_row = 0  # input row number of the last complete output row, for --resume
        if self.kind == "parquet":
            if resume:
                raise MsglintError(f"{path}: --resume needs JSONL or CSV output (Parquet is written at the end)")
            self._partial = Path(f"{path}.partial")
            self._parquet_writer = None
            return
        has_rows = False
        if resume and Path(path).is_file():
            has_rows = self._keep_complete_rows()
        self._handle = open(path, "a" if resume else "w", newline="", encoding="utf-8")
        if self.kind == "csv":
            self._csv = csv.DictWriter(self._handle, fieldnames=columns, extrasaction="ignore")
            if not has_rows:
                self._csv.writeheader()

    def _keep_complete_rows(self) -> bool:
        """Cut a torn last line off; remember the input row of the last complete output row."""
        data = Path(self.path).read_bytes()
        complete = data[: data.rfind(b"\n") + 1]
        if len(complete) != len(data):
            with open(self.path, "r+b") as handle:
                handle.truncate(len(complete))
        lines = [line for line in complete.decode("utf-8").splitlines() if line.strip()]
        if self.kind == "csv":
            if len(lines) < 2:
                return bool(lines)
            self.last_row = int(next(csv.DictReader([lines[0], lines[-1]]))["row"])
        elif lines:
            self.last_row = int(json.loads(lines[-1])["row"])
        return bool(lines)

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        if self.kind == "parquet":
            pyarrow = _pyarrow()
            table = pyarrow.Table.from_pylist([{c: row.get(c) for c in self.columns} for row in rows])
            if self._parquet_writer is None:
                self._parquet_writer = pyarrow.parquet.ParquetWriter(str(self._partial), table.schema)
            self._parquet_writer.write_table(table)
            return
        if self.kind == "csv":
            self._csv.writerows({**row, "rules": " ".join(row["rules"])} if "rules" in row else row for row in rows)
        else:
            self._handle.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        if self.kind == "parquet":
            if self._parquet_writer is not None:
                self._parquet_writer.close()
                os.replace(self._partial, self.path)
            return
        self._handle.close()
