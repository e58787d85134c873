"""A PEM holding anything besides its one certificate (a private key above all) is refused at
the certificate's entry, naming only the block's label and line; what loads is the certificate
block alone, re-encoded, whatever text surrounded it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from tests.support import KEY_KINDS, key_material, key_pem, pem_label

if TYPE_CHECKING:
    from tests.support.config_lab import ConfigLab

MakePem = Callable[[float], str]


def _with_key(cert: str, kind: str, *, key_first: bool) -> tuple[str, int]:
    """cert and key concatenated (as `cat c.pem k.pem` makes them); the key's BEGIN line."""
    key = key_pem(kind)
    if key_first:
        return key + cert, 1
    return cert + key, cert.count("\n") + 1


def _config(source: str, pem: str) -> str:
    """org.yaml declaring one certificate `c`, from c.pem or inline."""
    if source == "file":
        return "version: 1\ncertificates:\n  - {name: c, file: c.pem}\n"
    return "version: 1\ncertificates:\n  - name: c\n    pem: |\n" + textwrap.indent(pem, "      ")


def _refusal(kind: str, line: int) -> str:
    why = "a private key never belongs in the config" if "PRIVATE" in kind else "not a certificate"
    return (
        f"holds a {pem_label(kind)!r} block (line {line} of the PEM): {why}; "
        "keep only the CERTIFICATE block"
    )


@pytest.mark.parametrize("source", ["file", "pem"])
@pytest.mark.parametrize("key_first", [False, True], ids=["key-after", "key-before"])
@pytest.mark.parametrize("kind", KEY_KINDS)
def test_any_other_block_is_refused_at_the_entry(
    lab: ConfigLab, make_pem: MakePem, kind: str, key_first: bool, source: str
) -> None:
    """Every private-key label (encrypted or not) and any other non-certificate block, before
    or after the certificate, in a file or inline, is one located error without the key."""
    pem, line = _with_key(make_pem(100), kind, key_first=key_first)
    lab.write(pem, name="c.pem")
    found = lab.problems(_config(source, pem))
    where = (
        "org.yaml:3:15: certificates[0].file"
        if source == "file"
        else ("org.yaml:4:5: certificates[0].pem")
    )
    assert found == [f"{where}: {_refusal(kind, line)}"]
    assert not any(part in found[0] for part in key_material(key_pem(kind)))


def test_a_key_alone_is_called_a_key(lab: ConfigLab) -> None:
    """A file holding only a private key is refused as a key, not as a malformed certificate."""
    lab.write(key_pem("EC PRIVATE KEY"), name="c.pem")
    found = lab.problems(_config("file", ""))
    assert found == [f"org.yaml:3:15: certificates[0].file: {_refusal('EC PRIVATE KEY', 1)}"]


def test_an_odd_label_is_not_echoed(lab: ConfigLab, make_pem: MakePem) -> None:
    """A block whose label is not a plain PEM label is refused without quoting the label."""
    body = key_material(key_pem("EC PRIVATE KEY"))
    odd = "-----BEGIN my key: " + body[0] + "-----\n" + "\n".join(body) + "\n-----END x-----\n"
    cert = make_pem(100)
    lab.write(cert + odd, name="c.pem")
    found = lab.problems(_config("file", ""))
    assert found == [
        f"org.yaml:3:15: certificates[0].file: holds a PEM block (line {cert.count(chr(10)) + 1} "
        "of the PEM): not a certificate; keep only the CERTIFICATE block"
    ]


def test_only_the_certificate_block_is_carried(lab: ConfigLab, make_pem: MakePem) -> None:
    """Text around the certificate (openssl's bag attributes, comments, CRLF line ends) loads,
    but what the model carries on is the certificate block alone, re-encoded."""
    cert = make_pem(100)
    noisy = "Bag Attributes\n    friendlyName: c\nsubject=CN = test.example.com\n" + cert
    lab.write(noisy.replace("\n", "\r\n") + "trailing words\n", name="c.pem")
    loaded = lab.load(_config("file", ""))
    assert loaded.desired.org.certificates is not None
    assert loaded.desired.org.certificates["c"].pem == cert
