"""Where a person thinking about hurting themselves can get help now (United States).

Shown to a patient at once after a PHQ-9 whose item 9 is above 0, before anything else,
and as one line (``display.CRISIS_LINE``) in the API's answer.

Checked 2026-12-01: the 988 Suicide & Crisis Lifeline answers calls and texts to 988 and
chats at 988lifeline.org, free and confidential, 24 hours a day (Wyoming Department of
Health, "988 Suicide & Crisis Lifeline", health.wyo.gov; Massachusetts College of
Pharmacy and Health Sciences, "988 Suicide and Crisis Lifeline", mcphs.edu); in immediate
danger, call 911 (both pages). 988 has replaced 1-800-273-8255 since 16 July 2022.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisResources:
    lifeline: str = "988 Suicide & Crisis Lifeline"
    number: str = "988"
    chat_url: str = "https://988lifeline.org"
    hours: str = "free, confidential, 24 hours a day, every day"
    emergency_number: str = "911"
    checked_on: str = "2026-12-01"


CRISIS = CrisisResources()
