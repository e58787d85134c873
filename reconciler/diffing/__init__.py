"""The steps of `reconciler.diff.diff`: projects, users, and what each project holds.

The entry point stays `reconciler/diff.py`; `out.py` holds the collector every step writes to.
"""
