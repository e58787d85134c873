"""The config halves of the kinds added as plug-ins: one module per kind, each ending with its
`PART` (or `PARTS`), listed once in `registry.py`."""
