"""What a name in the file may be: the rule for every name, email and model key, and `version`.

A name is printed in plans (one object per line), used as a key and compared exactly, so a
name that is empty, only whitespace, or holds a control character (a newline, a tab, a line
separator, a bidirectional override that reorders what a reviewer reads) is refused rather
than carried into a plan it would garble. A name that starts or ends with a space is one the
API allows (and `export` writes), so it only earns a warning (checks.py); an email never has
one. `NAME_PATTERN` and `EMAIL_PATTERN` are the same rules as regular expressions for the JSON
Schema, written to mean the same in Python's `re` and in ECMAScript (what editors use): no `$`
that could match before a final newline decides anything, since every line terminator is a
forbidden character.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.core.pending import PENDING_SUFFIX, ROTATING_INFIX

# C0 and C1 controls (newline, tab, DEL, …), line and paragraph separators, the bidirectional
# marks, embeddings, overrides and isolates, and the byte-order mark.
_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
NAME_PATTERN = rf"^(?!\s*$)(?!.*[{_FORBIDDEN}]).+$"
EMAIL_PATTERN = rf"^(?!\s)(?!.*\s$)(?!.*[{_FORBIDDEN}]).+$"
# A service account name the diff would read as an interrupted apply's (see kinds/pending.py).
# Only the dot escaped: ECMAScript's unicode mode refuses `\-`, which re.escape would write.
# The rotation marker (a key rotation in progress) is reserved wherever it appears.
RESERVED_PATTERN = PENDING_SUFFIX.replace(".", r"\.") + "$|" + ROTATING_INFIX.replace(".", r"\.")

_FORBIDDEN_CHAR = re.compile(f"[{_FORBIDDEN}]")


def check_name(value: str) -> str:
    """`value` if it is a usable name, else a ValueError saying what is wrong with it."""
    if not value:
        raise ValueError("must not be empty")
    bad = _FORBIDDEN_CHAR.search(value)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        raise ValueError(f"must not contain the control character {code}, got {short(value)}")
    if value.isspace():
        raise ValueError(f"must not be only whitespace, got {short(value)}")
    return value


def check_email(value: str) -> str:
    """`value` if it is a usable name that neither starts nor ends with whitespace."""
    check_name(value)
    if padded(value):
        raise ValueError(f"must not start or end with whitespace, got {short(value)}")
    return value


def padded(value: str) -> bool:
    """Whether `value` starts or ends with whitespace."""
    return value != value.strip()


def check_not_reserved(value: str) -> str:
    """`value` unless it ends with the suffix apply gives accounts whose key is undelivered."""
    if value.endswith(PENDING_SUFFIX):
        raise ValueError(
            f"the suffix {PENDING_SUFFIX!r} is reserved for the accounts an interrupted apply "
            f"leaves behind, got {short(value)}"
        )
    if ROTATING_INFIX in value:
        raise ValueError(
            f"{ROTATING_INFIX!r} is reserved for accounts whose key rotation is in progress, "
            f"got {short(value)}"
        )
    return value


def check_version(value: Any) -> Any:
    """`value` if it is the integer 1; else a ValueError naming what was written."""
    if type(value) is int and value == 1:
        return value
    if type(value) is int:
        raise ValueError(f"unsupported version {value}; this reconciler reads version 1")
    raise ValueError(f"must be the integer 1, got {_describe(value)}; write `version: 1`")


def _describe(value: Any) -> str:
    """`value` as the YAML reader understood it."""
    if value is None:
        return "no value"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"the string {short(value)}"
    if isinstance(value, float):
        return f"the decimal number {value!r}"
    return short(value)


def short(value: Any) -> str:
    """repr, which escapes control characters (the message stays one line), cut at 60."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
