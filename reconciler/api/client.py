"""The Admin API client: one request path for auth, pacing, retries, error mapping and logging.

Reads (GET) are retried on 429, 5xx (not 501 and 505: permanent) and transport errors up to
`Pacing.max_attempts`; writes (POST, DELETE) are sent once, because only `apply` can tell, by
reading back, whether a write whose response was lost took effect. A 429 pauses the whole
endpoint family (see pacing.py). A 404 under a base URL whose path does not end in /v1 says so.
The admin key is held privately: it is in no message, log line, repr or exception.
"""

from __future__ import annotations

import email.utils
import logging
import re
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx

from reconciler.api.errormap import (
    PERMANENT,
    api_error,
    decode_object,
    protocol_error,
    transport_error,
)
from reconciler.api.pacing import (
    FamilyLimiter,
    Pacer,
    Pacing,
    Stamp,
    endpoint_family,
    endpoint_template,
)
from reconciler.api.pagination import read_page
from reconciler.api.stats import RequestStats
from reconciler.api.urls import BASE_URL_HINT, DEFAULT_BASE_URL, check_base_url
from reconciler.clock import Clock, SystemClock
from reconciler.errors import AuthError

log = logging.getLogger(__name__)

PAGE_LIMIT = 100
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
_TOKEN = re.compile(r"[!-~]+")

__all__ = ["DEFAULT_BASE_URL", "PAGE_LIMIT", "AdminClient"]


def encode_params(params: Mapping[str, Any] | None) -> httpx.QueryParams:
    """Query parameters as the SDK sends them: lists as `name[]=v`, booleans as true/false."""
    encoded: list[tuple[str, str | int | float | bool | None]] = []
    for name, value in (params or {}).items():
        if isinstance(value, list | tuple | set | frozenset):
            key = name if name.endswith("[]") else f"{name}[]"
            encoded.extend((key, _primitive(item)) for item in value)
        elif value is not None:
            encoded.append((name, _primitive(value)))
    return httpx.QueryParams(encoded)


def key_is_well_formed(key: str) -> bool:
    """Whether `key` could be sent as a bearer token: printable ASCII, no whitespace."""
    return _TOKEN.fullmatch(key) is not None


