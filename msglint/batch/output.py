"""Writing the per-recipient rows chunk by chunk, and finding where an interrupted run stopped.

JSONL and CSV are appended and flushed a chunk at a time, so a killed run leaves complete rows and
at most one torn row at the end; `--resume` keeps the complete rows (read as the format's own
grammar, never by splitting text into lines) and cuts the rest. Parquet is written to
`PATH.partial` and renamed when complete.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Callable, Iterator

from ..errors import MsglintError
from .tables import _pyarrow, clip, table_format

KeptRow = Callable[[dict], None]


def _lines_with_ends(path: str) -> Iterator[tuple[int, bytes]]:
    """(byte offset just after the line, the line) for each line, split on \\n only."""
    offset = 0
    with open(path, "rb") as handle:
        for raw in handle:
            offset += len(raw)
            yield offset, raw


def _csv_boolean(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError(text)
    return text.lower() == "true"


# The output's columns, in order, with their Parquet types.
OUTPUT_FIELDS = (("row", "int64"), ("recipient_id", "string"), ("template_id", "string"),
                 ("recorded_level", "int64"), ("detected_level", "int64"), ("overreach", "bool_"),
                 ("rules", "rules"))
OUTPUT_COLUMNS = [name for name, _ in OUTPUT_FIELDS]


def _parquet_schema(pyarrow, columns: list[str]):
    """Fixed types, so a chunk whose levels are all unknown has the same schema as the next."""
    types = {name: pyarrow.list_(pyarrow.string()) if kind == "rules" else getattr(pyarrow, kind)()
             for name, kind in OUTPUT_FIELDS}
    return pyarrow.schema([(name, types[name]) for name in columns])


def _typed_csv_row(fields: dict) -> dict:
    """A CSV output row with the types the JSONL output has."""
    level = fields["recorded_level"]
    return {**fields, "row": int(fields["row"]), "recorded_level": int(level) if level else None,
            "detected_level": int(fields["detected_level"]), "overreach": _csv_boolean(fields["overreach"]),
            "rules": fields["rules"].split()}


class RowWriter:
    """Appends rows chunk by chunk (see the module docstring)."""

    def __init__(self, path: str, columns: list[str], *, resume: bool, on_kept_row: KeptRow | None = None):
        self.path, self.columns, self.kind = path, columns, table_format(path)
        self.last_row = 0  # input row number of the last complete output row, for --resume
        if self.kind == "parquet":
            if resume:
                raise MsglintError(f"{path}: --resume needs JSONL or CSV output (Parquet is written at the end)")
            self._partial = Path(f"{path}.partial")
            self._parquet_writer = None
            return
        try:
            self._open(resume, on_kept_row or (lambda row: None))
        except OSError as exc:
            raise MsglintError(f"{path}: cannot write the output: {exc.strerror or exc}") from None

    def _open(self, resume: bool, on_kept_row: KeptRow) -> None:
        path, has_header = self.path, False
        if resume and Path(path).is_file():
            keep, has_header = self._complete_prefix(on_kept_row)
            if keep < Path(path).stat().st_size:
                with open(path, "r+b") as handle:
                    handle.truncate(keep)
        self._handle = open(path, "a" if resume else "w", newline="", encoding="utf-8")
        if self.kind == "csv":
            self._csv = csv.DictWriter(self._handle, fieldnames=self.columns, extrasaction="ignore")
            if not has_header:
                self._csv.writeheader()
                self._handle.flush()

    def _complete_prefix(self, on_kept_row: KeptRow) -> tuple[int, bool]:
        """(bytes to keep, whether a CSV header is among them); sets last_row. Only a torn last row
        is cut; anything else that is not a row this command wrote stops the run untouched."""
        rows = self._csv_rows() if self.kind == "csv" else self._jsonl_rows()
        keep, has_header = 0, False
        for end, row in rows:
            if row is None:  # the header
                keep, has_header = end, True
                continue
            if row["row"] <= self.last_row:
                self._refuse(f"row {row['row']} comes after row {self.last_row}")
            keep, self.last_row = end, row["row"]
            on_kept_row(row)
        return keep, has_header

    def _refuse(self, problem: str):
        raise MsglintError(f"{self.path}: cannot resume: {clip(problem, 120)}, so this is not output of an "
                           "interrupted msglint batch run; nothing was changed")

    def _jsonl_rows(self) -> Iterator[tuple[int, dict | None]]:
        for number, (end, raw) in enumerate(_lines_with_ends(self.path), start=1):
            torn = not raw.endswith(b"\n")
            try:
                row = json.loads(raw.decode("utf-8"))
            except (ValueError, RecursionError):
                row = None
            if not (isinstance(row, dict) and set(self.columns) <= set(row) and type(row["row"]) is int):
                if torn:
                    return
                self._refuse(f"line {number} is not an output row")
            if torn:
                return  # a whole row but no line ending: the run was killed as it wrote it
            yield end, row

    def _csv_rows(self) -> Iterator[tuple[int, dict | None]]:
        ends: list[int] = []
        texts: list[str] = []

        def feed():
            for end, raw in _lines_with_ends(self.path):
                ends.append(end)
                texts.append(raw.decode("utf-8", "replace"))
                yield texts[-1]

        reader = csv.reader(feed(), strict=True)
        try:
            for index, fields in enumerate(reader):
                end, torn = ends[-1], not texts[-1].endswith("\n")
                ends.clear()
                texts.clear()
                if torn:
                    return  # only the last line can lack its ending: the run was killed as it wrote it
                if index == 0:
                    if fields != self.columns:
                        self._refuse(f"its header is {', '.join(fields)!r}")
                    yield end, None
                    continue
                try:
                    row = _typed_csv_row(dict(zip(self.columns, fields, strict=True)))
                except ValueError:
                    self._refuse(f"output row {index} is not a row msglint writes")
                yield end, row
        except csv.Error as exc:
            if "unexpected end of data" not in str(exc):
                self._refuse(f"output row {reader.line_num} is not valid CSV")
            # else: a quoted field torn before its closing quote, at the end of the file

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        try:
            self._write(rows)
        except OSError as exc:
            raise MsglintError(f"{self.path}: cannot write the output: {exc.strerror or exc}") from None

    def _write(self, rows: list[dict]) -> None:
        if self.kind == "parquet":
            pyarrow = _pyarrow()
            schema = _parquet_schema(pyarrow, self.columns)
            table = pyarrow.Table.from_pylist([{c: row.get(c) for c in self.columns} for row in rows], schema=schema)
            self._parquet_writer_for(schema).write_table(table)
            return
        if self.kind == "csv":
            # true/false as in the JSONL output, not Python's True/False
            self._csv.writerows({**row, "rules": " ".join(row["rules"]), "overreach": str(row["overreach"]).lower()}
                                for row in rows)
        else:
            self._handle.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def _parquet_writer_for(self, schema):
        if self._parquet_writer is None:
            self._parquet_writer = _pyarrow().parquet.ParquetWriter(str(self._partial), schema)
        return self._parquet_writer

    def close(self) -> None:
        try:
            self._close()
        except OSError as exc:
            raise MsglintError(f"{self.path}: cannot write the output: {exc.strerror or exc}") from None

    def _close(self) -> None:
        if self.kind == "parquet":
            self._parquet_writer_for(_parquet_schema(_pyarrow(), self.columns)).close()  # no rows: an empty table
            os.replace(self._partial, self.path)
            return
        self._handle.close()
