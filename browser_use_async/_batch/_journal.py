"""The journal: each input's state in an SQLite file, written before and after its create, so
a batch that died is resumed without running anything twice.

An input with no row has not been sent. `creating` means its create may have been sent
(`sent_at` says when, by the wall clock, to look for its tag); `running` names its task;
`done` holds the final task. Each write is its own transaction: the file is consistent
whenever the process dies. Only the standard library is used.
"""

import contextlib
import datetime as dt
import os
import pathlib
import sqlite3
import uuid

import attrs

from browser_use_async._exceptions import InvalidArgumentError, JournalError, shown

__all__ = ["Entry", "Journal", "check_path"]

VERSION = 1
"""The journal's `user_version`: a file of another version, or another database, is refused
(never written to)."""

_SCHEMA = f"""
PRAGMA user_version = {VERSION};
CREATE TABLE batch (id TEXT NOT NULL);
CREATE TABLE inputs (
    idx INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('creating', 'running', 'done')),
    sent_at TEXT,
    task_id TEXT,
    task BLOB,
    reason TEXT
);
"""


def check_path(value: object) -> None:
    """Refuse what is not a journal's file path, at the call: nothing is sent."""
    if not isinstance(value, str | os.PathLike):
        raise InvalidArgumentError(f"journal must be a file path or None, got {shown(value)}")
    if value in ("", ":memory:"):  # SQLite reads these as databases that end with the process
        raise InvalidArgumentError(
            f"journal must be a file path, not {value!r}: a resume would find nothing"
        )


@attrs.frozen
class Entry:
    """What the journal knows of one input."""

    index: int
    key: str
    fingerprint: str
    state: str
    sent_at: dt.datetime | None
    task_id: uuid.UUID | None
    task: bytes | None  # the final TaskView's JSON, once done
    reason: str | None  # why the batch stopped it, if it did ("cost", "timeout")


class Journal:
    """One batch's journal file; `batch_id` goes into each create's run tag."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        check_path(path)
        self.path = os.fspath(path)
        db: sqlite3.Connection | None = None
        try:
            if os.path.exists(self.path):  # looked at read-only first: another database is
                # left as it was, not even switched to WAL
                uri = f"{pathlib.Path(self.path).resolve().as_uri()}?mode=ro"
                with contextlib.closing(sqlite3.connect(uri, uri=True)) as peek:
                    _is_new(peek)
            db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0.1
            )
            # One batch at a time: two writing one journal would each create what the other
            # had not recorded. The lock is the operating system's: it ends with the process.
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # survives the process dying
            db.execute("BEGIN IMMEDIATE")
            if _is_new(db):  # again, now that it is ours
                db.executescript(_SCHEMA)  # commits the BEGIN first
                db.execute("INSERT INTO batch (id) VALUES (?)", (str(uuid.uuid4()),))
            else:
                db.execute("COMMIT")
            [(batch_id,)] = db.execute("SELECT id FROM batch").fetchall()
            self.batch_id = uuid.UUID(batch_id)
        except (sqlite3.Error, ValueError) as error:
            if db is not None:
                db.close()
            if "locked" in str(error):
                raise JournalError(
                    f"the journal {self.path!r} is in use by another batch; wait for it to end, "
                    "or give this one a journal of its own"
                ) from None
            raise JournalError(f"cannot use {self.path!r} as a journal: {error}") from None
        self._db = db

    def entries(self) -> dict[int, Entry]:
        try:
            return self._entries()
        except (sqlite3.Error, ValueError) as error:
            raise JournalError(f"cannot read the journal {self.path!r}: {error}") from None

    def _entries(self) -> dict[int, Entry]:
        rows = self._db.execute(
            "SELECT idx, key, fingerprint, state, sent_at, task_id, task, reason FROM inputs"
        )
        return {
            idx: Entry(
                idx,
                key,
                fp,
                state,
                None if sent is None else dt.datetime.fromisoformat(sent),
                None if task_id is None else uuid.UUID(task_id),
                task,
                reason,
            )
            for idx, key, fp, state, sent, task_id, task, reason in rows
        }

    def creating(self, index: int, key: str, fingerprint: str, sent_at: dt.datetime) -> None:
        self._write(
            "INSERT INTO inputs (idx, key, fingerprint, state, sent_at) "
            "VALUES (?, ?, ?, 'creating', ?) ON CONFLICT (idx) DO UPDATE SET "
            "state = 'creating', sent_at = excluded.sent_at, task_id = NULL, task = NULL, "
            "reason = NULL",
            (index, key, fingerprint, sent_at.isoformat()),
        )

    def running(self, index: int, task_id: uuid.UUID) -> None:
        self._write(
            "UPDATE inputs SET state = 'running', task_id = ? WHERE idx = ?",
            (str(task_id), index),
        )

    def done(self, index: int, task: bytes, reason: str | None) -> None:
        self._write(
            "UPDATE inputs SET state = 'done', task = ?, reason = ? WHERE idx = ?",
            (task, reason, index),
        )

    def forget(self, index: int) -> None:
        """The input was not created after all (refused, or stopped by an interruption):
        a resume sends it again."""
        self._write("DELETE FROM inputs WHERE idx = ?", (index,))

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        try:
            self._db.execute(sql, args)
        except sqlite3.Error as error:
            raise JournalError(f"cannot write the journal {self.path!r}: {error}") from None


def _is_new(db: sqlite3.Connection) -> bool:
    """Whether the database is empty (a new journal); ValueError unless it is a journal of
    this version."""
    [(version,)] = db.execute("PRAGMA user_version").fetchall()
    [(objects,)] = db.execute("SELECT count(*) FROM sqlite_master").fetchall()
    if version == 0 and objects == 0:
        return True
    if version != VERSION:
        raise ValueError(
            f"it is another database, or a journal of another version ({version}, not {VERSION})"
        )
    return False
