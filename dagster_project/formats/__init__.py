"""Export formats: recognise a file by its content and map it to a canonical schema (pure; no Dagster, no DuckDB)."""
