"""A content-addressed cache of unit analyses, so unchanged copy is never parsed twice.

The key is a hash of the text (a unit's, or a whole message's for the lexical patterns) with everything that could change its analysis: msglint's and
spaCy's versions, the pipeline and its version, and the bytes of every rule file. The value is the
unit's hits, which do not depend on the declared context, so one entry serves every recipient.
Stored in SQLite (one file, safe for concurrent pre-commit runs) under the user cache directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

from .hits import Hit

FILE_NAME = "unit-results-v1.sqlite"


def default_cache_dir() -> Path:
    if os.environ.get("MSGLINT_CACHE_DIR"):
        return Path(os.environ["MSGLINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msglint"


class ResultCache:
    def __init__(self, directory: Path, salt: str):
        self.path = directory / FILE_NAME
        self._salt = salt.encode()
        self._db: sqlite3.Connection | None = None
        self.usable = True

    def key(self, kind: str, text: str) -> str:
        """kind keeps a message's lexical hits apart from a unit's syntactic hits for the same text."""
        payload = b"\0".join([self._salt, kind.encode(), text.encode("utf-8", "surrogatepass")])
        return hashlib.sha256(payload).hexdigest()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.usable:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path, timeout=30)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, hits TEXT NOT NULL)")
            except (OSError, sqlite3.Error):
                # A read-only home or a locked file must not stop a check: run without the cache.
                self.usable, self._db = False, None
        return self._db

    def get_many(self, kind: str, texts: list[str]) -> dict[str, list[Hit]]:
        db = self._connect()
        if db is None or not texts:
            return {}
        keys = {self.key(kind, text): text for text in texts}
        found: dict[str, list[Hit]] = {}
        key_list = list(keys)
        try:
            for offset in range(0, len(key_list), 500):
                chunk = key_list[offset: offset + 500]
                rows = db.execute(f"SELECT key, hits FROM units WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, hits in rows:
                    found[keys[key]] = [Hit(*row) for row in json.loads(hits)]
        except sqlite3.Error:
            self.usable = False
            return {}
        return found

    def put_many(self, kind: str, results: dict[str, list[Hit]]) -> None:
        db = self._connect()
        if db is None or not results:
            return
        rows = [(self.key(kind, text), json.dumps([[h.rule_id, h.start, h.end, h.sentence] for h in hits]))
                for text, hits in results.items()]
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO units (key, hits) VALUES (?, ?)", rows)
        except sqlite3.Error:
            self.usable = False
