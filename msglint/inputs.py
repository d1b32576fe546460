"""Turning the paths on the command line into the list of messages to check."""

from __future__ import annotations

from pathlib import Path

from .errors import MsglintError
from .message import STDIN_PATH
from .readers import SUFFIXES as DIRECTORY_SUFFIXES


def expand_inputs(paths: tuple[str, ...]) -> list[str]:
    """Files as given, directories walked (sorted, hidden entries skipped), '-' for stdin once."""
    if not paths:
        raise MsglintError("no input: give files, directories, or - for standard input")
    out: list[str] = []
    for raw in paths:
        if raw == STDIN_PATH:
            if STDIN_PATH in out:
                raise MsglintError("standard input (-) can be read only once")
            out.append(STDIN_PATH)
            continue
        path = Path(raw)
        if path.is_dir():
            found = _walk(path)
            if not found:
                raise MsglintError(f"{raw}: nothing to check in this directory (looked for {', '.join(DIRECTORY_SUFFIXES)})")
            out.extend(found)
        elif path.is_file():
            out.append(raw)
        elif path.exists():
            raise MsglintError(f"{raw}: not a regular file")
        else:
            raise MsglintError(f"{raw}: no such file or directory")
    return list(dict.fromkeys(out))


def _walk(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).parts
        if any(part.startswith(".") for part in relative):
            continue
        if path.is_file() and path.name.lower().endswith(DIRECTORY_SUFFIXES):
            found.append(str(path))
    return found
