"""`msglint lsp`: a language server over stdio (pygls; `pip install '.[lsp]' in msglint's checkout`).

Diagnostics on open, change and save, from the same session `check` would run (rules, config
discovery, context, severities), at ranges in the position encoding agreed with the client (UTF-16
unless the client offers another). Each diagnostic links to its rule's documentation; a quick fix
applies the rewrite; hovering a flagged or cue word shows the message's pyramid level and the
customer level it was judged against. The pipeline loads once per server, on the first check;
after that each edit costs only the sentences the result cache has not seen.
"""

from __future__ import annotations

import logging
import os

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..errors import MsglintError
from ..analysis.findings import Finding, Result
from ..levels import level_name
from ..analysis.pyramid import highest_allowed
from ..analysis.rewrite import advice_of, non_overlapping_fixes
from .session import Session

SOURCE = "msglint"
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
# languageId -> input format, for buffers without a telling file name (untitled, or .j2 via the id)
LANGUAGE_FORMATS = {"markdown": "markdown", "html": "html", "plaintext": "text", "eml": "eml"}


class MsglintLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("msglint", __version__)
        self.session: Session | None = None
        self.results: dict[str, tuple[Result, list[str]]] = {}  # uri -> last result, its lines
        self.docs_url: str | None = None

    def session_for(self) -> Session:
        if self.session is None:
            root = self.workspace.root_path if self.workspace else None
            self.session = Session(root)
        return self.session


server = MsglintLanguageServer()


def _path_of(uri: str) -> str | None:
    """A file's path for config discovery and its format; None for an unsaved buffer."""
    return uris.to_fs_path(uri) if uri.startswith("file:") else None


def _position(codec, lines: list[str], line: int, column: int) -> types.Position:
    """msglint's 1-based line and code-point column as an LSP position in the client's units."""
    return codec.position_to_client_units(lines, types.Position(line=line - 1, character=column - 1))


def _range(codec, lines, line, column, end_line, end_column) -> types.Range:
    return types.Range(start=_position(codec, lines, line, column), end=_position(codec, lines, end_line, end_column))


def rule_docs_uri(ls: MsglintLanguageServer, rule_id: str) -> str:
    """The rule's documentation: the client's `docsUrl` template if it gave one, else a page
    written once from the rule definition (what `msglint explain` prints) beside the cache."""
    if ls.docs_url:
        return ls.docs_url.replace("{rule}", rule_id)
    from ..analysis.cache import default_cache_dir
    from ..ruleset.docs import explain_rule

    page = default_cache_dir() / "docs" / __version__ / f"{rule_id}.md"
    if not page.exists():
        try:
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(explain_rule(ls.session_for().ruleset.get(rule_id)) + "\n", encoding="utf-8")
        except (OSError, MsglintError):
            pass
    return page.as_uri()


def diagnostics_for(ls: MsglintLanguageServer, uri: str, text: str, language_id: str | None,
                    codec) -> list[types.Diagnostic]:
    path = _path_of(uri)
    input_format = None if path else LANGUAGE_FORMATS.get(language_id or "", "text")
    lines = text.split("\n")
    try:
        checked = ls.session_for().check_text(text, path=path, input_format=input_format)
    except MsglintError as exc:
        ls.results.pop(uri, None)
        return [types.Diagnostic(range=types.Range(start=types.Position(line=0, character=0),
                                                   end=types.Position(line=0, character=0)),
                                 message=str(exc), severity=types.DiagnosticSeverity.Error, source=SOURCE)]
    result = checked.result
    ls.results[uri] = (result, lines)
    out = []
    for finding in result.findings:
        loc = finding.location
        out.append(types.Diagnostic(
            range=_range(codec, lines, loc.line, loc.column, loc.end_line, loc.end_column),
            message=f"{finding.message}\nSuggestion: {finding.suggestion}",
            severity=SEVERITY[finding.severity],
            code=finding.rule,
            code_description=types.CodeDescription(href=rule_docs_uri(ls, finding.rule)),
            source=SOURCE,
        ))
    return out


def _publish(ls: MsglintLanguageServer, uri: str) -> None:
    document = ls.workspace.get_text_document(uri)
    diagnostics = diagnostics_for(ls, uri, document.source, document.language_id, document.position_codec)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=diagnostics))


