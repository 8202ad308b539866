"""Data-quality rules and Great Expectations suites (pure: no Dagster, no DuckDB)."""
