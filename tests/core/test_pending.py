"""The rotation marker an account carries while its new key is on the way to the sink."""

from __future__ import annotations

from reconciler.core.pending import rotating_name, rotating_of


def test_rotating_marker_round_trips() -> None:
    """rotating_of gives back the real name and nonce of a marked name, and leaves any other
    name (the marker alone, a marker without a nonce) as it is."""
    assert rotating_of(rotating_name("ci-deployer", "1a2b")) == ("ci-deployer", "1a2b")
    assert rotating_of("ci-deployer") == ("ci-deployer", None)
    assert rotating_of(".reconciler-rotating-1a2b") == (".reconciler-rotating-1a2b", None)
    assert rotating_of("ci.reconciler-rotating-") == ("ci.reconciler-rotating-", None)
