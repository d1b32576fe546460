"""Campaign mode: check a whole send, per recipient, in bounded memory.

Two shapes of input: a table of templates and a table of recipients joined on a key (each template
is analysed once, each recipient only compared by level), or one table with a text and a level per
row (each distinct text analysed once, by content hash). The library entry point is `run_batch`;
`analyse_texts` and `TextAnalysis.for_level` serve the same check inside a pandas or Spark job.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Callable, Iterator

from ..errors import MsglintError
from .engines import dask_engine, local_engine
from .job import JobSpec, Summary, TextAnalysis, analyse_texts, key_value, process_chunk, text_value
from .output import OUTPUT_COLUMNS, RowWriter
from .tables import RowFault, clip, iter_rows, require_columns, scan_table

FAULT_LINE_LIMIT = 400  # a fault is one line on stderr, however long the path or the row

__all__ = ["JobSpec", "Summary", "TextAnalysis", "analyse_texts", "process_chunk", "run_batch", "load_templates"]


def load_templates(path: str, spec: JobSpec) -> dict[str, TextAnalysis]:
    """Every template, or MsglintError: a send is not checked against a partial set of templates."""
    require_columns(path, [spec.template_column, spec.text_column])
    texts: dict[str, str] = {}
    for number, row in iter_rows(path):
        if isinstance(row, RowFault):
            raise MsglintError(f"{path}: row {number} (line {row.line}): {row.problem}")
        try:
            key = key_value(row, spec.template_column)
            text = text_value(row.get(spec.text_column), spec.text_column, f"no readable text in {spec.text_column!r}")
        except MsglintError as exc:
            raise MsglintError(f"{path}: row {number}: a template needs {spec.template_column!r} and "
                               f"{spec.text_column!r}: {exc}") from None
        texts[key] = text
    analyses = analyse_texts(list(texts.values()), spec)
    return {key: analyses[text] for key, text in texts.items()}


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def run_batch(*, messages: str, spec: JobSpec, recipients: str | None = None, output: str | None = None,
              resume: bool = False, chunk_size: int = 50_000, engine: str = "local", scheduler: str | None = None,
              workers: int = 2, fail_on: str = "warning", progress: Callable[[int], None] | None = None,
              on_fault: Callable[[str, dict], None] | None = None,
              observer: Callable[[list[dict]], None] | None = None) -> Summary:
    """Run a batch job; rows go to `output` chunk by chunk, the summary is returned."""
    if engine not in ("local", "dask"):
        raise MsglintError(f"unknown engine {engine!r} (use local or dask)")
    if output and any(Path(output).resolve() == Path(given).resolve() for given in (messages, recipients) if given):
        raise MsglintError(f"{output}: the output would overwrite an input table")
    if output and not Path(output).resolve().parent.is_dir():
        raise MsglintError(f"{output}: no such directory for the output")
    if recipients:
        templates = load_templates(messages, spec)
        table = recipients
        require_columns(table, [spec.id_column, spec.template_column, spec.level_column])
    else:
        templates = None
        table = messages
        require_columns(table, [spec.id_column, spec.text_column, spec.level_column])
    scan_table(table)  # a table whose rows cannot be told apart stops the run here, before any output
    from ..ruleset.loading import load_ruleset

    severities = {rule.id: rule.severity for rule in load_ruleset(list(spec.rule_paths), builtin=spec.builtin_rules).rules
                  if rule.severity}
    summary = Summary(severities=severities, fail_on=fail_on, templates=templates)
    def kept(row: dict) -> None:  # a row an interrupted run wrote counts in the summary and the report
        summary.add_earlier(row)
        if observer:
            observer([row])

    writer = RowWriter(output, OUTPUT_COLUMNS, resume=resume, on_kept_row=kept) if output else None
    start_after = writer.last_row if writer else 0
    # The interrupted run read every row up to the last it wrote; those it did not write were faults.
    summary.add_earlier_faults(start_after - summary.earlier_rows)
    rows = ((n, row) for n, row in iter_rows(table) if n > start_after)
    chunks = _chunks(rows, chunk_size)
    if engine == "dask":
        processed = dask_engine(chunks, spec, templates, scheduler=scheduler, workers=workers)
    else:
        processed = local_engine(chunks, spec, templates)
    try:
        for out, faults in processed:
            if writer:
                writer.write(out)
            summary.add(out, faults)
            if observer:  # e.g. the HTML report, counting as rows stream past
                observer(out)
            for fault in faults:
                if on_fault:
                    on_fault(table, fault)
            if progress:
                progress(len(out) + len(faults))
    finally:
        if writer:
            writer.close()
    return summary


def print_fault(table: str, fault: dict) -> None:
    where = f"row {fault['row']}" + (f" (line {fault['line']})" if fault.get("line") else "")
    print(clip(f"msglint: {table}: {where}: {fault['problem']}", FAULT_LINE_LIMIT), file=sys.stderr)
