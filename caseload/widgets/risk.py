"""Risk level as a short coloured label (colour from the theme, text always present)."""

from __future__ import annotations

from rich.text import Text

from caseload.domain.enums import RiskLevel

RISK_SHORT = {RiskLevel.HIGH: "HIGH", RiskLevel.MEDIUM: "MED", RiskLevel.STANDARD: "STD"}
RISK_STYLE = {RiskLevel.HIGH: "bold red", RiskLevel.MEDIUM: "yellow", RiskLevel.STANDARD: ""}


def risk_text(level: RiskLevel) -> Text:
    """``HIGH`` / ``MED`` / ``STD`` with a style that never carries meaning on its own."""
    return Text(RISK_SHORT[level], style=RISK_STYLE[level])
