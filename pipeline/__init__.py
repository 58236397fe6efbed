"""The batch command and everything with side effects: reading files, writing Parquet."""
__version__ = "0.1.0"
