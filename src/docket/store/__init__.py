"""The DuckDB store: private files, tables and their upgrades, entity ids over time."""

from docket.store.db import connect, ddl_statements
from docket.store.entities import all_ids, current_id, cursor_query, require_current

__all__ = ["all_ids", "connect", "current_id", "cursor_query", "ddl_statements", "require_current"]
