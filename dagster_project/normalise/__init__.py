"""Vectorised normalisers for URLs, hosts, registrable domains and vendor values (pure; no Dagster, no DuckDB)."""
