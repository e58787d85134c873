"""Style-B pagination (`next` cursor): limits from 0, order, and cursors that must exist."""

from __future__ import annotations

from reconciler.sandbox.client import SandboxClient, api_error

R = "/organization/roles"


def test_pages_follow_next_until_it_is_null(api: SandboxClient) -> None:
    """Following `next` one role at a time visits every role once, in order."""
    everything = [r["id"] for r in api.get(R).json()["data"]]
    seen, after = [], None
    while True:
        params = {"limit": 1, **({"after": after} if after else {})}
        page = api.get(R, **params).json()
        seen += [r["id"] for r in page["data"]]
        if page["next"] is None:
            assert page["has_more"] is False
            break
        after = page["next"]
    assert seen == everything


def test_limit_zero_gives_an_empty_page_that_has_more(api: SandboxClient) -> None:
    """`limit=0` is allowed by the spec: no items, `has_more` true."""
    page = api.get(R, limit=0).json()
    assert (page["data"], page["has_more"]) == ([], True)


def test_desc_reverses_and_bad_parameters_are_400s(api: SandboxClient) -> None:
    """`order=desc` lists newest first; an unknown cursor, order or limit is a 400."""
    ascending = [r["id"] for r in api.get(R).json()["data"]]
    assert [r["id"] for r in api.get(R, order="desc").json()["data"]] == ascending[::-1]
    assert api_error(api.get(R, after="role_missing"))["param"] == "after"
    assert api_error(api.get(R, order="up"))["param"] == "order"
    assert api_error(api.get(R, limit=1001))["param"] == "limit"
