"""The pure half of each kind of object: its diff step and what the core and the renderers
need to know about it (`KindInfo`: natural key, scope, noun), one module per kind, listed in
`registry.py`. The I/O half (endpoints, parsing, write handlers, audit events) is the module
of the same name in `reconciler.kinds`.
"""
