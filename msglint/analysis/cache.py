"""A content-addressed cache of unit analyses, so unchanged copy is never parsed twice.

The key is a hash of the text (a unit's; a paragraph's for the paragraph patterns; a flagged unit's
and span's for a rewrite plan) with everything that could change its analysis: msglint's and
spaCy's versions, the pipeline and its version, the analysis format, and the bytes of every rule
file. The value is the hits (or the rewrite plan), which do not depend on the declared context, so
one entry serves every recipient.
Stored in SQLite (one file, safe for concurrent pre-commit runs) under the user cache directory.

The cache is never trusted: a row whose hits are not a list of [rule id, start, end, sentence]
with offsets inside the text and a rule the rule set has is a miss, and is analysed afresh. A file
that is not a database (corrupt, truncated) is rebuilt; a cache that cannot be opened or written
(read-only directory, locked) is bypassed. Either way one warning line goes to stderr.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import sys
from pathlib import Path

from ..ruleset.hits import Hit

FILE_NAME = "unit-results-v1.sqlite"


MATCH_KINDS = ("block", "unit")  # the engine's kinds: hits of rules over a paragraph or a unit


def default_cache_dir() -> Path:
    if os.environ.get("MSGLINT_CACHE_DIR"):
        return Path(os.environ["MSGLINT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "msglint"


# What a cached unit's hits mean, beyond the versions in the salt: bumped when the engine reads the
# same text under the same rules differently (2: a cue's sentence is its unit, not the parser's).
ANALYSIS_FORMAT = 2


class ResultCache:
    def __init__(self, directory: Path, salt: str):
        self.path = directory / FILE_NAME
        self._salt = f"{salt}; analysis {ANALYSIS_FORMAT}".encode()
        self._db: sqlite3.Connection | None = None
        self.usable = True
        self._rule_ids: frozenset[str] | None = None
        self._warned = False

    def expect_rules(self, rule_ids) -> None:
        """Hits of any other rule are treated as a doctored row (a miss)."""
        self._rule_ids = frozenset(rule_ids)

    def _warn(self, what: str, exc: Exception) -> None:
        if not self._warned:
            self._warned = True
            reason = " ".join(str(exc).split()) or type(exc).__name__
            print(f"msglint: warning: result cache {self.path}: {what} ({reason})", file=sys.stderr)

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
        self._db = None

    def _bypass(self, exc: Exception) -> None:
        self._warn("cannot be used; running without it", exc)
        self.usable = False
        self.close()

    def key(self, kind: str, text: str) -> str:
        """kind keeps a message's lexical hits apart from a unit's syntactic hits for the same text."""
        payload = b"\0".join([self._salt, kind.encode(), text.encode("utf-8", "surrogatepass")])
        return hashlib.sha256(payload).hexdigest()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            try:
                db.execute("PRAGMA journal_mode=WAL")
            except sqlite3.OperationalError:
                # Two runs creating the file at once: the mode change can fail at once instead of
                # waiting; the default journal is slower with several writers, never wrong.
                pass
            db.execute("CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, hits TEXT NOT NULL)")
            db.execute("SELECT key, hits FROM units LIMIT 1").fetchall()
        except BaseException:
            db.close()
            raise
        return db

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.usable:
            try:
                try:
                    self._db = self._open()
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError):
                        raise  # locked, read-only, cannot open: not ours to delete
                    # Not a database (corrupt or truncated): it only ever held what can be recomputed.
                    self._warn("was not a valid database; rebuilt it", exc)
                    for suffix in ("", "-wal", "-shm"):
                        Path(str(self.path) + suffix).unlink(missing_ok=True)
                    self._db = self._open()
            except (OSError, sqlite3.Error) as exc:
                # A read-only home or a locked file must not stop a check: run without the cache.
                self._bypass(exc)
        return self._db

    def _valid(self, raw: str, text: str, check_rules: bool) -> list[Hit] | None:
        """The hits a row stores, or None when they are not what this cache writes for `text`."""
        try:
            rows = json.loads(raw)
        except (ValueError, RecursionError):
            return None
        if not isinstance(rows, list):
            return None
        hits = []
        for row in rows:
            if not (isinstance(row, list) and len(row) == 4 and isinstance(row[0], str)
                    and all(type(v) is int for v in row[1:])):
                return None
            rule_id, start, end, sentence = row
            if not 0 <= sentence <= start <= end <= len(text):
                return None
            if check_rules and self._rule_ids is not None and rule_id not in self._rule_ids:
                return None
            hits.append(Hit(rule_id, start, end, sentence))
        return hits

    def get_many(self, kind: str, texts: list[str]) -> dict[str, list[Hit]]:
        db = self._connect()
        if db is None or not texts:
            return {}
        keys = {self.key(kind, text): text for text in texts}
        # Rows of matcher hits name rules; other kinds (rewrite plans) name their own operations.
        check_rules = kind in MATCH_KINDS
        found: dict[str, list[Hit]] = {}
        key_list = list(keys)
        try:
            for offset in range(0, len(key_list), 500):
                chunk = key_list[offset: offset + 500]
                rows = db.execute(f"SELECT key, hits FROM units WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                for key, hits in rows:
                    text = keys.get(key) if isinstance(key, str) else None
                    valid = self._valid(hits, text, check_rules) if text is not None and isinstance(hits, str) else None
                    if valid is not None:
                        found[text] = valid
        except sqlite3.Error as exc:
            self._bypass(exc)
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
        except sqlite3.Error as exc:
            self._bypass(exc)


RECENT_TEXTS = 8192  # analyses kept in memory, of every kind together


class KnownHits:
    """What is already known of a text's analysis in this process: the recent analyses, kept in
    memory, and then the result cache on disk (None with --no-cache).

    The memory is what makes repeated copy cheap whatever the disk cache: a send's shared footer or
    greeting is analysed once per process, not once per chunk of messages or per worker's task.
    Bounded: past RECENT_TEXTS the oldest entries go, so a huge send keeps its memory flat.
    """

    def __init__(self, disk: ResultCache | None, size: int = RECENT_TEXTS):
        self.disk = disk
        self._size = size
        self._recent: dict[tuple[str, str], list] = {}

    def get_many(self, kind: str, texts: list[str]) -> dict[str, list]:
        found = {text: hits for text in texts if (hits := self._recent.get((kind, text))) is not None}
        if self.disk is not None and len(found) < len(texts):
            stored = self.disk.get_many(kind, [text for text in texts if text not in found])
            self._remember(kind, stored)
            found.update(stored)
        return found

    def forget(self) -> None:
        """Drop what is remembered in memory (a benchmark's turn must not reuse the last turn's)."""
        self._recent.clear()

    def put_many(self, kind: str, fresh: dict[str, list]) -> None:
        """Newly analysed texts: remembered, and written to the disk cache."""
        self._remember(kind, fresh)
        if self.disk is not None:
            self.disk.put_many(kind, fresh)

    def _remember(self, kind: str, found: dict[str, list]) -> None:
        recent = self._recent
        for text, hits in found.items():
            recent[(kind, text)] = hits
        if len(recent) > self._size:
            for key in list(itertools.islice(recent, len(recent) - self._size)):  # the oldest first
                del recent[key]
