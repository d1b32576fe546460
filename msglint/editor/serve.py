"""`msglint serve`: the local playground (Starlette + uvicorn; `pip install '.[serve]' in msglint's checkout`).

One page (`playground.html`, no external assets) and `POST /api/check`, which answers with exactly
the document `msglint check --format json` prints for the same text read from standard input.
Bad requests get a 4xx with a one-line `error`, never a 500: a body over MAX_BODY_BYTES (413), a
body that is not JSON (400) or not the expected object (422), unknown keys or values (422).
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
from importlib import resources
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Route

from ..sources.context import RELATIONSHIPS, STYLES
from ..errors import MsglintError
from ..sources.readers import FORMATS as INPUT_FORMATS
from ..report.json_report import JsonWriter
from .session import Session

MAX_BODY_BYTES = 200_000
FIELDS = {"text", "relationship", "customer_level", "style", "input_format", "fail_on"}
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765


class _BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _error(status: int, message: str) -> JSONResponse:
    safe = message.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate, echoed back
    return JSONResponse({"error": safe}, status_code=status)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _BadRequest(413, f"request body too large: at most {MAX_BODY_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:  # a client may send more than it declared, or no length at all
            raise _BadRequest(413, f"request body too large: at most {MAX_BODY_BYTES} bytes")
    return bytes(body)


def parse_request(body: bytes) -> dict[str, Any]:
    """The check request, validated: {"text": str, "relationship"?, "customer_level"?, "style"?,
    "input_format"?, "fail_on"?}."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _BadRequest(400, f"body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _BadRequest(422, 'body must be a JSON object: {"text": "..."}')
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise _BadRequest(422, f"unknown field {unknown[0]!r} (known: {', '.join(sorted(FIELDS))})")
    if not isinstance(data.get("text"), str):
        raise _BadRequest(422, "field 'text' is required and must be a string")
    if "\x00" in data["text"]:  # as `msglint check` refuses a file with NUL bytes
        raise _BadRequest(422, "field 'text' holds NUL characters: it looks like binary data; msglint reads text")
    for key, value in data.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:  # JSON allows "\ud800"; text cannot hold it
                raise _BadRequest(422, f"field {key!r} is not valid Unicode: a lone surrogate at character {exc.start}") from None
    choices = {"relationship": RELATIONSHIPS, "style": STYLES, "input_format": tuple(INPUT_FORMATS),
               "fail_on": ("info", "warning", "error")}
    for key, allowed in choices.items():
        if data.get(key) is not None and data[key] not in allowed:
            raise _BadRequest(422, f"field {key!r} must be one of {', '.join(allowed)}, not {data[key]!r}")
    level = data.get("customer_level")
    if level is not None and (isinstance(level, bool) or not isinstance(level, (int, str))):
        raise _BadRequest(422, "field 'customer_level' must be 1-6, a level name, or null")
    return data


class Playground:
    def __init__(self, session: Session | None = None):
        self._session = session
        self._lock = threading.Lock()  # one check at a time: the pipeline is not shared across threads

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session()
        return self._session

    def check(self, data: dict[str, Any]) -> dict:
        from ..sources.context import parse_context_fields

        given = {"relationship": data.get("relationship"), "customer-level": data.get("customer_level"),
                 "style": data.get("style")}
        context = parse_context_fields({k: v for k, v in given.items() if v not in (None, "")}, where="request")
        with self._lock:
            checked = self.session.check_text(data["text"], input_format=data.get("input_format"), context=context)
        stream = io.StringIO()
        writer = JsonWriter(stream, fail_on=data.get("fail_on") or checked.config.fail_on or "warning")
        writer.add(checked.result)
        writer.close()
        return json.loads(stream.getvalue())

    async def api_check(self, request: Request) -> Response:
        try:
            if request.headers.get("content-type", "").split(";")[0].strip() not in ("application/json", ""):
                raise _BadRequest(415, "send the request as application/json")
            data = parse_request(await _read_body(request))
            report = await run_in_threadpool(self.check, data)
        except _BadRequest as exc:
            return _error(exc.status, str(exc))
        except MsglintError as exc:  # a bad value inside the text (front matter, directive) or the fields
            return _error(422, str(exc))
        return JSONResponse(report)

    async def page(self, request: Request) -> Response:
        return HTMLResponse(resources.files(__package__).joinpath("playground.html").read_text(encoding="utf-8"))

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True})

    def warm(self) -> None:
        """Load the rules and the pipeline before the first keystroke needs them."""
        self.check({"text": "Warm up."})


def create_app(session: Session | None = None, *, warm: bool = False) -> Starlette:
    playground = Playground(session)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        if warm:
            await run_in_threadpool(playground.warm)
        yield

    routes = [
        Route("/", playground.page, methods=["GET"]),
        Route("/api/check", playground.api_check, methods=["POST"]),
        Route("/api/health", playground.health, methods=["GET"]),
    ]
    async def http_error(request: Request, exc: HTTPException) -> Response:
        # the API answers every error in one shape, a wrong method or path included
        return _error(exc.status_code, exc.detail or "error")

    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error})


def run(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    try:  # a taken port is the usual failure: say so in one line, before loading anything
        socket.create_server((host, port)).close()
    except OSError as exc:
        raise MsglintError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
    print(f"msglint playground: http://{host}:{port}/  (Ctrl-C to stop)", flush=True)
    uvicorn.run(create_app(warm=True), host=host, port=port, log_level="warning")
