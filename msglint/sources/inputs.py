"""Turning the paths on the command line into the list of messages to check, and reading them.

Reads are bounded: only regular files are opened (a FIFO would block, /dev/zero never ends), and no
more than MAX_INPUT_BYTES is read from a file or from standard input.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from ..errors import MsglintError
from .message import STDIN_PATH
from .readers import SUFFIXES as DIRECTORY_SUFFIXES

MAX_INPUT_BYTES = 10 * 2**20  # a message file or standard input
MAX_CONFIG_BYTES = 2**20  # .msglint.yaml, pyproject.toml


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


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _too_large(name: str, limit: int) -> MsglintError:
    return MsglintError(f"{name}: larger than {limit // 2**20} MiB; msglint reads at most that much")


def read_regular_file(path: str | os.PathLike, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is a one-line error.

    The file is checked with stat() before it is opened and again (fstat) once open, without
    blocking, so that a FIFO or a device swapped in between is refused too."""
    name = os.fspath(path)
    try:
        before = os.stat(name)
        if stat.S_ISDIR(before.st_mode):
            raise MsglintError(f"{name}: is a directory")
        if not stat.S_ISREG(before.st_mode):
            raise MsglintError(f"{name}: {_kind(before.st_mode)}, not a regular file; msglint reads regular files only")
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise MsglintError(f"{name}: no such file") from None
    except OSError as exc:
        raise MsglintError(f"{name}: cannot read ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise MsglintError(f"{name}: {_kind(opened.st_mode)}, not a regular file; msglint reads regular files only")
        if opened.st_size > limit:
            raise _too_large(name, limit)
        try:
            # what fstat promised, and one byte more to see whether it grew: asking for limit + 1
            # bytes at once would make Python set aside 10 MiB for every small file
            data = handle.read(opened.st_size + 1)
            if len(data) > opened.st_size:
                data += handle.read(limit + 1 - len(data))
        except OSError as exc:
            raise MsglintError(f"{name}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise _too_large(name, limit)
    return data


def require_regular_file(path: Path) -> Path:
    """path, if it is a regular file (after links); else a one-line error. For files read later."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise MsglintError(f"{path}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(mode):
        raise MsglintError(f"{path}: {_kind(mode)}, not a regular file; msglint reads regular files only")
    return path


def read_stdin(*, limit: int = MAX_INPUT_BYTES) -> bytes:
    """Standard input, refused past `limit` bytes (`msglint check - < /dev/zero` ends at once)."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream swapped in (tests, embedding programs)
        data = sys.stdin.read(limit + 1).encode("utf-8", "surrogateescape")
    else:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large("standard input", limit)
    return data


def read_input(path: str) -> bytes:
    """A message's bytes: standard input for '-', else a regular file."""
    return read_stdin() if path == STDIN_PATH else read_regular_file(path)


def read_config_text(path: Path) -> str:
    return read_regular_file(path, limit=MAX_CONFIG_BYTES).decode("utf-8")