@server.feature(types.INITIALIZE)
def on_initialize(ls: MsglintLanguageServer, params: types.InitializeParams) -> None:
    options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
    ls.docs_url = options.get("docsUrl") if isinstance(options.get("docsUrl"), str) else None


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: MsglintLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: MsglintLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: MsglintLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: MsglintLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.results.pop(params.text_document.uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


def _overlaps(codec, lines, a_start, a_end, rng: types.Range) -> bool:
    start = (rng.start.line, rng.start.character)
    end = (rng.end.line, rng.end.character)
    a = _position(codec, lines, *a_start)
    b = _position(codec, lines, *a_end)
    return (a.line, a.character) <= end and start <= (b.line, b.character)


FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.msglint"


def _edit(codec, lines, fix) -> types.TextEdit:
    return types.TextEdit(range=_range(codec, lines, fix.line, fix.column, fix.end_line, fix.end_column),
                          new_text=fix.replacement)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
def code_actions(ls: MsglintLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    if uri not in ls.results:
        return []
    result, lines = ls.results[uri]
    codec = ls.workspace.get_text_document(uri).position_codec
    actions = []
    for finding in result.findings:
        fix = finding.fix
        if fix is None or not _overlaps(codec, lines, (fix.line, fix.column), (fix.end_line, fix.end_column), params.range):
            continue
        edit = _edit(codec, lines, fix)
        actions.append(types.CodeAction(
            title=_action_title(finding),
            kind=types.CodeActionKind.QuickFix,
            edit=types.WorkspaceEdit(changes={uri: [edit]}),
            diagnostics=[d for d in params.context.diagnostics if d.code == finding.rule],
            is_preferred=True,
        ))
    every = non_overlapping_fixes([f.fix for f in result.findings if f.fix])
    if len(every) > 1:
        actions.append(types.CodeAction(
            title=f"Apply all {len(every)} msglint rewrites in this file", kind=FIX_ALL,
            edit=types.WorkspaceEdit(changes={uri: [_edit(codec, lines, fix) for fix in every]})))
    return actions


def _action_title(finding: Finding) -> str:
    rewritten = finding.suggestion[len(advice_of(finding.suggestion)):].lstrip(": ")
    return f"Rewrite as {rewritten} ({finding.rule})" if rewritten else f"Apply the msglint fix ({finding.rule})"


def level_summary(result: Result) -> str:
    """The message's pyramid level and the customer level it was judged against, in Markdown."""
    recorded = result.context.customer_level
    top = [e for e in result.evidence if e.level == result.level]
    cue = f", from *{top[0].location.excerpt}*" if top else ""
    lines = [f"**msglint** · pyramid level **{result.level}** ({result.level_name}){cue}"]
    if recorded:
        allowed = highest_allowed(recorded)
        verdict = "overreaches" if result.level > allowed else "within reach"
        lines.append(f"judged against customer level **{recorded}** ({level_name(recorded)}): "
                     f"copy may reach level {allowed} ({level_name(allowed)}); this {verdict}")
    else:
        lines.append("customer level unknown: no overreach is judged (set `customer-level`)")
    lines.append(f"relationship {result.context.relationship}, style {result.context.style}")
    return "  \n".join(lines)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: MsglintLanguageServer, params: types.HoverParams) -> types.Hover | None:
    """Over a flagged word or a level cue: the pyramid level and the customer level."""
    uri = params.text_document.uri
    if uri not in ls.results:
        return None
    result, lines = ls.results[uri]
    codec = ls.workspace.get_text_document(uri).position_codec
    here = types.Range(start=params.position, end=params.position)
    spans = [(f.location, f) for f in result.findings] + [(e.location, None) for e in result.evidence]
    for loc, finding in spans:
        if _overlaps(codec, lines, (loc.line, loc.column), (loc.end_line, loc.end_column), here):
            text = level_summary(result)
            if finding is not None:
                text += f"\n\n`{finding.rule}`: {finding.suggestion}"
            return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                               range=_range(codec, lines, loc.line, loc.column, loc.end_line, loc.end_column))
    return None


def main() -> None:
    logging.basicConfig(level=os.environ.get("MSGLINT_LSP_LOG", "WARNING"))
    server.start_io()


if __name__ == "__main__":  # pragma: no cover
    main()
