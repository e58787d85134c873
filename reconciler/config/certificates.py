"""Declared certificates: read each PEM (file or inline), parse it, and judge its expiry.

Expiry rule: a certificate that expires within 30 days is a warning. One that has already
expired is an error when it is in use (`active: true`, or listed by a project) — the API would
serve a dead certificate — and a warning otherwise. Two declarations of the same certificate
(same fingerprint) are an error: certificates are matched by fingerprint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path as FsPath

from reconciler.config.pem import CertificateInfo, parse_pem
from reconciler.config.schema import CertificateConfig, ConfigFile
from reconciler.config.source import Locations, Path
from reconciler.errors import CertificateParseError, Problem

EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class LoadedCertificate:
    """A declared certificate: its PEM (the certificate block alone, as `info.pem`; never what
    else the file or inline text held) and what parsing it told us."""

    pem: str
    info: CertificateInfo


@dataclass
class CertificateResults:
    """Certificates that loaded, by name, and the problems met on the way."""

    loaded: dict[str, LoadedCertificate] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def load_certificates(
    config: ConfigFile, loc: Locations, *, base_dir: FsPath, now: datetime
) -> CertificateResults:
    """Read and check every declared certificate (PEM files are the only I/O here)."""
    results = CertificateResults()
    in_use = {name for p in config.projects for name in p.certificates or []}
    fingerprints: dict[str, str] = {}
    for index, cert in enumerate(config.certificates or []):
        path: Path = ("certificates", index)
        pem = _read_pem(cert, path, loc, base_dir, results.problems)
        if pem is None:
            continue
        try:
            info = parse_pem(pem)
        except CertificateParseError as exc:
            results.problems.append(loc.problem(_source_key(cert, path), str(exc)))
            continue
        if info.fingerprint in fingerprints:
            first = fingerprints[info.fingerprint]
            message = f"same certificate as {first!r} (fingerprint {info.fingerprint[:16]}…)"
            results.problems.append(loc.problem(_source_key(cert, path), message))
        fingerprints.setdefault(info.fingerprint, cert.name)
        used = cert.active or cert.name in in_use
        results.problems.extend(_expiry(info, path, loc, now=now, used=used))
        results.loaded.setdefault(cert.name, LoadedCertificate(pem=info.pem, info=info))
    return results


def _source_key(cert: CertificateConfig, path: Path) -> Path:
    return (*path, "file" if cert.file is not None else "pem")


def _read_pem(
    cert: CertificateConfig, path: Path, loc: Locations, base_dir: FsPath, problems: list[Problem]
) -> str | None:
    if (cert.file is None) == (cert.pem is None):
        problems.append(
            loc.problem(path, "give exactly one of `file` (a PEM file) or `pem` (inline)")
        )
        return None
    if cert.pem is not None:
        return cert.pem
    assert cert.file is not None
    fragment = loc.file_of(path)  # in a config directory, relative to the fragment's file
    target = (base_dir if fragment == loc.source else FsPath(fragment).parent) / cert.file
    try:
        return target.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = f"no such file: {cert.file} (paths are relative to the config file)"
    except IsADirectoryError:
        message = f"{cert.file} is a directory, not a PEM file"
    except UnicodeDecodeError:
        message = f"{cert.file} is not a PEM text file (not UTF-8)"
    except OSError as exc:
        message = f"cannot read {cert.file}: {exc.strerror or exc}"
    problems.append(loc.problem((*path, "file"), message))
    return None


def _expiry(
    info: CertificateInfo, path: Path, loc: Locations, *, now: datetime, used: bool
) -> Iterator[Problem]:
    when = info.not_after.strftime("%Y-%m-%d")
    if info.not_after <= now:
        severity = "error" if used else "warning"
        suffix = "; it is in use (active, or listed by a project)" if used else ""
        yield loc.problem(path, f"certificate expired on {when}{suffix}", severity=severity)
    elif info.not_after - now <= EXPIRY_WARNING:
        days = (info.not_after - now).days
        yield loc.problem(
            path, f"certificate expires on {when} (in {days} days)", severity="warning"
        )
