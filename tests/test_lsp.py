"""`msglint lsp` driven over stdio by a real LSP client (pytest-lsp, on pygls's client)."""

from __future__ import annotations

import sys

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

from .conftest import REPO  # noqa: E402

HASKELL = (REPO / "examples" / "haskell-subject-lines.txt").read_text(encoding="utf-8")


# One server for the module, as an editor keeps one: the pipeline loads once; each test opens its own files.
@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "msglint", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("workspace")
    lsp_client.initialize_result = await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()))
    yield
    await lsp_client.shutdown_session()


async def _open(client: LanguageClient, path, text: str, language_id: str = "plaintext"):
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def _change(client: LanguageClient, uri: str, version: int, edits: list[types.TextEdit]):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


def _spans(diagnostics):
    return {(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
            for d in diagnostics}


def _rng(line, start, end):
    return types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end))


@pytest.mark.asyncio(loop_scope="module")
async def test_server_announces_what_it_does(client: LanguageClient):
    capabilities = client.initialize_result.capabilities
    sync = capabilities.text_document_sync
    assert sync.open_close and sync.change == types.TextDocumentSyncKind.Incremental and sync.save
    assert capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    assert set(capabilities.code_action_provider.code_action_kinds) == {"quickfix", "source.fixAll.msglint"}
    assert capabilities.hover_provider


@pytest.mark.asyncio(loop_scope="module")
async def test_haskell_lines_give_diagnostics_at_exact_ranges(client: LanguageClient, tmp_path):
    uri = await _open(client, tmp_path / "lines.txt", HASKELL)
    diagnostics = client.diagnostics[uri]
    assert {
        ("expressive.unearned-praise", 0, 0, 0, 11),
        ("tone.shouting", 0, 28, 0, 45),
        ("expressive.manufactured-affirmation", 1, 0, 1, 4),
        ("expressive.false-selection", 1, 6, 1, 21),
        ("expressive.manufactured-affirmation", 2, 0, 2, 23),
        ("expressive.false-selection", 3, 2, 3, 19),
    } <= _spans(diagnostics)
    praise = next(d for d in diagnostics if d.code == "expressive.unearned-praise")
    assert praise.severity == types.DiagnosticSeverity.Warning and praise.source == "msglint"
    assert praise.code_description.href.endswith("expressive.unearned-praise.md")
    assert "Suggestion: Drop the praise and state the offer: 'You’re getting FIFTY PERCENT OFF'" in praise.message


@pytest.mark.asyncio(loop_scope="module")
async def test_ranges_count_utf16_code_units(client: LanguageClient, tmp_path):
    # two emoji outside the Basic Multilingual Plane: two UTF-16 code units each
    uri = await _open(client, tmp_path / "party.txt", "🎉🎉 You’ve been given this Delta flight deal under $200\n")
    assert ("expressive.false-selection", 0, 5, 0, 22) in _spans(client.diagnostics[uri])


@pytest.mark.asyncio(loop_scope="module")
async def test_removing_the_praise_clears_its_diagnostics(client: LanguageClient, tmp_path):
    uri = await _open(client, tmp_path / "one.txt", "Nicely done! You’re getting 50% off\n")
    assert [d.code for d in client.diagnostics[uri]] == ["expressive.unearned-praise"]
    await _change(client, uri, 2, [types.TextEdit(range=_rng(0, 0, 13), new_text="")])
    assert list(client.diagnostics[uri]) == []


@pytest.mark.asyncio(loop_scope="module")
async def test_code_action_applies_the_rewrite(client: LanguageClient, tmp_path):
    uri = await _open(client, tmp_path / "lines.txt", HASKELL)
    gift = next(d for d in client.diagnostics[uri] if d.code == "expressive.false-selection" and d.range.start.line == 3)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=gift.range,
        context=types.CodeActionContext(diagnostics=[gift])))
    action = next(a for a in actions if "expressive.false-selection" in a.title)
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.title == "Rewrite as '✈ This Delta flight deal under $200' (expressive.false-selection)"
    edits = action.edit.changes[uri]
    assert [(e.range, e.new_text) for e in edits] == [(_rng(3, 2, 21), "T")]
    await _change(client, uri, 2, edits)
    remaining = _spans(client.diagnostics[uri])
    assert not any(code == "expressive.false-selection" and line == 3 for code, line, *_ in remaining)
    assert ("expressive.unearned-praise", 0, 0, 0, 11) in remaining  # the rest is untouched


