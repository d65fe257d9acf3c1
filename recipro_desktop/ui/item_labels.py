"""How the dialogs and Today name the domain's enums: one wording, used everywhere (no Qt here)."""

from __future__ import annotations

from recipro_desktop.core.models import ActKind, Channel, CommitmentStatus, NeedStatus, PromptKind

ACT_KINDS: dict[ActKind, str] = {
    ActKind.FAVOR: "Favor",
    ActKind.REFERRAL: "Referral",
    ActKind.INTRODUCTION: "Introduction",
    ActKind.KNOWLEDGE: "Knowledge / advice",
    ActKind.MENTORSHIP: "Mentorship",
    ActKind.COLLABORATION: "Collaboration",
    ActKind.SUPPORT: "Support",
    ActKind.GIFT: "Gift",
    ActKind.LOAN: "Loan",
    ActKind.OTHER: "Other",
}

ACT_NOUNS: dict[ActKind, str] = {
    ActKind.FAVOR: "the favor",
    ActKind.REFERRAL: "the referral",
    ActKind.INTRODUCTION: "the introduction",
    ActKind.KNOWLEDGE: "the advice",
    ActKind.MENTORSHIP: "the mentoring",
    ActKind.COLLABORATION: "working together",
    ActKind.SUPPORT: "the support",
    ActKind.GIFT: "the gift",
    ActKind.LOAN: "the loan",
    ActKind.OTHER: "their help",
}
"""What a thank-you is for: "Thank Ana for the referral?"."""

CHANNELS: dict[Channel, str] = {
    Channel.MEETING: "Meeting",
    Channel.CALL: "Call",
    Channel.MESSAGE: "Message",
    Channel.EMAIL: "Email",
    Channel.EVENT: "Event",
}

NEED_STATUSES: dict[NeedStatus, str] = {
    NeedStatus.OPEN: "Open",
    NeedStatus.HELPING: "Helping",
    NeedStatus.MET: "Met",
    NeedStatus.DROPPED: "Dropped",
}

COMMITMENT_STATUSES: dict[CommitmentStatus, str] = {
    CommitmentStatus.OPEN: "Open",
    CommitmentStatus.KEPT: "Kept",
    CommitmentStatus.BROKEN: "Broken",
    CommitmentStatus.CANCELLED: "Cancelled",
}

PROMPT_KINDS: dict[PromptKind, str] = {
    PromptKind.NONE: "No prompt",
    PromptKind.GRATITUDE: "A gratitude prompt",
    PromptKind.REFLECTION: "A reflection prompt",
}

WEIGHTS: dict[int, str] = {
    1: "1 · a small thing",
    2: "2",
    3: "3 · a real help",
    4: "4",
    5: "5 · life-changing",
}


def one_line(text: str, limit: int = 80) -> str:
    """The first line of ``text``, shortened with an ellipsis: for combo boxes and list rows."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
