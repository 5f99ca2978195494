"""Regression tests for the legal review (issue 17): reporter roles, home address, URLs, doxxing,
interruptions, per-author letters, PHAROS scope, internes, the public reply and the secrecy re-check."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from tests.law.fixtures import _msg, harassment_case, secrecy_case
from veilleur.errors import InputError
from veilleur.law.qualify import Interruption, parse_interruption, qualify
from veilleur.records import Case, CaseContext, Finding
from veilleur.respond.casefile import CaseFile, fallback_evidence
from veilleur.respond.documents import DocumentError, Parties, check_no_redisclosure, render, render_checked
from veilleur.taxonomy import Severity

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
BASE = Parties(
    name="Dr Aline Verdier", email="a.verdier@example.org", address="12 rue des Lilas\n44000 Nantes", city="Nantes",
    opts={"court_city": "Nantes", "ordre_department": "Loire-Atlantique", "prior_request_date": "2026-10-05",
          "missing_url": "placeholder", "pharos_override": "oui"},
)  # fmt: skip


def _cf(factory):  # type: ignore[no-untyped-def]
    case, msgs, finds = factory()
    return CaseFile(case, msgs, finds, [], fallback_evidence(msgs))


def _p(**opts: str) -> Parties:
    return replace(BASE, opts={**BASE.opts, **opts})


def _md(kind: str, cf: CaseFile, parties: Parties) -> str:
    return render(kind, cf, parties, "md", now=NOW).decode("utf-8")


# -- A4: the sender's role decides the wording ---------------------------------------------------


def test_each_reporter_role_has_its_wording() -> None:
    cf = _cf(harassment_case)
    victim = _md("plainte_procureur", cf, _p(address_kind="professional"))
    assert (
        "ai l'honneur de porter plainte" in victim and "partie civile" in victim and "## Préjudice" in victim
    )
    third = _md("plainte_procureur", cf, _p(address_kind="professional", reporter_role="third_party"))
    assert "article 40" in third and "pas personnellement victime" in third
    assert "partie civile" not in third and "Préjudice" not in third and "mon honneur" not in third
    assert "Signalement de faits" in third  # object line
    mod = _md(
        "plainte_procureur",
        cf,
        _p(address_kind="professional", reporter_role="moderator", signatory="Léa Roussel"),
    )
    assert (
        "Je soussigné(e) Léa Roussel, agissant pour l'équipe de modération" in mod
        and "partie civile" not in mod
    )
    mandated = _md(
        "plainte_procureur", cf,
        _p(address_kind="professional", reporter_role="mandated", principal="Mme Nadia Ferrand", mandate_date="2026-11-02"),
    )  # fmt: skip
    assert "au nom et pour le compte de Mme Nadia Ferrand" in mandated and "2 novembre 2026" in mandated


def test_cnil_letter_of_a_moderator_is_a_report_not_an_article_17_claim() -> None:
    text = _md("cnil_complaint", _cf(secrecy_case), _p(reporter_role="moderator", signatory="Léa Roussel"))
    assert "signalement, non une plainte" in text
    assert "me concernant" not in text and "article 17" not in text.lower() and "article 51" not in text
    assert "Meta Platforms Ireland Limited" in text  # A15: the controller's legal entity


@pytest.mark.parametrize(
    ("kind", "role", "factory"),
    [
        ("droit_de_reponse", "third_party", harassment_case),
        ("mise_en_demeure", "third_party", harassment_case),
        ("demande_effacement", "moderator", secrecy_case),
        ("demande_effacement", "third_party", secrecy_case),
    ],
)
def test_refused_role_combinations_are_clear_errors(kind: str, role: str, factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentError, match=kind):
        render(
            kind,
            _cf(factory),
            _p(address_kind="professional", reporter_role=role, signatory="X Y", respondent="Nuit Blanche"),
            "md",
            now=NOW,
        )


def test_mandate_and_signatory_are_required() -> None:
    with pytest.raises(DocumentError, match="mandate"):
        render("cnil_complaint", _cf(secrecy_case), _p(reporter_role="mandated"), "md", now=NOW)
    with pytest.raises(DocumentError, match="signatory"):
        render("dsa_notice", _cf(secrecy_case), _p(reporter_role="moderator"), "md", now=NOW)
    with pytest.raises(InputError, match="reporter_role"):
        render("dsa_notice", _cf(secrecy_case), _p(reporter_role="journalist"), "md", now=NOW)


# -- A5: the victim's home address is not sent to her harassers ----------------------------------


def test_home_address_needs_confirmation_in_a_raid_and_is_warned_about() -> None:
    cf = _cf(harassment_case)
    with pytest.raises(DocumentError, match="professional_address"):
        render("mise_en_demeure", cf, _p(respondent="Nuit Blanche"), "md", now=NOW)
    data, warnings = render_checked(
        "mise_en_demeure", cf, _p(respondent="Nuit Blanche", address_kind="home"), "md", now=NOW
    )
    assert "12 rue des Lilas" in data.decode("utf-8") and any("HOME address" in w for w in warnings)
    lawyer = _md(
        "plainte_procureur", cf, _p(lawyer_address="Cabinet Maître Roux, 2 quai Turenne, 44000 Nantes")
    )
    assert (
        "12 rue des Lilas" not in lawyer
        and "J'élis domicile au cabinet de mon conseil, Cabinet Maître Roux" in lawyer
    )
    assert "J'élis domicile" in lawyer
    # Outside raid/threat/doxxing cases the address is printed as given.
    assert "12 rue des Lilas" in _md("dsa_notice", _cf(secrecy_case), _p())


# -- A2: a notice without URLs is not a notice ----------------------------------------------------


def test_url_is_required_for_platform_notices() -> None:
    cf = _cf(secrecy_case)  # its message has no URL
    no_placeholder = replace(BASE, opts={k: v for k, v in BASE.opts.items() if k != "missing_url"})
    for kind in ("dsa_notice", "pharos"):
        with pytest.raises(DocumentError, match=r"no URL for message\(s\) 7001"):
            render(kind, cf, no_placeholder, "md", now=NOW)
        assert "[URL À COMPLÉTER AVANT ENVOI]" in _md(kind, cf, _p())
    assert "https://www.facebook.com/groups/4410/posts/9001" in _md(
        "dsa_notice", _cf(harassment_case), _p(address_kind="home")
    )


# -- A8, A12, A9, A11 -----------------------------------------------------------------------------


def test_dsa_notice_gives_one_reason_and_qualification_per_message() -> None:
    text = _md("dsa_notice", _cf(harassment_case), _p(address_kind="professional"))
    assert text.count("- Raison :") == 4 and text.count("qualification en droit français") == 4
    assert "(à confirmer)" not in text


def test_formal_notice_is_one_letter_per_author_with_only_their_messages() -> None:
    cf = _cf(harassment_case)
    with pytest.raises(DocumentError, match="one letter per author.*Nuit Blanche"):
        render("mise_en_demeure", cf, _p(address_kind="professional"), "md", now=NOW)
    text = _md("mise_en_demeure", cf, _p(address_kind="professional", respondent="Vérité Santé"))
    assert "charlatane" in text and "religieuses" in text and "fais gaffe" not in text and "a tué" not in text
    assert "Lettre recommandée" not in text and "message privé" in text  # no postal address: not an LRAR
    assert text.count("**Pièce n°") == 2  # the pièces match the facts


def test_pharos_refuses_a_closed_group_without_override_and_states_facts_only() -> None:
    cf = _cf(secrecy_case)
    with pytest.raises(DocumentError, match="pharos_override"):
        render("pharos", cf, _p(pharos_override=""), "md", now=NOW)
    text = _md("pharos", cf, _p())
    assert "admission sur validation" in text and "communauté d'intérêts" not in text


def test_an_interne_is_reported_to_the_chu_not_the_ordre() -> None:
    cf = _cf(secrecy_case)
    with pytest.raises(DocumentError, match="establishment"):
        render("signalement_ordre", cf, _p(respondent_status="interne"), "md", now=NOW)
    text = _md("signalement_ordre", cf, _p(respondent_status="interne", establishment="CHU de Nantes"))
    assert "Directeur général" in text and "CHU de Nantes" in text and "Conseil départemental" not in text


# -- A7, B1, C1, B5 ------------------------------------------------------------------------------


def test_online_harassment_shows_the_aggravated_penalty() -> None:
    text = _md("plainte_procureur", _cf(harassment_case), _p(address_kind="professional"))
    assert "2 ans d'emprisonnement et 30 000 €" in text and "1 an d'emprisonnement et 15 000 €" not in text


def _raid_with_doxxing(with_doxxing: bool = True) -> tuple[Case, list, list[Finding]]:  # type: ignore[type-arg]
    msgs = [
        _msg("8001", "Marc Aubert", datetime(2026, 10, 5, 19, 0, tzinfo=UTC), "Quelle balance celle-là."),
        _msg("8002", "Yann Corre", datetime(2026, 10, 5, 19, 20, tzinfo=UTC),
             "Elle consulte au centre médical du Port, rue Haute, le lundi et le mercredi. Allez lui rendre visite."),
    ]  # fmt: skip
    f = [
        Finding(msgs[0].uid, "text_harm", "1", "insult", Severity.MEDIUM, 0.8),
        Finding(msgs[0].uid, "raid", "1", "raid", Severity.HIGH, 0.9),
        Finding(msgs[1].uid, "raid", "1", "raid", Severity.HIGH, 0.9),
    ]
    if with_doxxing:
        f.append(Finding(msgs[1].uid, "conversation", "1", "doxxing", Severity.HIGH, 0.85))
    case = Case(
        id="case-dox-1", title="Raid et divulgation du lieu d'exercice", kind="raid", community_uid=msgs[0].community_uid,
        message_uids=tuple(m.uid for m in msgs), finding_ids=tuple(x.id for x in f),
        context=CaseContext(public=True, community_size=4000, author_known=True, author_is_doctor=False,
                            target_is_patient=False, target_is_health_professional=True),
    )  # fmt: skip
    return case, msgs, f


def test_doxxing_from_text_is_qualified_under_223_1_1() -> None:
    case, msgs, f = _raid_with_doxxing()
    q = qualify(case, msgs, f, now=NOW)
    dox = next(c for c in q.candidates if c.offence.id == "mise_en_danger_par_diffusion")
    assert dox.strength == "possible" and dox.message_uids == (msgs[1].uid,)
    assert dox.offence.penalty_base[0].startswith("3 ans")
    assert "mise_en_danger_par_diffusion" not in qualify(*_raid_with_doxxing(False), now=NOW).offence_ids()
    cf = CaseFile(case, msgs, f, [], fallback_evidence(msgs))
    assert "223-1-1" in _md("plainte_procureur", cf, _p(address_kind="professional"))


def test_an_interruption_restarts_the_three_month_clock() -> None:
    case, msgs, f = harassment_case()
    before = {c.offence.id: c.last_day for c in qualify(case, msgs, f, now=NOW).candidates}
    assert before["injure_publique"] == date(2027, 1, 1)
    q = qualify(case, msgs, f, now=NOW, interruptions=[Interruption(date(2026, 12, 15), "citation")])
    after = {c.offence.id: c for c in q.candidates}
    assert after["injure_publique"].last_day == date(2027, 3, 15)  # 3 months again from the act
    assert after["injure_publique_discriminatoire"].last_day == date(2027, 12, 15)  # 1 year (65-3) again
    assert after["menaces"].last_day == before["menaces"]  # not a press offence
    assert any("court à nouveau" in w for w in q.warnings)
    with pytest.raises(InputError, match="plainte simple"):
        parse_interruption({"date": "2026-12-15", "act": "plainte_simple"})
    with pytest.raises(InputError, match="unsigned"):
        parse_interruption({"date": "2026-12-15", "act": "pcpc", "signed": False})


def test_a_pcpc_does_not_restart_a_contravention_and_wording_follows_the_kind() -> None:
    from veilleur.law.deadlines import case_deadlines

    case, msgs, f = secrecy_case()
    f = [Finding(msgs[0].uid, "text_harm", "1", "insult", Severity.MEDIUM, 0.9)]
    case = replace(
        case,
        kind="raid",
        finding_ids=(f[0].id,),
        context=replace(case.context, community_size=40, author_is_doctor=False),
    )
    q = qualify(case, msgs, f, now=NOW, interruptions=[Interruption(date(2027, 1, 10), "pcpc")])
    c = next(c for c in q.candidates if c.offence.id == "injure_non_publique")
    assert not c.start_basis.startswith("acte interruptif")  # CPP art. 85: no PCPC for a contravention
    assert any("CPP art. 85" in w for w in q.warnings)
    note = next(d for d in case_deadlines(q) if d.key == "injure_non_publique").notes[0]
    assert (
        "citation directe devant le tribunal de police" in note
        and "constitution de partie civile n'est ouverte" in note
    )


# -- D1, D2 and A3's fail-closed re-check --------------------------------------------------------


def test_public_reply_is_checked_for_patient_information() -> None:
    cf = _cf(harassment_case)
    assert "secret médical m'interdit" in _md("reponse_pacifique", cf, _p())
    bad = "Mme Durand, 45 ans, vous êtes venue pour votre diabète le 3 mars, je maintiens mon diagnostic."
    with pytest.raises(DocumentError, match="divulg"):
        render("reponse_pacifique", cf, _p(public_reply=bad), "md", now=NOW)
    with pytest.raises(DocumentError, match="reponse_pacifique"):  # no identifier, but a minor's IVG
        render(
            "reponse_pacifique",
            cf,
            _p(public_reply="Votre fille a bien eu son IVG dans les délais."),
            "md",
            now=NOW,
        )


def test_erasure_request_cites_articles_17_and_12() -> None:
    text = _md("demande_effacement", _cf(harassment_case), _p(address_kind="professional"))
    assert "Article 17" in text and "article 12, § 3" in text and "un mois" in text
    minor = _md(
        "demande_effacement",
        _cf(secrecy_case),
        _p(reporter_role="mandated", principal="les parents de l'enfant", mandate_date="2026-12-02"),
    )
    assert "article 51, II" in minor.lower() or "Article 51, II" in minor


def test_a_document_that_still_identifies_a_patient_is_refused() -> None:
    cf = _cf(secrecy_case)
    markup = "Le petit Enzo Marchand, 7 ans, chambre 12 en onco-pédiatrie au CHU de Nantes, LAL en rechute.\n"
    with pytest.raises(DocumentError, match="divulguerait"):
        check_no_redisclosure(markup, cf, [("Enzo Marchand", "PERSON")], [])
    with pytest.raises(DocumentError, match="combinaison identifiante"):
        check_no_redisclosure(markup, cf, [], [])
    check_no_redisclosure(
        "Publication révélant des informations de santé sur un patient identifiable.\n",
        cf,
        [("Enzo Marchand", "PERSON")],
        [],
    )


def test_every_document_is_re_analysed_even_outside_a_secrecy_case() -> None:
    """A quoted message of a harassment case that holds a patient's record number, with no secrecy finding:
    the letter is refused and the message names what is left (before: only secrecy cases were checked)."""

    def leaky() -> tuple[Case, list, list[Finding]]:  # type: ignore[type-arg]
        case, msgs, finds = harassment_case()
        msgs[1] = replace(
            msgs[1],
            text="Elle a tué un patient l'an dernier (IPP 80012345) et a tout caché, allez tous lui dire.",
        )
        return case, msgs, finds

    with pytest.raises(DocumentError, match=r"80012345"):
        render(
            "dsa_notice",
            _cf(leaky),
            _p(professional_address="3 place du Marché, 44000 Nantes"),
            "md",
            now=NOW,
        )
    render(
        "dsa_notice",
        _cf(harassment_case),
        _p(professional_address="3 place du Marché, 44000 Nantes"),
        "md",
        now=NOW,
    )  # the same case without it goes through


def test_a_nir_with_a_wrong_key_is_refused_in_a_document() -> None:
    cf = _cf(secrecy_case)
    with pytest.raises(DocumentError, match=r"2 77 03 15 014 022 45"):
        check_no_redisclosure("Référence citée dans le message : NIR 2 77 03 15 014 022 45.\n", cf, [], [])
