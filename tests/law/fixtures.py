"""Fictional cases for the law and respond tests (people, patients and places are invented)."""

from __future__ import annotations

from datetime import UTC, datetime

from veilleur.records import Author, Case, CaseContext, Finding, Message
from veilleur.taxonomy import Severity


def _msg(
    mid: str, author: str, when: datetime, text: str, community: str = "Santé Libre 44", url: bool = True
) -> Message:
    return Message(
        source="facebook",
        community_id="grp-4410",
        community_name=community,
        message_id=mid,
        author=Author(id=f"a-{author.lower().replace(' ', '-')}", name=author),
        created_at=when,
        text=text,
        kind="comment",
        url=f"https://www.facebook.com/groups/4410/posts/{mid}" if url else None,
    )


def harassment_case() -> tuple[Case, list[Message], list[Finding]]:
    """A raid on a (fictional) doctor: insults, a defamatory allegation, a threat, a slur on religion."""
    msgs = [
        _msg(
            "9001",
            "Vérité Santé",
            datetime(2026, 9, 30, 22, 30, tzinfo=UTC),
            "Le Dr Aline Verdier est une charlatane, une honte.",
        ),
        _msg(
            "9002",
            "Patriote 75",
            datetime(2026, 10, 1, 8, 15, tzinfo=UTC),
            "Elle a tué un patient l'an dernier et a tout caché, allez tous lui dire ce que vous pensez.",
        ),
        _msg(
            "9003",
            "Nuit Blanche",
            datetime(2026, 10, 2, 19, 0, tzinfo=UTC),
            "On sait où est ton cabinet, tu vas le regretter -- fais gaffe.",
        ),
        _msg(
            "9004",
            "Vérité Santé",
            datetime(2026, 10, 3, 12, 0, tzinfo=UTC),
            "Encore une de ces religieuses fanatiques qui soigne mal, dehors.",
        ),
    ]
    f = [
        Finding(msgs[0].uid, "text_harm", "1", "insult", Severity.MEDIUM, 0.91, excerpt="charlatane"),
        Finding(
            msgs[1].uid, "text_harm", "1", "defamation_risk", Severity.HIGH, 0.82, excerpt="a tué un patient"
        ),
        Finding(msgs[1].uid, "raid", "1", "raid", Severity.HIGH, 0.88),
        Finding(msgs[2].uid, "text_harm", "1", "threat", Severity.HIGH, 0.86, excerpt="tu vas le regretter"),
        Finding(msgs[3].uid, "text_harm", "1", "insult", Severity.MEDIUM, 0.77),
        Finding(msgs[3].uid, "text_harm", "1", "discrimination:religion", Severity.MEDIUM, 0.74),
    ]
    case = Case(
        id="case-raid-1",
        title="Raid contre le Dr Aline Verdier",
        kind="raid",
        community_uid=msgs[0].community_uid,
        message_uids=tuple(m.uid for m in msgs),
        finding_ids=tuple(x.id for x in f),
        context=CaseContext(
            public=True,
            community_size=12000,
            author_known=False,
            author_is_doctor=False,
            target_is_patient=False,
            target_is_health_professional=True,
        ),
        created_at=datetime(2026, 10, 4, 9, 0, tzinfo=UTC),
    )
    return case, msgs, f


def secrecy_case() -> tuple[Case, list[Message], list[Finding]]:
    """A (fictional) doctor posts an identifiable child patient's story and photo in a closed group."""
    m = _msg(
        "7001",
        "Dr Paul Mercier",
        datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
        "Ce matin aux urgences de Vannes, le petit Léo M., 7 ans, école Jules-Ferry, encore couvert de bleus. Photo jointe.",
        community="Médecins entre nous",
        url=False,
    )
    f = [
        Finding(m.uid, "secrecy", "1", "patient_identifiable_text", Severity.HIGH, 0.93),
        Finding(m.uid, "media", "1", "minor_in_media", Severity.HIGH, 0.81),
        Finding(m.uid, "text_harm", "1", "patient_mockery", Severity.LOW, 0.4),
    ]
    case = Case(
        id="case-secret-1",
        title="Patient mineur identifiable (groupe de médecins)",
        kind="secrecy",
        community_uid=m.community_uid,
        message_uids=(m.uid,),
        finding_ids=tuple(x.id for x in f),
        context=CaseContext(
            public=False,
            community_size=2500,
            author_known=True,
            author_is_doctor=True,
            target_is_patient=True,
            target_is_health_professional=False,
            minor_involved=True,
        ),
        created_at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
    )
    return case, [m], f
