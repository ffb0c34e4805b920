"""The datapakhuis: canonical tables in one DuckDB file, loaded transactionally."""
