"""SQLCipher connections: pragmas on every connect, and telling a damaged database from a wrong key.

The data key has already been verified by unwrapping a key slot when we get here, so any refusal from
SQLCipher means the database itself is damaged — never a reason to delete or recreate it.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlcipher3
from sqlalchemy import event
from sqlalchemy.pool import StaticPool

from caseload.store.errors import DatabaseDamaged

CACHE_SIZE_KIB = 65536
_PAGE_RE = re.compile(r"page (\d+)")


def _key_pragma(key: bytes | bytearray) -> str:
    return f"PRAGMA key = \"x'{bytes(key).hex()}'\""


def apply_pragmas(dbapi_conn: Any, key: bytes | bytearray) -> None:
    """Issue the connection pragmas in the order architecture.md requires."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA cipher_log_level = NONE")
    cur.execute(_key_pragma(key))
    cur.execute("SELECT count(*) FROM sqlite_master").fetchall()
    cur.execute("PRAGMA temp_store = MEMORY")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL").fetchall()
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA secure_delete = ON")
    cur.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB}")
    cur.close()


def raw_connect(path: Path, key: bytes | bytearray) -> Any:
    """A raw sqlcipher3 connection with all pragmas applied, in autocommit mode."""
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        apply_pragmas(conn, key)
    except sqlcipher3.DatabaseError:
        page = _first_bad_page(conn)
        conn.close()
        raise DatabaseDamaged(page if page is not None else 1, "SQLCipher cannot read it") from None
    except BaseException:
        conn.close()
        raise
    return conn


def cipher_pages_failing(conn: Any) -> list[int]:
    """Pages that fail SQLCipher's HMAC check (``PRAGMA cipher_integrity_check``)."""
    rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    pages: list[int] = []
    for (text,) in rows:
        m = _PAGE_RE.search(str(text))
        if m:
            pages.append(int(m.group(1)))
    return pages


def _first_bad_page(conn: Any) -> int | None:
    try:
        pages = cipher_pages_failing(conn)
    except sqlcipher3.DatabaseError:
        return None
    return min(pages) if pages else None


def verify_database(path: Path, key: bytes | bytearray) -> None:
    """Open, check every page's HMAC, close. Raise :class:`DatabaseDamaged` naming the first bad page."""
    conn = raw_connect(path, key)
    try:
        pages = cipher_pages_failing(conn)
    except sqlcipher3.DatabaseError:
        raise DatabaseDamaged(None, "SQLCipher cannot check it") from None
    finally:
        conn.close()
    if pages:
        raise DatabaseDamaged(min(pages))


def make_engine(path: Path, key: bytearray) -> tuple[sa.Engine, threading.RLock]:
    """A SQLAlchemy engine over one SQLCipher connection, serialised by the returned lock."""
    engine = sa.create_engine(
        f"sqlite:///{path}",
        module=sqlcipher3.dbapi2,
        hide_parameters=True,
        poolclass=StaticPool,
        connect_args={"check_same_thread": False, "isolation_level": None},
    )

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        apply_pragmas(dbapi_conn, key)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("caseload_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine, threading.RLock()
