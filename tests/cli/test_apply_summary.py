"""What apply's summary tells the user to do next: rerun, or fix what the API refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.core.change import Change, Kind
from reconciler.errors import ApiError, BadRequestError, ServerError, ThrottledError
from reconciler.kinds import registry
from reconciler.write.context import ApplyContext
from tests.support.apply import EXAMPLE

RERUN = "Re-run apply to finish"
REFUSED = "A rerun would be refused the same way; change the config or the organization:"


def _apply(config: Path, tmp_path: Path) -> tuple[int, str]:
    state, keys = tmp_path / "sb.json", tmp_path / "keys"
    args = ["apply", str(config), "--sandbox", "--sandbox-state", str(state), "--auto-approve",
            "--allow-archive", "--secrets-dir", str(keys)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout


def test_a_change_the_api_refuses_asks_for_a_fix_not_a_rerun(tmp_path: Path) -> None:
    """A 400 (archiving the default project) is named with the API's message as needing a
    change to the config or the organization; the summary does not say a rerun finishes it."""
    config = tmp_path / "org.yaml"
    shutil.copytree(EXAMPLE.parent, tmp_path, dirs_exist_ok=True)
    config.write_text(
        EXAMPLE.read_text() + "\n  - name: Default project\n    archived: true\n", encoding="utf-8"
    )
    code, out = _apply(config, tmp_path)
    assert code == 1, out
    assert "19 applied, 1 failed, 0 skipped" in out
    assert RERUN not in out
    advice = out[out.index(REFUSED) :].splitlines()
    assert advice[1] == (
        "  archive project Default project: HTTP 400: The default project cannot be archived."
    )


@pytest.mark.parametrize(
    "error",
    [
        ServerError("The server had an error", status=500),
        ThrottledError("Rate limit reached", status=429),
        BadRequestError("Another request changed this object", status=409),
    ],
    ids=["500", "429", "409"],
)
def test_a_failure_a_later_try_can_pass_still_says_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: ApiError
) -> None:
    """A 5xx, a 429 or a 409 that outlasted the client's retries can pass next time: the
    summary says to re-run apply and does not ask for a config fix."""

    async def failing(change: Change, ctx: ApplyContext) -> str | None:
        raise error

    monkeypatch.setitem(registry.HANDLERS, Kind.RATE_LIMIT, failing)
    code, out = _apply(EXAMPLE, tmp_path)
    assert code == 1, out
    assert f"HTTP {error.status}: {error.message}" in out
    assert RERUN in out
    assert REFUSED not in out
