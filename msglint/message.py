"""Reading a message: bytes to text, front matter, and positions back into the original.

The analysis text always has exactly the length of the original text: front matter is masked with
spaces (newlines kept) and typographic quotes are swapped one-for-one for ASCII ones. A character
offset in the analysis text is therefore an offset in the original, and no position is ever
recomputed by searching for a string.
"""

from __future__ import annotations

import bisect
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from .errors import MsglintError

STDIN_PATH = "-"

# One character for one character, so that offsets survive. Curly apostrophes matter most: the
# lemmatizer reads "you’re" as an unknown "’re" but "you're" as a form of "be".
_SAME_LENGTH_NORMALIZATION = str.maketrans(
    {
        "\u2019": "'",  # right single quote / apostrophe
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",  # no-break space
        "\u2011": "-",  # non-breaking hyphen
    }
)

_YAML_FRONT_MATTER = YAMLHandler()


def normalize(text: str) -> str:
    """Same-length typographic normalization applied to messages and to rule phrases alike."""
    return text.translate(_SAME_LENGTH_NORMALIZATION)


@dataclass
class Message:
    path: str
    original: str
    text: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if len(self.text) != len(self.original):
            raise ValueError("analysis text must keep the original's length")
        starts = [0]
        starts.extend(i + 1 for i, char in enumerate(self.original) if char == "\n")
        self._line_starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset; columns count characters (code points)."""
        line_index = bisect.bisect_right(self._line_starts, offset) - 1
        return line_index + 1, offset - self._line_starts[line_index] + 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.original)
        return self.original[start:end].rstrip("\r")

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def message_from_text(original: str, path: str = STDIN_PATH) -> Message:
    """Build a Message from decoded text, reading and masking YAML front matter if there is any."""
    front_matter: dict[str, Any] = {}
    body_start = 0
    if original.startswith("---") and _YAML_FRONT_MATTER.detect(original):
        try:
            raw_front_matter, body = _YAML_FRONT_MATTER.split(original)
        except ValueError:
            raw_front_matter, body = None, original
        if raw_front_matter is not None:
            try:
                loaded = yaml.safe_load(raw_front_matter)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f":{mark.line + 2}" if mark is not None else ""
                raise MsglintError(f"{path}{where}: front matter is not valid YAML") from None
            if loaded is not None and not isinstance(loaded, dict):
                raise MsglintError(f"{path}:2: front matter must be a mapping of keys to values")
            front_matter = loaded or {}
            body_start = len(original) - len(body)
    masked = "".join("\n" if ch == "\n" else " " for ch in original[:body_start]) + original[body_start:]
    text = normalize(masked)
    return Message(path=path, original=original, text=text, front_matter=front_matter, body_start=body_start)


def decode(data: bytes, *, path: str) -> str:
    if b"\x00" in data[:8192]:
        raise MsglintError(f"{path}: looks like a binary file (it contains NUL bytes); msglint reads text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MsglintError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None


def read_message(path: str) -> Message:
    """Read a file, or standard input for '-'. Never writes to what it reads."""
    if path == STDIN_PATH:
        data = sys.stdin.buffer.read()
    else:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise MsglintError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise MsglintError(f"{path}: is a directory") from None
        except OSError as exc:
            raise MsglintError(f"{path}: cannot read ({exc.strerror})") from None
    return message_from_text(decode(data, path=path), path=path)
