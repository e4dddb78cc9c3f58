"""The webhook serves imported flows from its menu folder, as it serves YAML menus."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from ivr.web import create_app
from ivr.web.menus import MenuCache

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_the_menu_cache_lists_and_loads_flows_but_not_other_json(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "studio-schedule-flow.json", tmp_path / "hours.json")
    shutil.copy(
        FIXTURES / "connect-rules-engine" / "RulesEngineDisconnect.json", tmp_path / "after.json"
    )
    (tmp_path / "package.json").write_text('{"name": "not a flow"}')
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    shutil.copy(FIXTURES / "studio-callback-flow.json", outside)
    (tmp_path / "linked.json").symlink_to(outside)
    cache = MenuCache(tmp_path, check_every=0)
    assert cache.names() == ["after", "hours"]
    menu = cache.get("hours")
    assert menu is not None and menu.start == "check_schedule"
    assert cache.get("package") is None and cache.get("linked") is None


def test_a_call_to_a_studio_flow_gets_its_twiml(tmp_path: Path) -> None:
    folder = tmp_path / "menus"
    folder.mkdir()
    shutil.copy(FIXTURES / "studio-schedule-flow.json", folder / "hours.json")
    app = create_app(
        {"MENU_DIR": str(folder), "DATABASE_URL": f"sqlite:///{tmp_path / 'calls.db'}"}
    )
    answer = app.test_client().post(
        "/voice/hours", data={"CallSid": "CA" + "a" * 32, "From": "+15555550111", "To": "+1555"}
    )
    assert answer.status_code == 200
    document = ET.fromstring(answer.data)
    assert document.tag == "Response"
    assert document.find("Enqueue") is not None  # the function's first outcome: open, to Flex
