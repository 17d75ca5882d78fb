"""The DuckDB store: tables, connections, Parquet import/export."""

from docket.store.db import connect, ddl_statements

__all__ = ["connect", "ddl_statements"]
