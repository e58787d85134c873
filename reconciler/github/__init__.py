"""GitHub glue for CI: the sticky plan comment, the drift issue and the label overrides, all
through the `gh` on PATH (`reconciler github …`, used by the repository's action.yml)."""
