"""The steps of `reconciler.apply`: the report of a run (the entry point stays apply.py)."""
