"""Readers: each turns one external format into canonical records (see records.py)."""
