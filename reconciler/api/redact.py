"""Keeping the admin key out of every message, log line, repr and exception.

The client never puts the key into a message itself; these helpers scrub text that came from
elsewhere (an API error message that echoes the key, an httpx exception) before it is used.
"""

from __future__ import annotations

import re

REDACTED = "[REDACTED]"

# Anything shaped like an OpenAI secret key: `sk-` and a long run of key characters.
_KEY_SHAPED = re.compile(r"sk-[A-Za-z0-9_\-]{12,}")


def redact(text: str, secret: str | None = None) -> str:
    """`text` with `secret` and anything shaped like a secret key replaced by a marker."""
    if secret:
        text = text.replace(secret, REDACTED)
    return _KEY_SHAPED.sub(REDACTED, text)
