"""The steps of `reconciler.fetch.fetch_live`: per-project reads, concurrency, progress, stakes.

The entry point stays `reconciler/fetch.py`; `stakes.py` is the second, small read after planning.
"""
