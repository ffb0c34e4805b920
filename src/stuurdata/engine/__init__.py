"""Where the Ibis expressions run: DuckDB (default, one file) or Spark (a region, the country).

``engine.base`` holds the contract and DuckDB, ``engine.spark`` Spark over Spark Connect.
This module stays light (the CLI imports it for its options).
"""

MOTOREN = ("duckdb", "spark")


class SparkError(RuntimeError):
    """Spark could not be started or reached (message in Dutch)."""


__all__ = ["MOTOREN", "SparkError"]
