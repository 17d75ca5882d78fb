"""Execution engines: DuckDB (default) and Spark."""
