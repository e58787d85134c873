"""Pacing: Retry-After honoured, a 429 cools the whole family down, the window limiter holds."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable

import httpx
import pytest
import respx

from reconciler.api import AdminClient, endpoint_family, endpoint_template
from reconciler.clock import VirtualClock
from reconciler.errors import ThrottledError

BASE = "https://api.openai.com/v1"
USERS = "/organization/users"


def _throttled(retry_after: int | None = None) -> httpx.Response:
    headers = {} if retry_after is None else {"retry-after": str(retry_after)}
    body = {"error": {"message": "slow down", "type": "requests", "param": None, "code": None}}
    return httpx.Response(429, json=body, headers=headers)


def _stamping(
    clock: VirtualClock, times: list[float], responses: list[httpx.Response]
) -> Callable[[httpx.Request], httpx.Response]:
    """A side effect that records the clock time of each call and answers in turn."""

    def respond(request: httpx.Request) -> httpx.Response:
        times.append(clock.monotonic())
        return responses.pop(0) if responses else httpx.Response(200, json={})

    return respond


def test_retry_after_is_honoured_on_the_clock(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """After a 429 with Retry-After: 5 the read is retried no sooner than 5 clock seconds."""
    times: list[float] = []

    async def scenario() -> None:
        async with make_client() as client:
            await client.get(USERS)

    with respx.mock(base_url=BASE) as router:
        router.get(USERS).mock(side_effect=_stamping(clock, times, [_throttled(5)]))
        asyncio.run(scenario())
    assert len(times) == 2
    assert 5.0 <= times[1] - times[0] < 8.0


def test_429_without_retry_after_backs_off_with_jitter(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """Without Retry-After the wait is a jittered exponential backoff: between half and all
    of backoff_base * 2**(attempt-1)."""
    times: list[float] = []

    async def scenario() -> None:
        async with make_client(backoff_base=4.0) as client:
            await client.get(USERS)

    with respx.mock(base_url=BASE) as router:
        router.get(USERS).mock(side_effect=_stamping(clock, times, [_throttled(), _throttled()]))
        asyncio.run(scenario())
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert 2.0 <= gaps[0] < 4.0 + 2.0
    assert 4.0 <= gaps[1] < 8.0 + 2.0


def test_cooldown_is_shared_by_concurrent_requests_of_a_family(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """A 429 on one users request holds back every queued users request until it ends, while
    another family goes on at once."""
    user_times: list[float] = []
    invite_times: list[float] = []

    async def scenario() -> None:
        async with make_client(max_in_flight=2) as client:
            first = asyncio.create_task(client.get(f"{USERS}/u0"))
            await asyncio.sleep(0)
            others = [client.get(f"{USERS}/u{n}") for n in range(1, 4)]
            await asyncio.gather(first, *others, client.get("/organization/invites"))

    with respx.mock(base_url=BASE) as router:
        router.get(url__regex=r"/organization/users/u\d").mock(
            side_effect=_stamping(clock, user_times, [_throttled(10)])
        )
        router.get("/organization/invites").mock(side_effect=_stamping(clock, invite_times, []))
        asyncio.run(scenario())
    throttled_at = user_times[0]
    later = [t for t in user_times[1:] if t - throttled_at >= 10.0]
    assert len(user_times) == 5  # 1 throttled + 4 successes (u0 retried)
    assert len(later) >= 3  # every request queued behind the 429 waited for the cooldown
    assert invite_times[0] - throttled_at < 5.0


def test_retry_after_beyond_the_maximum_gives_up_at_once(
    make_client: Callable[..., AdminClient],
) -> None:
    """A Retry-After longer than retry_after_max raises ThrottledError without waiting."""

    async def scenario() -> None:
        async with make_client(retry_after_max=30.0) as client:
            await client.get(USERS)

    with respx.mock(base_url=BASE) as router:
        route = router.get(USERS).mock(return_value=_throttled(3600))
        with pytest.raises(ThrottledError, match="HTTP 429: slow down"):
            asyncio.run(scenario())
    assert route.call_count == 1


def test_window_limiter_keeps_to_the_rate(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """With 3 requests per minute, the 4th request of a family starts a full window later."""
    times: list[float] = []

    async def scenario() -> None:
        async with make_client(requests_per_minute=3, window=6.0, window_margin=0.0) as client:
            await asyncio.gather(*(client.get(f"{USERS}/u{n}") for n in range(4)))

    with respx.mock(base_url=BASE) as router:
        router.get(url__regex=r"/organization/users/u\d").mock(
            side_effect=_stamping(clock, times, [])
        )
        asyncio.run(scenario())
    assert times == [0.0, 0.0, 0.0, 6.0]


def test_one_429_with_retry_after_is_transient_and_the_rate_resumes(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """After one 429 with Retry-After: 1, the family waits that second and then goes on at its
    configured rate: the eight queued reads all start within two seconds of virtual time, and
    the family's limit is unchanged."""
    times: list[float] = []

    async def scenario() -> int:
        async with make_client(requests_per_minute=100, max_in_flight=8) as client:
            first = asyncio.create_task(client.get(f"{USERS}/u0"))
            await asyncio.sleep(0)
            await asyncio.gather(first, *(client.get(f"{USERS}/u{n}") for n in range(1, 8)))
            return client._pacer.limiter("users").limit

    with respx.mock(base_url=BASE) as router:
        router.get(url__regex=r"/organization/users/u\d").mock(
            side_effect=_stamping(clock, times, [_throttled(1)])
        )
        limit = asyncio.run(scenario())
    assert len(times) == 9  # one 429, then each of the 8 reads once
    assert 1.0 <= max(times) <= 2.0
    assert limit == 100


