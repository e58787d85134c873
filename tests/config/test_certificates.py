"""Certificates: PEM from a file or inline, parsed as X.509, with expiry judged against a clock."""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

if TYPE_CHECKING:
    from tests.support.config_lab import ConfigLab

MakePem = Callable[[float], str]
EXAMPLE_PEM = Path(__file__).parents[2] / "examples" / "certs" / "corp-mtls-2026.pem"


def _inline(pem: str) -> str:
    return textwrap.indent(pem, " " * 6)


def test_file_is_relative_to_the_config(lab: ConfigLab) -> None:
    """`file:` is read relative to the config file; the fingerprint is sha256 of the DER."""
    pem = EXAMPLE_PEM.read_text()
    lab.write(pem, name="certs/c.pem")
    loaded = lab.load("version: 1\ncertificates:\n  - {name: c, file: certs/c.pem, active: true}\n")
    assert loaded.desired.org.certificates is not None
    cert = loaded.desired.org.certificates["c"]
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
    assert cert.fingerprint == hashlib.sha256(der).hexdigest()
    assert cert.active is True
    assert cert.pem == pem


def test_missing_pem_file(lab: ConfigLab) -> None:
    """A PEM file that does not exist is an error at `file`, saying paths are relative."""
    found = lab.problems("version: 1\ncertificates:\n  - {name: c, file: nope.pem}\n")
    assert found == [
        "org.yaml:3:15: certificates[0].file: no such file: nope.pem (paths are relative to the "
        "config file)"
    ]


def test_not_a_certificate(lab: ConfigLab) -> None:
    """A file that is not a PEM certificate is an error at `file`."""
    lab.write("hello\n", name="c.pem")
    found = lab.problems("version: 1\ncertificates:\n  - {name: c, file: c.pem}\n")
    assert found == [
        "org.yaml:3:15: certificates[0].file: not a PEM certificate "
        "(no '-----BEGIN CERTIFICATE-----' line)"
    ]


def test_garbled_pem(lab: ConfigLab) -> None:
    """A PEM block whose content is not X.509 is an error, not a traceback."""
    lab.write("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", name="c.pem")
    found = lab.problems("version: 1\ncertificates:\n  - {name: c, file: c.pem}\n")
    assert len(found) == 1
    assert found[0].startswith("org.yaml:3:15: certificates[0].file: not a valid X.509 certificate")


def test_exactly_one_of_file_or_pem(lab: ConfigLab) -> None:
    """A certificate needs exactly one of `file` and `pem`."""
    found = lab.problems("version: 1\ncertificates:\n  - {name: c}\n")
    assert found == [
        "org.yaml:3:5: certificates[0]: give exactly one of `file` (a PEM file) or `pem` (inline)"
    ]


def test_expiring_soon_is_a_warning(lab: ConfigLab, make_pem: MakePem) -> None:
    """A certificate expiring within 30 days loads, with a warning."""
    warnings = lab.warnings(
        "version: 1\ncertificates:\n  - name: c\n    active: true\n    pem: |\n"
        + _inline(make_pem(10.5))
    )
    assert warnings == [
        "org.yaml:3:5: warning: certificates[0]: certificate expires on 2026-12-06 (in 10 days)"
    ]


def test_expired_and_active_is_an_error(lab: ConfigLab, make_pem: MakePem) -> None:
    """An expired certificate in use (active) is an error."""
    found = lab.problems(
        "version: 1\ncertificates:\n  - name: c\n    active: true\n    pem: |\n"
        + _inline(make_pem(-1))
    )
    assert found == [
        "org.yaml:3:5: certificates[0]: certificate expired on 2026-11-24; "
        "it is in use (active, or listed by a project)"
    ]


def test_expired_and_listed_by_a_project_is_an_error(lab: ConfigLab, make_pem: MakePem) -> None:
    """An expired certificate a project activates is in use, so it is an error."""
    found = lab.problems(
        "version: 1\nprojects:\n  - {name: p, certificates: [c]}\ncertificates:\n  - name: c\n"
        "    pem: |\n" + _inline(make_pem(-1))
    )
    assert len(found) == 1
    assert "expired on 2026-11-24; it is in use" in found[0]


def test_expired_and_unused_is_a_warning(lab: ConfigLab, make_pem: MakePem) -> None:
    """An expired certificate nobody uses only warns."""
    warnings = lab.warnings(
        "version: 1\ncertificates:\n  - name: c\n    pem: |\n" + _inline(make_pem(-1))
    )
    assert warnings == ["org.yaml:3:5: warning: certificates[0]: certificate expired on 2026-11-24"]


def test_same_certificate_twice(lab: ConfigLab) -> None:
    """Two declarations with one fingerprint are an error at the second."""
    lab.write(EXAMPLE_PEM.read_text(), name="c.pem")
    found = lab.problems(
        "version: 1\ncertificates:\n  - {name: a, file: c.pem}\n  - {name: b, file: c.pem}\n"
    )
    assert len(found) == 1
    assert found[0].startswith("org.yaml:4:15: certificates[1].file: same certificate as 'a'")


def test_duplicate_certificate_names(lab: ConfigLab, make_pem: MakePem) -> None:
    """Two certificates with one name are an error at the second name."""
    lab.write(make_pem(100), name="a.pem")
    lab.write(make_pem(100), name="b.pem")
    found = lab.problems(
        "version: 1\ncertificates:\n  - {name: a, file: a.pem}\n  - {name: a, file: b.pem}\n"
    )
    assert found == [
        "org.yaml:4:6: certificates[1].name: duplicate certificate name 'a' (first on line 3)"
    ]
