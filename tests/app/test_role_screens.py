"""Role matrix on the screens: every main screen × every role. A Drive case manager never sees a victim's
level-3 text on any of them (canaries planted in every level-3 and firewall field of the victim); the
supervisor-only screens refuse the others; the IDVA does see her victim (so the scan can find canaries)."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseload.app import make_app
from caseload.config import Config
from caseload.domain.enums import LinkKind
from caseload.screens.case_view import CaseScreen
from caseload.screens.export import ExportScreen
from caseload.screens.review import ReviewScreen
from caseload.screens.settings import SettingsScreen
from caseload.screens.today import TodayScreen
from tests.app.tui import SIZE, TODAY, screen_text, settle, unlock
from tests.unit.store.drive_helpers import CANARY, DRIVE, IDVA, SUPERVISOR, make_drive_world, open_as, passphrase


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    w = make_drive_world(tmp_path_factory.mktemp("roles") / "store")
    s = open_as(w["dir"], DRIVE)  # type: ignore[arg-type]
    s.link_victim(w["drive"].id, kind=LinkKind.EX_PARTNER, recorded_on=TODAY,  # type: ignore[attr-defined]
                  victim_reference=w["victim"].reference)  # type: ignore[attr-defined]
    s.lock()
    return w


@pytest.mark.parametrize("who", [IDVA, DRIVE, SUPERVISOR])
async def test_every_main_screen_for_every_role(world: dict[str, object], who: str) -> None:
    store_dir: Path = world["dir"]  # type: ignore[assignment]
    app = make_app(Config(store_dir=store_dir, user=who), today=lambda: TODAY)
    supervisor = who == SUPERVISOR
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot, app, passphrase(who))
        seen: list[str] = []
        assert isinstance(app.screen, TodayScreen)
        seen.append(screen_text(app))
        await pilot.press("2")
        await settle(pilot, app)
        seen.append(screen_text(app))
        await pilot.press("enter")  # the first case this role may see
        await settle(pilot, app)
        if isinstance(app.screen, CaseScreen):
            for _ in range(8):
                seen.append(screen_text(app))
                await pilot.press("right")
                await settle(pilot, app)
            await pilot.press("escape")
            await settle(pilot, app)
        for key, screen_type in (("3", ReviewScreen), ("4", ExportScreen)):
            await pilot.press(key)
            await settle(pilot, app)
            assert isinstance(app.screen, screen_type) == supervisor
            seen.append(screen_text(app))
            await pilot.press("1")
            await settle(pilot, app)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Settings: Passphrase, users, backup, retention"].callback()
        await settle(pilot, app)
        assert isinstance(app.screen, SettingsScreen)
        seen.append(screen_text(app))
    everything = "\n".join(seen)
    if who == DRIVE:
        assert CANARY not in everything
    elif who == IDVA:
        assert CANARY in everything  # her own victim's name is on her Cases list: the scan works