def test_isolated_429s_between_successes_never_lower_the_rate(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """A bare 429 on every third read, with successes in between, is never taken for a window
    limit: 12 reads at 100 per minute finish within seconds, not minutes."""
    times: list[float] = []
    answers = [httpx.Response(200, json={}) if n % 3 else _throttled() for n in range(1, 30)]

    async def scenario() -> None:
        async with make_client(requests_per_minute=100, max_in_flight=1) as client:
            for n in range(12):
                await client.get(f"{USERS}/u{n}")

    with respx.mock(base_url=BASE) as router:
        router.get(url__regex=r"/organization/users/u\d+").mock(
            side_effect=_stamping(clock, times, answers)
        )
        asyncio.run(scenario())
    assert len(times) == 17  # 12 reads, 5 of them refused once
    assert max(times) < 10.0


def _window_server(
    clock: VirtualClock, log: list[tuple[float, int]], *, limit: int, window: float = 60.0
) -> Callable[[httpx.Request], httpx.Response]:
    """A server that admits `limit` requests per rolling `window` and answers a bare 429
    beyond; `log` records when each request arrived and its status."""
    admitted: list[float] = []

    def respond(request: httpx.Request) -> httpx.Response:
        now = clock.monotonic()
        admitted[:] = [t for t in admitted if t > now - window]
        status = 429 if len(admitted) >= limit else 200
        log.append((now, status))
        if status == 429:
            return _throttled()
        admitted.append(now)
        return httpx.Response(200, json={})

    return respond


def test_repeated_429s_find_the_real_per_minute_limit(
    make_client: Callable[..., AdminClient], clock: VirtualClock
) -> None:
    """A server allowing 3 requests per minute, with a client set to 10: the run of 429s in the
    first window shows the real limit, no request is refused after it, and the 9 reads finish
    in the 3 windows the limit forces (within 1.2x)."""
    log: list[tuple[float, int]] = []

    async def scenario() -> None:
        async with make_client(requests_per_minute=10, backoff_base=1.0) as client:
            await asyncio.gather(*(client.get(f"{USERS}/u{n}") for n in range(9)))

    with respx.mock(base_url=BASE) as router:
        router.get(url__regex=r"/organization/users/u\d").mock(
            side_effect=_window_server(clock, log, limit=3)
        )
        asyncio.run(scenario())
    refused = [at for at, status in log if status == 429]
    assert len(log) - len(refused) == 9
    assert 1 <= len(refused) <= 4  # the run of 429s that confirms the limit, no more
    assert max(refused) < 60.0  # found within the first window; paced right after
    assert 120.0 <= max(at for at, _ in log) <= 1.2 * 121.0


@pytest.mark.parametrize(
    ("path", "family", "template"),
    [
        ("/organization/users", "users", "/organization/users"),
        (
            "/organization/projects/p1/users/u1",
            "project_users",
            "/organization/projects/{id}/users/{id}",
        ),
        (
            "/organization/projects/p1/service_accounts",
            "project_service_accounts",
            "/organization/projects/{id}/service_accounts",
        ),
        (
            "/organization/certificates/activate",
            "certificates",
            "/organization/certificates/activate",
        ),
        (
            "/organization/projects/p1/archive",
            "project_archive",
            "/organization/projects/{id}/archive",
        ),
    ],
)
def test_endpoint_family_and_template(path: str, family: str, template: str) -> None:
    """Paths group into families by collection name, ids dropped."""
    assert (endpoint_family(path), endpoint_template(path)) == (family, template)


def test_virtual_clock_wakes_sleepers_in_deadline_order() -> None:
    """The virtual clock jumps to each deadline in turn, so concurrent sleeps end exactly."""
    clock = VirtualClock()
    woke: list[tuple[str, float]] = []

    async def nap(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic()))

    async def scenario() -> None:
        await asyncio.gather(nap("late", 5.0), nap("early", 1.5), nap("now", 0.0))

    asyncio.run(scenario())
    assert woke == [("now", 0.0), ("early", 1.5), ("late", 5.0)]
