"""One module per kind of resource: how to read it live and how to change it.

Only this package translates Admin API JSON into `reconciler.core.model` values. Each module keeps
"parse" functions (JSON → model, pure), "read" functions (list calls through an `AdminClient`),
`find_*` functions that locate one object by its natural key for read-back after an ambiguous
write (the API has no lookup by natural key, so they are list calls too), and its write
handler, and ends with its `SPEC` (spec.py), listed in registry.py. Its pure half (diff step,
natural key, noun) is the module of the same name in `reconciler.core.kinds`.
"""
