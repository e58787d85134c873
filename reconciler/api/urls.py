"""Checking the base URL: https, or plain http only to a loopback host."""

from __future__ import annotations

import ipaddress

import httpx

from reconciler.errors import BaseUrlError

DEFAULT_BASE_URL = "https://api.openai.com/v1"
# Added to a 404 when the base URL's path does not end in /v1: the usual cause.
BASE_URL_HINT = f"OPENAI_BASE_URL does not end in /v1: the API's base is {DEFAULT_BASE_URL}"


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> httpx.URL:
    """The parsed base URL, or a one-line error if the key could travel in clear text."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise BaseUrlError(f"OPENAI_BASE_URL is not a valid URL: {exc}") from None
    if parsed.scheme == "https" and parsed.host:
        return parsed
    if parsed.scheme == "http" and is_loopback(parsed.host):
        return parsed
    if parsed.scheme == "http":
        raise BaseUrlError(
            f"OPENAI_BASE_URL {url!r} uses plain http to a non-loopback host; "
            "the admin key would travel in clear text (use https)"
        )
    raise BaseUrlError(f"OPENAI_BASE_URL {url!r} must be an https:// URL")
