"""The playground's HTTP API, through Starlette's TestClient: same JSON as `check --format json`,
and a clear 4xx for every kind of bad request."""

from __future__ import annotations

import json

import jsonschema
import pytest

pytest.importorskip("starlette")
from starlette.testclient import TestClient  # noqa: E402

from msglint.editor.serve import MAX_BODY_BYTES, create_app  # noqa: E402
from msglint.editor.session import Session  # noqa: E402

from .conftest import REPO  # noqa: E402

SCHEMA = json.loads((REPO / "msglint" / "schemas" / "report-v1.json").read_text())
LINE = "Nicely done! You’re getting FIFTY PERCENT OFF"


@pytest.fixture(scope="module")
def client(ruleset, linter):
    with TestClient(create_app(Session(ruleset=ruleset, linter=linter))) as test_client:
        yield test_client


def test_page_is_one_self_contained_file(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<svg id="pyramid"' in page
    for external in ("http://", "https://", "<link", "src="):
        assert external not in page.replace("http://www.w3.org/2000/svg", ""), external


def test_api_check_returns_what_check_format_json_prints(client, run_cli):
    response = client.post("/api/check", json={"text": LINE + "\n", "customer_level": 2})
    assert response.status_code == 200
    document = response.json()
    jsonschema.validate(document, SCHEMA)
    printed = json.loads(run_cli("check", "--format", "json", "--customer-level", "2", "-",
                                 stdin=(LINE + "\n").encode()).stdout)
    assert document == printed
    rules = {f["rule"] for f in document["files"][0]["findings"]}
    assert {"expressive.unearned-praise", "pyramid.overreach", "tone.shouting"} <= rules
    assert document["files"][0]["pyramid"]["level"] == 4


def test_context_fields_are_honoured(client):
    expressive = client.post("/api/check", json={"text": LINE, "relationship": "expressive",
                                                 "customer_level": "personal-recognition"}).json()
    assert expressive["files"][0]["context"] == {"relationship": "expressive", "customer_level": 4, "style": "top-down"}
    assert not any(f["category"] == "expressive" for f in expressive["files"][0]["findings"])


@pytest.mark.parametrize(("body", "headers", "status", "needle"), [
    (b"{not json", {"content-type": "application/json"}, 400, "not JSON"),
    (b"\xff\xfe", {"content-type": "application/json"}, 400, "not JSON"),
    (b"[1, 2]", {"content-type": "application/json"}, 422, "JSON object"),
    (b'{"text": 5}', {"content-type": "application/json"}, 422, "'text'"),
    (b'{"copy": "hi"}', {"content-type": "application/json"}, 422, "unknown field 'copy'"),
    (b'{"text": "hi", "relationship": "friendly"}', {"content-type": "application/json"}, 422, "relationship"),
    (b'{"text": "hi", "customer_level": "gold"}', {"content-type": "application/json"}, 422, "gold"),
    (b'{"text": "hi", "customer_level": 9}', {"content-type": "application/json"}, 422, "9"),
    (b'{"text": "hi", "customer_level": true}', {"content-type": "application/json"}, 422, "customer_level"),
    (b'{"text": "hi", "input_format": "pdf"}', {"content-type": "application/json"}, 422, "input_format"),
    (b'{"text": "---\\n[oops\\n---\\nhi"}', {"content-type": "application/json"}, 422, "front matter"),
    (b'{"text": "hi"}', {"content-type": "text/plain"}, 415, "application/json"),
    (b'{"text": "Nicely done! \\ud800 50% off"}', {"content-type": "application/json"}, 422, "lone surrogate"),
    (b'{"text": "hi", "customer_level": "\\ud800"}', {"content-type": "application/json"}, 422, "lone surrogate"),
])
def test_bad_requests_get_a_clear_4xx(client, body, headers, status, needle):
    response = client.post("/api/check", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert needle in response.json()["error"]


def test_huge_body_is_refused_before_it_is_read_whole(client):
    response = client.post("/api/check", json={"text": "x" * (MAX_BODY_BYTES + 1)})
    assert response.status_code == 413
    assert "too large" in response.json()["error"]

    def chunks():  # no Content-Length: the limit holds while streaming
        for _ in range(MAX_BODY_BYTES // 1000 + 5):
            yield b"x" * 1000

    response = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_wrong_method_and_path(client):
    assert client.get("/api/check").status_code == 405
    assert client.get("/nothing-here").status_code == 404


@pytest.mark.parametrize(("command", "blocked", "module"), [
    ("lsp", "pygls.lsp.server", "msglint.editor.lsp"),
    ("serve", "starlette.applications", "msglint.editor.serve"),
    ("serve", "uvicorn", "msglint.editor.serve"),
])
def test_missing_extra_is_one_line_naming_it(run_cli, monkeypatch, command, blocked, module):
    import sys

    monkeypatch.setitem(sys.modules, blocked, None)  # as if the extra were not installed
    monkeypatch.delitem(sys.modules, module, raising=False)
    result = run_cli(command)
    assert result.exit_code == 2
    assert result.stderr.startswith("msglint: error: ") and f"pip install '.[{command}]'" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_odd_values_in_every_field_never_give_a_500(ruleset, linter):
    odd = [None, True, 0, -1, 7, 10**30, 1.5, "", " ", "gold", "\u0000", "名", [], ["text"], {}, {"a": 1}]
    fields = ["text", "relationship", "customer_level", "style", "input_format", "fail_on"]
    with TestClient(create_app(Session(ruleset=ruleset, linter=linter)), raise_server_exceptions=False) as client:
        for field in fields:
            for value in odd:
                body = {"text": "Nicely done! 50% off", field: value}
                response = client.post("/api/check", json=body)
                assert response.status_code in (200, 413, 422), (body, response.status_code, response.text)
                assert "error" in response.json() or response.json()["version"] == 1


def test_serve_on_a_taken_port_is_one_line(run_cli):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"msglint: error: cannot serve on 127.0.0.1:{port}: ")
    assert len(result.stderr.splitlines()) == 1


def test_api_refuses_nul_text_as_check_refuses_a_binary_file(client):
    response = client.post("/api/check", json={"text": "Nicely done!\x00\x00"})
    assert response.status_code == 422
    assert "NUL" in response.json()["error"]


def test_api_errors_keep_one_shape_for_a_wrong_method_or_path(client):
    for method, path, status in (("get", "/api/check", 405), ("get", "/api/nothing", 404)):
        response = getattr(client, method)(path)
        assert response.status_code == status
        assert set(response.json()) == {"error"}


def test_an_unknown_selector_in_a_config_is_named_by_its_file(ruleset, linter, tmp_path):
    """The editor and the playground report a config's bad `select` as `check` does: naming the file."""
    from msglint.errors import MsglintError

    (tmp_path / ".msglint.yaml").write_text("select: [no-such.rule]\n", encoding="utf-8")
    session = Session(root=str(tmp_path), ruleset=ruleset, linter=linter)
    with pytest.raises(MsglintError) as raised:
        session.check_text("Socks, 3 for $10.", path=str(tmp_path / "copy.txt"))
    assert ".msglint.yaml" in str(raised.value) and "--select" not in str(raised.value)
