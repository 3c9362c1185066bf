"""A throwaway Frontdoor install for the benchmarks that run Django: a data folder in /tmp and
either SQLite in it or a PostgreSQL database made for the run; both removed afterwards unless
`keep`. Benchmarks call `with throwaway_install(...) as folder:` before importing Django."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def throwaway_install(
    prefix: str,
    *,
    database: str = "sqlite",
    pg_name: str = "",
    keep: bool = False,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Path]:
    """Set the environment for a fresh install (settings, data folder, tasks run in-line, the
    database), yield the data folder, then close the connections and remove what was made."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
            "DEBUG": "true",
            "FRONTDOOR_DATA_DIR": str(folder),
            "FRONTDOOR_TASKS_IMMEDIATE": "true",
            **(extra_env or {}),
        }
    )
    if database == "postgres":
        _postgres(f"DROP DATABASE IF EXISTS {pg_name}")
        _postgres(f"CREATE DATABASE {pg_name}")
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        yield folder
    finally:
        from django.db import connections

        connections.close_all()
        if database == "postgres" and not keep:
            _postgres(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")
        if keep:
            print(f"kept: {folder}" if database == "sqlite" else f"kept: {pg_name}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