def _primitive(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class AdminClient:
    """An async client of the OpenAI Administration API (use as `async with`)."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        pacing: Pacing | None = None,
        clock: Clock | None = None,
    ) -> None:
        url = check_base_url(base_url)
        if not key_is_well_formed(api_key):
            # An HTTP library would quote the header in its error (a key with a line break
            # in it would escape redaction), so a malformed key never reaches one.
            raise AuthError("the admin key contains whitespace, control or non-ASCII characters")
        self._key = api_key
        self._base_url = str(url).rstrip("/")
        self._not_found_hint = "" if url.path.rstrip("/").endswith("/v1") else BASE_URL_HINT
        self._clock: Clock = clock or SystemClock()
        self.pacing = pacing or Pacing()
        self._pacer = Pacer(self.pacing, clock=self._clock)
        self.stats = RequestStats()
        self._http = httpx.AsyncClient(
            base_url=self._base_url,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            transport=transport,
            timeout=TIMEOUT,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"AdminClient(base_url={self._base_url!r})"

    @property
    def clock(self) -> Clock:
        """The clock this client paces and backs off with (apply waits on it too)."""
        return self._clock

    async def __aenter__(self) -> AdminClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def key_matches_redacted(self, redacted: str) -> bool:
        """Whether the key in use could be the one shown as `redacted` ("sk-admin...def")."""
        for marker in ("...", "…", "****"):
            if marker in redacted:
                prefix, _, suffix = redacted.partition(marker)
                fits = len(prefix) + len(suffix) <= len(self._key)
                return fits and self._key.startswith(prefix) and self._key.endswith(suffix)
        return False

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """GET one object (retried on 429, 5xx and transport errors)."""
        response = await self._send("GET", path, params=params, retry=True)
        return decode_object(response, operation=f"GET {path}")

    async def post(self, path: str, *, json: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """POST (create, update or action); never retried here: apply decides."""
        response = await self._send("POST", path, json=json, retry=False)
        return decode_object(response, operation=f"POST {path}")

    async def delete(self, path: str) -> dict[str, Any]:
        """DELETE; never retried here: apply decides."""
        response = await self._send("DELETE", path, retry=False)
        return decode_object(response, operation=f"DELETE {path}")

    async def list_all(
        self, path: str, *, params: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a list, `limit=100` per page, following `after=last_id` (`after=next`
        for the newer lists; fails closed: api/pagination.py)."""
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        after: str | None = None
        while True:
            query = {**(params or {}), "limit": PAGE_LIMIT}
            if after is not None:
                query["after"] = after
            page = await self.get(path, params=query)
            data, after = read_page(page, operation=f"GET {path}", seen=seen)
            items.extend(data)
            if after is None:
                return items

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Mapping[str, Any] | None = None,
        retry: bool,
    ) -> httpx.Response:
        """The one request path: pace, send, log, retry reads, map failures to errors."""
        operation = f"{method} {path}"
        limiter = self._pacer.limiter(endpoint_family(path))
        attempts = self.pacing.max_attempts if retry else 1
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                self.stats.retries += 1
            try:
                response, stamp = await self._attempt(
                    method, path, limiter, params=params, json=json
                )
            except httpx.TransportError as exc:
                if attempt == attempts:
                    raise transport_error(exc, operation=operation, secret=self._key) from None
                await self._clock.sleep(self.pacing.backoff(attempt, self._pacer.rng))
                continue
            if response.is_success:
                return response
            retryable = attempt < attempts
            if not await self._may_retry(response, limiter, stamp, attempt, retry=retryable):
                raise self._failure(response, operation)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(
        self,
        method: str,
        path: str,
        limiter: FamilyLimiter,
        *,
        params: Mapping[str, Any] | None,
        json: Mapping[str, Any] | None,
    ) -> tuple[httpx.Response, Stamp]:
        """One paced request, logged without headers."""
        stamp = await limiter.acquire()
        async with self._pacer.in_flight:
            pause = limiter.cooldown_until - self._clock.monotonic()
            if pause > 0:
                await self._clock.sleep(pause)
            limiter.depart(stamp)
            template = endpoint_template(path)
            self.stats.record(method=method, family=limiter.family, template=template)
            started = self._clock.monotonic()
            try:
                response = await self._http.request(
                    method, path, params=encode_params(params), json=json
                )
            finally:
                elapsed = self._clock.monotonic() - started
                limiter.touch(stamp)  # the server counted it before now: never later
            if response.status_code != 429:
                limiter.admitted(stamp)
            log.debug("%s %s -> %s in %.2fs", method, path, response.status_code, elapsed)
            return response, stamp

    async def _may_retry(
        self,
        response: httpx.Response,
        limiter: FamilyLimiter,
        stamp: Stamp,
        attempt: int,
        *,
        retry: bool,
    ) -> bool:
        """Handle a failed response: cool the family down on 429; True to try again."""
        status = response.status_code
        if status == 429:
            self.stats.throttled += 1
            wait = self._retry_after(response)
            if wait is not None and wait > self.pacing.retry_after_max:
                return False
            pause = wait if wait is not None else self._backoff(attempt)
            limiter.cool_down(pause, refused=stamp)
            return retry
        if status >= 500 and status not in PERMANENT and retry:
            await self._clock.sleep(self._backoff(attempt))
            return True
        return False

    def _backoff(self, attempt: int) -> float:
        return self.pacing.backoff(attempt, self._pacer.rng)

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the server asked us to wait (`Retry-After`: seconds or an HTTP date)."""
        value = response.headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - self._clock.time())

    def _failure(self, response: httpx.Response, operation: str) -> Exception:
        """The error for a response we will not retry."""
        if response.is_redirect:
            return protocol_error(
                "unexpected redirect (not followed)",
                operation=operation,
                status=response.status_code,
            )
        hint = self._not_found_hint if response.status_code == 404 else ""
        return api_error(response, operation=operation, secret=self._key, hint=hint)