@pytest.mark.asyncio(loop_scope="module")
async def test_fix_all_rewrites_haskells_lines(client: LanguageClient, tmp_path):
    uri = await _open(client, tmp_path / "lines.txt", HASKELL)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=_rng(0, 0, 0),
        context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.msglint"])))
    fix_all = next(a for a in actions if a.kind == "source.fixAll.msglint")
    edits = fix_all.edit.changes[uri]
    lines = HASKELL.split("\n")
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        assert edit.range.start.line == edit.range.end.line
        line = lines[edit.range.start.line]  # every line here is in the Basic Multilingual Plane
        lines[edit.range.start.line] = line[:edit.range.start.character] + edit.new_text + line[edit.range.end.character:]
    assert lines[:4] == ["You’re getting fifty percent off", "These vacation packages for under $400",
                         "You’re getting an extra 10% off!", "✈ This Delta flight deal under $200"]
    await _change(client, uri, 2, edits[::-1])  # applied from the end, as an editor applies one edit
    assert [d.code for d in client.diagnostics[uri]] == []


@pytest.mark.asyncio(loop_scope="module")
async def test_html_positions_count_the_markup(client: LanguageClient, tmp_path):
    text = "<title>Deal</title>\n<p>&#x1F389; You&rsquo;ve been given this Delta flight deal under $200</p>\n"
    uri = await _open(client, tmp_path / "mail.html", text, "html")
    assert ("expressive.false-selection", 1, 13, 1, 36) in _spans(client.diagnostics[uri])


@pytest.mark.asyncio(loop_scope="module")
async def test_hover_shows_the_level_and_the_customer_level(client: LanguageClient, tmp_path):
    text = "---\ncustomer-level: 2\n---\nNicely done! You’re getting 50% off\n"
    uri = await _open(client, tmp_path / "front.md", text, "markdown")
    codes = {d.code for d in client.diagnostics[uri]}
    assert {"expressive.unearned-praise", "pyramid.overreach"} <= codes
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=2)))
    assert "pyramid level **4** (personal recognition)" in hover.contents.value
    assert "customer level **2** (convenience): copy may reach level 3 (feeling at ease); this overreaches" \
        in hover.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=30)))
    assert nothing is None


@pytest.mark.asyncio(loop_scope="module")
async def test_bad_front_matter_is_one_diagnostic_not_a_crash(client: LanguageClient, tmp_path):
    uri = await _open(client, tmp_path / "bad.md", "---\n[unclosed\n---\nShoes 20% off\n", "markdown")
    [diagnostic] = client.diagnostics[uri]
    assert "front matter is not valid YAML" in diagnostic.message
    uri2 = await _open(client, tmp_path / "fine.txt", "Nicely done! Shoes 20% off\n")
    assert [d.code for d in client.diagnostics[uri2]] == ["expressive.unearned-praise"]


@pytest.mark.asyncio(loop_scope="module")
async def test_unsaved_buffer_is_read_by_its_language(client: LanguageClient):
    uri = "untitled:Untitled-1"
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="markdown", version=1, text="# Nicely done!\n\n[Shoes 20% off](https://shop.example)\n")))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert _spans(client.diagnostics[uri]) == {("expressive.unearned-praise", 0, 2, 0, 13)}


@pytest.mark.asyncio(loop_scope="module")
async def test_save_checks_again(client: LanguageClient, tmp_path):
    uri = await _open(client, tmp_path / "saved.txt", "Shoes 20% off\n")
    assert list(client.diagnostics[uri]) == []
    await _change(client, uri, 2, [types.TextEdit(range=_rng(0, 0, 0), new_text="We miss you! ")])
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert [d.code for d in client.diagnostics[uri]] == ["expressive.simulated-intimacy"]
