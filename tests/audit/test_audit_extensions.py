"""Extension dialling (a digit pattern option) does not trip the menu-option rules."""

from __future__ import annotations

from pathlib import Path

from audit_support import audit_data, variant

OPTION_RULES = {"IVR104", "IVR105", "IVR303", "IVR310"}
PROMPT = (
    "For billing, press 1. For orders, press 2. For returns, press 3. For repairs, press 4. "
    "For spares, press 5. For reception, dial 2100. For an agent, press 0."
)


def with_extensions(prompt: str = PROMPT) -> dict:
    """The good menu with five functional keys plus extension dialling: 2XXX to the
    billing queue and 2000 to the agent."""

    def change(data: dict) -> None:
        menu = data["nodes"]["main"]["menu"]
        menu["prompt"] = prompt
        menu["options"].update({key: "billing" for key in "2345"})
        menu["options"].update({"2XXX": "billing", "2000": "agent"})

    return variant(change)


def option_findings(tmp_path: Path, data: dict) -> list[str]:
    result = audit_data(tmp_path, data)
    return sorted(f"{f.code} {f.message}" for f in result.findings if f.code in OPTION_RULES)


def test_extensions_are_neither_counted_hidden_nor_out_of_order(tmp_path: Path) -> None:
    assert option_findings(tmp_path, with_extensions()) == []


def test_the_rules_still_fire_beside_extensions(tmp_path: Path) -> None:
    data = with_extensions(PROMPT.replace("press 3", "press 6").replace("dial 2100", "dial 3100"))
    data["nodes"]["main"]["menu"]["options"]["6"] = "billing"
    assert option_findings(tmp_path, data) == [
        'IVR104 menu "main" has 6 options (1, 2, 3, 4, 5, 6); at most 5 recommended',
        'IVR105 the prompt of "main" (en) names keys in the order 1, 2, 6, 4, 5; read them in '
        "ascending order",
        'IVR303 the prompt of "main" (en) names key 3100, which is not an option '
        "(options: 0, 1, 2, 2000, 2XXX, 3, 4, 5, 6)",
        'IVR310 the prompt of "main" (en) does not name key 3',
    ]
