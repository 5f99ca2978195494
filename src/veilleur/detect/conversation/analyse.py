"""Reading a conversation: who speaks to whom, which turns are hostile (alone or in context), and the
conversation-level findings: pile-ons (raids), campaigns (repeated harassment) and doxxing.

``analyse(ctx, findings)`` walks each community's messages once, in time order (see docs/conversations.md
for every rule). It returns a ``ConversationResult`` that the pass turns into findings and that the
evaluation reads directly.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from veilleur.detect.context import DetectionContext, MemberRef
from veilleur.detect.conversation import cues
from veilleur.detect.conversation.addressing import load_addressee_model
from veilleur.detect.conversation.addressing import resolve as resolve_addressees
from veilleur.detect.conversation.model import ContextModel, ContextState, embed, message_features
from veilleur.detect.conversation.raid_model import episode_features, load_raid_model
from veilleur.detect.conversation.target_model import AFTER as TARGET_AFTER
from veilleur.detect.conversation.target_model import candidates as target_candidates
from veilleur.detect.conversation.target_model import load_target_model, target_rows
from veilleur.records import Finding, Message, stable_id
from veilleur.taxonomy import HARM_CATEGORIES

PARIS = ZoneInfo("Europe/Paris")
HOSTILE_CATEGORIES = frozenset(
    {"insult", "threat", "harassment", "patient_mockery"}
    | {c for c in HARM_CATEGORIES if c.startswith("discrimination:")}
)
TITLES = frozenset(
    {"dr", "dre", "docteur", "doc", "pr", "professeur", "mme", "madame", "m", "mr", "monsieur", "mlle"}
)


@dataclass
class Settings:
    min_authors: int = 2  # distinct authors for a pile-on (small groups: 2)
    min_messages: int = 3  # hostile turns in the episode
    min_strong: int = 2  # of which hostile on their own (not only approvals in context)
    gap: timedelta = timedelta(
        hours=48
    )  # a longer silence between hostile turns at the target ends an episode
    margin: timedelta = timedelta(
        minutes=30
    )  # raiders' turns this close before/after the episode belong to it
    mark_margin: timedelta | None = None  # raiders' turns this close are raid messages (None: ``margin``)
    finding_threshold: float = (
        0.0  # per-message findings at or above this make a turn hostile (0: any finding)
    )
    campaign_days: int = 2  # distinct days for a campaign
    campaign_messages: int = 3
    turn_window: int = 6  # how many turns back "tu" may point
    min_strength: float = (
        1.8  # sum of the hostile turns' scores for a pile-on (three approvals or reactions: 1.8)
    )
    secondary_ratio: float = 0.5  # a raid overlapping a stronger one needs this share of its strength
    raider_min: float = 0.6  # with the model: an author's mean attacker probability around the attack
    join_min: float = 0.55  # with the model: mean attacker probability for a silent supporter to join
    mark_hostile_turns: bool = True  # a raider's hostile turns in the raid's span are raid messages
    after_turn: bool = False  # a hostile remark aimed at no one is about whoever just spoke
    retarget: bool = True  # with the model: aim guessed targets at the session's most attacked person
    # silence that ends a session for ``retarget`` (None: ``gap``, 48 h). 12 h reads the person a session attacks
    # per day (a defender attacked on day 2 does not take day 1's guessed targets): +4 right targets of 95 across
    # the seven training writers, but on the integrator's held-out chats of an eighth writer (chatw7, never trained
    # on) 12 h lost raid recall (0.62 -> 0.52) and reported a raid in a civil chat (0/2 -> 1/2): off by default
    session_gap: timedelta | None = None
    banter_check: bool = True  # no pile-on on someone who laughs along, is never hurt and nobody defends
    banter_aimed: bool = (
        True  # session 4: only a defence of the "target" (not of another member) rules out banter
    )
    named_lately: bool = (
        True  # a hostile turn with no name nor "tu": the member named lately in the 3rd person
    )
    counter_speech: bool = True  # a defender's hostile turn does not make its target a victim
    continuation: timedelta | None = timedelta(days=7)  # raiders' later attacks on the target join the raid
    all_raider_turns: bool = (
        True  # every raider turn in the span (but defence / conciliation) is a raid message
    )
    shield_check: bool = True  # a target who mostly defends another attacked person is weighed last
    # session 4: "il/elle" with no name after a member was named in the third person, more recently than the
    # person most attacked was attacked, is that member (the chat moved on to talk about someone)
    subject_shift: bool = True
    mock_stance: bool = True  # session 4: a defence or "calme-toi" with a laugh, or minimising, is no stance
    retarget_answered: bool = True  # re-aim a hostile "tu" at the person answered (False: keep it on them)
    outsider: bool = (
        True  # session 4: a hostile remark at the referee, the software, a troll targets no member
    )
    counter_tu: bool = True  # any hostile "tu" at a core attacker (not laughing) marks a counter-speaker
    # session 7, with the model: hitting a core attacker does not make a counter-speaker of an author whose turns
    # around the attack read as an attacker's (mean p_r at least this; None: off)
    counter_pr: float | None = 0.75
    # session 7: a member named only inside quotes is not the target of the turn's hostility
    quoted_names: bool = True
    # session 4b, with the model: a raider's turn this close to the raid's span (after continuation) that reads as
    # an attacker's (p_r >= raider_min) is a raid message (None: off)
    late_marks: timedelta | None = timedelta(hours=6)
    # session 4b: a raider's turn (not a defence or conciliation) that speaks to or about the target this close to
    # the raid's span is a raid message, however mild (the same bully at the same person on a later day; None: off)
    late_about: timedelta | None = timedelta(days=7)
    # session 5: the chat's main raid is the most attacked person's (False: the raid with the most messages)
    primary_by_attacks: bool = True
    primary_days: bool = True  # ... attacked on the most distinct days first (harassment repeated over time)
    # session 5, with the model: an author with this many hostile turns at the target is a raider from a mean
    # attacker probability of ``persistent_pr`` (not ``raider_min``) around the attack (0: off)
    persistent_min: int = 3
    persistent_pr: float = 0.4
    persistent_explicit: bool = True  # only turns naming, answering or telling "tu" to the target count
    thanks_not_banter: bool = True  # session 5: "merci" is no laughing along (banter check)
    # session 5b, with the learned model: friends shouting over a match (a fifth of the turns around the "attack"
    # talk of the game), the "target" taking part, never in distress and not defended: no pile-on (banter check)
    match_talk: float = 0.15  # session 6: 0.2 -> 0.15 (chatw9_01, a match night at 19 % match talk)
    # session 5b: a per-message finding on a message of emojis only ("😂😂" read as patient mockery by text_harm
    # révision 8) is not hostile on its own: the message is an approval in context like any bare laugh
    emoji_only_approval: bool = True
    # session 6, with the learned model: a per-message finding whose turn the model reads as not hostile in its
    # context (p_h under this) does not make the turn hostile on its own (None: off)
    finding_agree: float | None = 0.5
    # session 6: "elle ..." / "la nouvelle ..." with no name, in a chat where exactly one member never writes, is
    # about that member (the victim talked about, never answering)
    absent_victim: bool = True
    # session 6: in the banter check, the "target" roasting a teaser back (second person, not hurt) laughs along
    roast_back: bool = True
    # session 6, doxxing precision: information with nobody it is about, in a turn not otherwise hostile ("8 allée
    # des Peupliers, sonnez 2 fois": the host's own address for a party) discloses nothing (``dox_subject``); a person
    # attacked only *later* does not make an earlier message about them a disclosure (``dox_past``: the week's rota
    # posted before the attacks); a schedule alone with no time of day ("Julie de nuit mercredi") is a disclosure only
    # with a call to go there or an attack in the message itself (``dox_schedule``)
    dox_subject: bool = True
    dox_past: bool = True
    # session 7: a disclosure followed within 15 minutes by the same author's call to go there is part of it
    dox_before_call: bool = True
    dox_schedule: bool = True
    # session 16: doxxing spread over several messages — within this time after a disclosure found in the chat, a
    # turn by someone else than the person exposed, neither a defence nor a conciliation, that calls to go there
    # ("ptet qu'on passe sonner ce soir") or repeats one of its details (a time, a weekday, a parking spot: "Jeudi
    # 20h45 P2. Ceux qui viennent mettez un pouce") while attacking or raiding, is part of it (None: off)
    dox_echo: timedelta | None = timedelta(hours=3)
    # session 16: the person an unnamed disclosure ("il finit à 16h30") is about is the member most attackers hit in
    # the last hour, when more than the last member hit (a defender told to shut up just before); False: the last hit
    dox_victim: bool = True
    # session 6b: in the banter check, a "defence" written by one of the attackers ("ON EST LÀÀÀ" after the goal,
    # "tu m'aimes grave arrête" to the friend they tease) is not someone defending the target
    banter_attacker_defence: bool = True
    # session 6b: in the banter check, a defence addressed to no one and about no one ("courage" to the class when
    # the teacher arrives) defends the "target" only right after the target spoke or was attacked
    banter_loose_defence: bool = True
    # session 7, with the learned model: in the session re-aiming, a member comforted by someone else ("Sonia, ça
    # va ?", "tu n'es pas seule" said to one person) counts as hurt, like their own distress (0: off). In long chats
    # many non-attackers talk to the victim; the bully whose jokes the supporters laugh at is never comforted.
    retarget_comfort: float = 1.0
    # session 7b, text_harm révision 10's teen / SMS operating point: a finding that carries ``chat_register`` in
    # its contexts (a message the cascade left unflagged, flagged because the semantic tier is moderately sure)
    # is weaker evidence than the cascade's own. ``register_features``: its score feeds the learned model's message
    # features (false: the model reads the message as if unflagged, as it was trained); ``register_agree``: it makes
    # the turn hostile only when the model reads the turn as hostile in context with at least this p_h (None: as
    # any finding, ``finding_agree``). Such findings still count among the "own hostile turns" that choose the
    # initiator (leaving them out was worse in every variant measured). Cross-writer (docs/conversations.md "Session 7b"): features off and agreement at 0.7 keep
    # révision 10 from raiding two more civil chats.
    register_features: bool = False
    register_agree: float | None = 0.7
    # session 7, with the learned model: in the session re-aiming, a bare laugh right after someone's turn counts as
    # an attack on them only when they answer that laugher with hurt, a defence or hostility in the session
    retarget_joker: bool = True
    # session 8, with the learned model: a loud chat, not a pile-on: around the attack at least this many other members are each attacked by
    # two or more authors (named, replied to or told "tu"), while the "target" is neither hurt (distress, a defence of
    # themself in the first person) nor defended by anyone (0: off)
    diffuse_min: int = 4
    # ... unless the "target" is singled out: attacked as written at least this many times as often as anyone else
    # (0: not checked)
    diffuse_single: float = 1.5
    # session 10, with the learned model (measured, off): a row, not a raid — the "target" gives, around the attack,
    # at least this share of the hostile turns they receive (their hostile turns at anyone; None: off). 0.5 with
    # ``row_hurt`` changed no team chat once ``row_mutual`` is on; 0.4 lost chatw1_01, and without ``row_hurt`` 0.5
    # lost chatws10_04 (a victim who insults the bullies back five times): not worth the risk
    row_ratio: float | None = None
    row_hurt: bool = True  # ... unless the target is hurt or defended (``_hurt_or_defended``)
    # session 10, with the learned model: the "attackers" insult each other (both ways) at least as often as they hit
    # the target as written, and the target is neither hurt nor defended: a row between camps, not a raid
    row_mutual: bool = True
    # session 10, with the learned model: the "attackers" never name, answer or tell "tu" to the target (every link
    # is a guess: "ce mec", "il", the session's victim) and the target shows them affection ("je vous aime ❤️"; thanks
    # alone are not enough), never pleads with them, nobody defends her: they insult someone outside the chat with
    # her, not her
    warm_target: bool = True
    # session 8, with the learned model: a pile-on needs two distinct authors (``min_authors`` if lower) hostile to
    # the target within this span somewhere in the episode (three attacks by three people on three different days is
    # no pile-on; a campaign still reports repeated harassment). None: off
    pile_window: timedelta | None = timedelta(hours=1)
    # session 9: in the banter check, the "target" defending themself counts as hurt only in the first person
    # ("je t'ai rien fait", "laissez-moi"); a comeback at a teaser ("t'es jaloux ilyes t'as rien marqué") is not
    banter_first_person: bool = True
    # session 9 (measured): how the initiator is chosen among the raiders — "own": most hostile turns of their own at
    # the target; "all_hostile": at anyone in the raid; "first": the earliest of those with at least half the most;
    # session 16b (measured leave-one-writer-out, docs/conversations.md "Session 16b"): "turns": among those with a
    # hostile turn in the raid, the one with the most turns marked as the raid's, then "all_hostile"'s order
    initiator_by: str = "turns"
    # session 9, with the learned model: a distress cue in a defence of someone else with no first person ("vous êtes
    # méchants, il a le droit d'essayer") is the defender's indignation, not their hurt: it does not make them the
    # victim (on the rules alone it cost one right target)
    distress_own: bool = True
    # session 11, with the learned model, in the session re-aiming: the victim's own reactions that ``cues.DISTRESS``
    # misses (leaving, giving up, a plea about themself: ``cues.HURT``) count as distress, comfort in
    # ``cues.COMFORT_MORE`` as comfort, and a defence by a non-attacker naming one member in the third person credits
    # that member (the weight of ``retarget_comfort``)
    victim_cues: bool = True
    # session 12, with the learned model: a pile-on needs hostility aimed at the target as written (a name, a
    # mention, a vocative, a reply, or "tu" right after the target's own turn) from at least this many authors, unless
    # the target is hurt (distress, a plea, leaving), defended by someone, or the member who never writes (0: off).
    # Off by default since session 12's integration: on, it cleared team chats' civil rows but lost a blind set's
    # pile-on (set 9) and cleared no blind civil chat (sets 8-12); docs/conversations.md, "Integration, session 12"
    aimed_min: int = 0
    # session 12, with the learned model: the "target" hits back, as written (named, answered, told "tu"), at least
    # this many distinct "attackers" and is neither hurt (distress, a first-person defence, ``cues.HURT``) nor defended:
    # friends roasting each other, everyone giving as good as they get, not a pile-on (0: off)
    reciprocal_min: int = 2
    # session 12: the raiders' attacks on someone who defends an earlier raid's target stay a raid of their own (to be
    # ranked by ``_primacy``) when they are stronger and their target is hurt or defended while the earlier one's is
    # not (a moderator guessed as "il" once before the real victim is attacked is not the target)
    defender_weaker: bool = True
    # session 13: the "defend" stance reads ``cues.DEFENCE`` as whole words (``cues.DEFENCE_WORD``): "va tout
    # arrêter" (a goalkeeper), "stopper", "courageux" are no defence (False: the session-12 prefix match)
    defence_words: bool = True
    # session 13, with the learned model: an author who apologises for what they said ("dsl frr c le seum", "désolé
    # c'était de trop", "sorry, out of line") right after hitting the target, and does not hit them again the same day,
    # closes the incident: their hostile turns at the target in ``apology_window`` before the apology no longer count,
    # nor the hurt and the defences written between the hit and the apology (a roast's one over-the-line remark, a
    # civil argument's one rude message). None: off
    apology_window: timedelta | None = timedelta(minutes=15)
    model: Any = None  # a conversation.model.ContextModel: learned hostility in context (None: rules only)
    model_threshold: float | None = None  # p_h at or above: hostile (None: the model's own threshold)
    capture: bool = False  # keep each turn's context features (training)
    # session 14, with the learned model: the learned raid check (``raid_model.py``): "shipped" loads
    # data/raid_model.npz (only with a real ContextModel: it reads its probabilities), or a RaidModel; None: off. A raid
    # the rules accept whose probability is under ``raid_veto`` is dropped (the rules decide above it; 0: off).
    # ``raid_capture``: a list that receives (community uid, target uid, raiders, feature row, "accepted" |
    # "rejected") for each raid the rules accept and each candidate the episode checks reject — training.
    raid_model: Any = "shipped"
    raid_veto: float = 0.35
    raid_capture: Any = None
    # session 14b: with the learned raid check on (``raid_model`` set and a real ContextModel), a candidate pile-on's
    # raider filter keeps an author from this mean attacker probability around the attack (not ``raider_min``): read
    # out of writer, the attacker head under-reads a new writer's supporters (their chit-chat around the attack brings
    # the mean to 0.4-0.6) and the pile-on lost its second author; the check, trained on the rows this lets through,
    # vetoes the roasts and rows it adds (None: ``raider_min``)
    raider_min_checked: float | None = 0.5
    # session 15, with the learned model and the raid check: the learned aim ranker (``target_model.py``): "shipped"
    # loads data/target_model.npz (only with a real ContextModel), or a TargetModel; None: off. When the rules accept
    # no raid in a chat (and the learned raid check is on), the member it ranks first with a probability of at least
    # ``target_propose`` gets a proposed raid (``_proposal``: the rules' episode code needing ``proposal_fewer`` fewer
    # authors and hostile turns than ``min_authors`` / ``min_messages`` (at least 1), ``proposal_min_strength`` and the
    # raider floor ``proposal_raider_min``), kept only when
    # the raid check reads it at ``proposal_veto`` or more (the rules' raids: ``raid_veto``). ``target_capture``: a list
    # that receives (community uid, member uid, feature row, rules' main target) for each ranked member — training.
    # All chosen leave-one-writer-out (docs/conversations.md, "Session 15").
    target_model: Any = "shipped"
    target_propose: float = 0.4
    proposal_veto: float = 0.75
    proposal_fewer: int = 1
    proposal_raider_min: float = 0.4
    proposal_min_strength: float = 1.0
    # the roast check's ``diffuse_min`` for a proposal (None: the rules'; 0 measured in session 15, not kept)
    proposal_diffuse_min: int | None = None
    target_capture: Any = None
    # session 16: re-aiming the rules' main raid — when the aim ranker, reading the members without the rules' two
    # features (``reaim_blind``: as in a chat where the rules find no raid), ranks another member first with a
    # probability of at least ``reaim_min`` and reads the rules' main target at ``reaim_weak`` or less (a member it
    # reads as an attacker), that member's raid (the rules' own, or a proposal built as above and kept at
    # ``proposal_veto``) becomes the main raid; the rules' raid stays a raid of the chat. Where the ranker is unsure
    # the rules decide (None: off). Chosen leave-one-writer-out (docs/conversations.md, "Session 16")
    reaim_min: float | None = 0.25
    reaim_weak: float = 0.1
    reaim_blind: bool = True
    message_proba: dict[str, float] | None = None  # stage-A probabilities given from outside (training)
    # addressee ranker (conversation/addressing.py): "shipped" loads data/addressee_model.npz; None: rules only
    addressee_model: Any = "shipped"


@dataclass
class Turn:
    m: Message
    to: list[str] = field(default_factory=list)  # member uids addressed
    about: list[str] = field(default_factory=list)  # member uids spoken about
    how: dict[str, str] = field(default_factory=dict)  # member uid -> rule that resolved them
    hostile: str = ""  # "" | "finding" | "lexicon" | "context"
    score: float = 0.0
    register: bool = False  # hostile by text_harm's chat-register operating point (révision 10)
    targets: list[str] = field(default_factory=list)
    stance: str = ""  # "" | "defend" | "conciliate"
    antecedent: str | None = None  # for contextual hostility: the hostile message approved
    dox: list[str] = field(default_factory=list)  # kinds of personal information disclosed
    dox_call: bool = False
    reaction: bool = False  # a bare reaction ("mdr", "+1", emojis)
    third: bool = False  # third person with no named member
    strong_defence: bool = False  # protects someone ("laissez-la tranquille")
    distress: bool = False  # the speaker is hurt ("laissez-moi", "pourquoi vous me...")
    supportive: bool = False
    p_a: float = 0.0  # learned model: hostile as a message alone
    p_h: float = 0.0  # learned model: hostile in its context
    p_r: float = 0.0  # learned model: written by an attacker (bully or supporter)
    features: Any = None  # context features (kept when Settings.capture)
    addressees: list[str] = field(
        default_factory=list
    )  # final addressees: `to`, or the ranker's (addressing.py)
    author: str = field(init=False)  # member uid of the author (hashed once)

    def __post_init__(self) -> None:
        self.author = self.m.author_uid

    @property
    def uid(self) -> str:
        return self.m.uid


@dataclass
class Episode:
    """A pile-on: several authors hostile to one target within a time span."""

    id: str
    community_uid: str
    target: str
    hostile: list[Turn]
    raiders: list[str]
    initiator: str
    messages: list[Turn]  # every turn counted as part of the raid (hostile + raiders' turns at the target)
    defenders: list[str] = field(default_factory=list)
    conciliators: list[str] = field(default_factory=list)
    also_targeted: list[str] = field(default_factory=list)  # defenders the raiders turned on
    primary: bool = False  # the chat's main raid (first in ``ConversationResult.episodes`` for its chat)
    proposed: bool = False  # session 15: proposed by the learned aim ranker where the rules found no raid
    reaimed: bool = (
        False  # session 16: the aim ranker's confident re-aim of the rules' main raid (``reaim_min``)
    )

    @property
    def strength(self) -> float:
        """Evidence of the attack: the hostile turns' scores summed (an approval in context counts 0.6)."""
        return sum(max(h.score, h.p_h) for h in self.hostile)

    @property
    def start(self) -> Any:
        return min(t.m.created_at for t in self.messages)

    @property
    def end(self) -> Any:
        return max(t.m.created_at for t in self.messages)


@dataclass
class Campaign:
    id: str
    target_key: str
    target: str
    authors: list[str]
    turns: list[Turn]
    days: list[str]


@dataclass
class ConversationResult:
    turns: dict[str, Turn]
    episodes: list[Episode]
    campaigns: list[Campaign]
    doxxing: list[Turn]
    names: dict[str, str]


# -- names ------------------------------------------------------------------------------------------------
def name_keys(member: MemberRef) -> set[str]:
    """The folded forms by which others may call a member: full name, first name, last name, nicknames."""
    keys: set[str] = set()
    full = cues.fold(member.name).strip()
    toks = [t for t in cues.words(full) if t not in TITLES]
    if toks:
        keys.add(" ".join(toks))
        keys.add(toks[0])
        if len(toks) > 1 and len(toks[-1]) >= 4:
            keys.add(toks[-1])
    keys.add(full.replace(" ", ""))
    for n in member.nicknames:
        f = cues.fold(n).strip().lstrip("@")
        if f:
            keys.add(f)
    return {k for k in keys if len(k) >= 3 and k not in cues.STOPWORDS}


# A name right after one of these is an object or complement ("avec Léa", "t'as vu Léa"), not a vocative.
OBJECT_MARKERS = frozenset(
    [
        "de",
        "d",
        "a",
        "avec",
        "pour",
        "chez",
        "sur",
        "par",
        "contre",
        "que",
        "qu",
        "et",
        "ou",
        "comme",
        "sans",
        "vers",
        "entre",
        "vu",
        "vue",
        "connais",
        "connait",
        "entendu",
        "parle",
        "appelle",
        "appele",
        "croise",
        "dis",
        "dit",
        "demande",
    ]
)


class NameIndex:
    def __init__(self, members: Sequence[MemberRef]) -> None:
        owners: dict[str, set[str]] = defaultdict(set)
        for m in members:
            for k in name_keys(m):
                owners[k].add(m.uid)
        self.single = {k: v for k, v in owners.items() if " " not in k}
        self.multi = [(re.compile(rf"\b{re.escape(k)}\b"), v) for k, v in owners.items() if " " in k]
        # First names, for the short forms teenagers use: "max" (Maxime), "clo" (Chloé), "juju" (Julie).
        self.first: dict[str, set[str]] = defaultdict(set)
        for m in members:
            toks = [t for t in cues.words(cues.fold(m.name)) if t not in TITLES]
            if toks and len(toks[0]) >= 3:
                self.first[toks[0]].add(m.uid)

    def short_form(self, tok: str) -> set[str]:
        """Members whose first name ``tok`` shortens or doubles (only used at the start or end of a message)."""
        if len(tok) < 3 or tok in cues.STOPWORDS or tok in cues.NOT_NAMES:
            return set()
        half = tok[: len(tok) // 2]
        doubled = len(tok) >= 4 and tok == half * 2
        out: set[str] = set()
        for first, owners in self.first.items():
            if first == tok:
                continue
            plain = first.replace("h", "")
            if (
                first.startswith(tok)
                or plain.startswith(tok.replace("h", ""))
                or (doubled and first.startswith(half))
            ):
                out |= owners
        return out

    def find(self, folded: str, author: str) -> list[tuple[str, int, bool]]:
        """(member uid, token position, @mention) of each member named in the text (not the author)."""
        toks = re.findall(r"@?[a-z0-9]+", folded)
        out: dict[str, tuple[int, bool]] = {}
        for i, tok in enumerate(toks):
            at = tok.startswith("@")
            owners = self.single.get(tok.lstrip("@"))
            if not owners and (i < 2 or i >= len(toks) - 2):
                owners = self.short_form(tok.lstrip("@"))
            if owners:
                cands = [o for o in owners if o != author]
                if len(cands) == 1 and cands[0] not in out:
                    pos = i if i < 2 else (-1 if i >= len(toks) - 2 else i)
                    if i > 0 and toks[i - 1] in OBJECT_MARKERS and not at:
                        pos = 99  # "la faute de léa", "t'as vu léa": spoken about, not to
                    out[cands[0]] = (pos, at)
        for rx, owners in self.multi:
            mt = rx.search(folded)
            if mt:
                cands = [o for o in owners if o != author]
                if len(cands) == 1 and cands[0] not in out:
                    pos = len(re.findall(r"[a-z0-9]+", folded[: mt.start()]))
                    out[cands[0]] = (pos if pos < 2 else (-1 if pos >= len(toks) - 2 else pos), False)
        return [(u, p, a) for u, (p, a) in out.items()]


# -- the walk --------------------------------------------------------------------------------------------
def analyse(
    ctx: DetectionContext, findings: Sequence[Finding], settings: Settings | None = None
) -> ConversationResult:
    st = settings or Settings()
    best: dict[str, float] = {}
    register: set[str] = set()  # messages flagged by text_harm's chat-register operating point (révision 10)
    for f in findings:
        if f.category in HOSTILE_CATEGORIES and f.detector not in ("conversation", "raid"):
            best[f.message_uid] = max(best.get(f.message_uid, 0.0), f.score)
            if "chat_register" in ((f.details or {}).get("contexts") or ()):
                register.add(f.message_uid)
    turns: dict[str, Turn] = {}
    names = {u: m.name for u, m in ctx.members.items()}
    ranker = load_addressee_model() if st.addressee_model == "shipped" else st.addressee_model
    for cu in ctx.community_uids():
        _walk(ctx, cu, best, st, turns, register)
        _reactions(ctx.community_messages(cu), turns)
        if st.retarget and st.model is not None:
            _retarget(ctx.community_messages(cu), turns, st)
        resolve_addressees([turns[m.uid] for m in ctx.community_messages(cu)], ranker)
    episodes = _episodes(ctx, turns, st)
    campaigns = _campaigns(ctx, turns, st)
    dox = _doxxing(turns, episodes, st)
    return ConversationResult(turns=turns, episodes=episodes, campaigns=campaigns, doxxing=dox, names=names)


def _walk(
    ctx: DetectionContext,
    cu: str,
    best: dict[str, float],
    st: Settings,
    turns: dict[str, Turn],
    register: frozenset[str] | set[str] = frozenset(),
) -> None:
    msgs = ctx.community_messages(cu)
    index = NameIndex(ctx.members_of(cu))
    seen = best if st.register_features else {u: v for u, v in best.items() if u not in register}
    learned = _message_stage(msgs, seen, st)
    state = ContextState() if learned is not None else None
    recent: list[Turn] = []
    hostile_by_target: dict[str, dict[str, Any]] = defaultdict(dict)  # target -> author -> last time
    focus: tuple[str, Any] | None = None  # (target, time) of the latest hostile turn

    victims: dict[str, tuple[float, Any]] = {}  # member -> (attack weight, last time): who is being attacked
    absent = _absent_member(ctx, cu, msgs) if st.absent_victim else None

    def attackers_of(target: str, now: Any) -> set[str]:
        return {a for a, when in hostile_by_target.get(target, {}).items() if now - when < st.gap}

    def allies(a: str, b: str, now: Any) -> bool:
        for _t, authors in hostile_by_target.items():
            ta, tb = authors.get(a), authors.get(b)
            if ta and tb and now - ta < st.gap and now - tb < st.gap:
                return True
        return False

    for m in msgs:
        t = Turn(m)
        folded = cues.fold(m.text or "")
        nwords = len(cues.words(folded))
        second = bool(cues.SECOND_PERSON.search(folded)) or bool(cues.IMPERATIVE_HOSTILE.search(folded))
        plural = bool(cues.SECOND_PLURAL.search(folded)) and not cues.FORMAL_SINGULAR.search(folded)
        third = bool(cues.THIRD_PERSON.search(folded))
        # 1. names, nicknames, @mentions
        for uid, pos, at in index.find(folded, t.author):
            if at:
                t.to.append(uid)
                t.how[uid] = "mention"
            elif pos == 99:
                t.about.append(uid)
                t.how[uid] = "name-object"
            elif second and not third:
                t.to.append(uid)
                t.how[uid] = "name+tu"
            elif third and not second:
                t.about.append(uid)
                t.how[uid] = "name+3rd"
            elif pos in (0, 1) and _subject(folded, uid, index):
                t.about.append(uid)
                t.how[uid] = "name-subject"
            elif pos in (0, 1, -1):
                t.to.append(uid)
                t.how[uid] = "vocative"
            else:
                t.about.append(uid)
                t.how[uid] = "name"
        # 2. reply-to and quote
        parent = ctx.parent(m.uid)
        quoted = ctx.quoted(m.uid)
        for rel, other in (("reply", parent), ("quote", quoted)):
            if other is None or other.author_uid == t.author:
                continue
            if not t.to:
                t.to.append(other.author_uid)
                t.how[other.author_uid] = rel
            elif other.author_uid not in t.to and other.author_uid not in t.about:
                t.about.append(other.author_uid)
                t.how[other.author_uid] = rel
        # 3. second person right after another member's turn (skipping bare reactions and the speaker's allies)
        if not t.to and second and not plural:
            cands = [
                r
                for r in reversed(recent[-st.turn_window :])
                if r.author != t.author
                and m.created_at - r.m.created_at < timedelta(minutes=45)
                and not r.reaction
            ]
            pick = next((r for r in cands if not allies(t.author, r.author, m.created_at)), None)
            pick = pick or (cands[0] if cands else None)
            if pick is not None:
                t.to.append(pick.author)
                t.how[pick.author] = "tu-after-turn"
        # 3b. "vous" / "arrêtez" while defending: the authors of the recent hostile turns
        if not t.to and plural and (cues.DEFENCE_WORD if st.defence_words else cues.DEFENCE).search(folded):
            for r in recent[-8:]:
                if (
                    r.hostile
                    and r.author != t.author
                    and r.author not in t.to
                    and r.author not in r.targets
                    and not r.stance
                ):
                    t.to.append(r.author)
                    t.how[r.author] = "vous-defence"
        t.reaction = nwords <= 3 and bool(cues.APPROVAL.search(folded) or not cues.strip_emoji(folded))
        # 3c. the learned model: the message alone (stage A, batched above), then in its context (stage B)
        if learned is not None and state is not None:
            hand, p_a, emb = learned[0][m.uid], learned[1][m.uid], learned[2].get(m.uid)
            feats = state.features(
                author=t.author,
                at=m.created_at,
                p_a=p_a,
                hand=hand,
                to=t.to,
                about=t.about,
                reply_uid=parent.uid if parent is not None else None,
                reaction=t.reaction,
                emb=emb,
            )
            t.p_a = p_a
            if st.capture:
                t.features = feats
            if st.model is not None:
                t.p_h, t.p_r = st.model.context_proba(feats)
            state.push(
                uid=m.uid,
                author=t.author,
                at=m.created_at,
                p_a=p_a,
                to=t.to,
                about=t.about,
                emb=emb,
                hand=hand,
            )
        # 4. stance and hostility
        reported = bool(cues.REPORTED.search(folded)) or quoted is not None
        mock = st.mock_stance and bool(
            cues.MOCK_LAUGH.search(folded)
            or cues.ACCUSING_STOP.search(folded)
            or (cues.DISMISSIVE.search(folded) and not cues.STRONG_DEFENCE.search(folded))
        )  # "ptdr laisse-le 😂", "c'est une blague calme-toi", "arrête de mentir": a bully, not a defence
        calming = (
            folded if not st.mock_stance else _BREF.sub("", folded)
        )  # "bref": a filler, not a conciliation
        if (cues.DEFENCE_WORD if st.defence_words else cues.DEFENCE).search(folded) and not mock:
            t.stance = "defend"
        elif cues.CONCILIATION.search(calming) and not mock:
            t.stance = "conciliate"
        own = cues.unquoted(folded)  # words inside «…» / "…" are someone else's (a defender quoting them)
        lex = (bool(cues.HOSTILE_STRONG.search(own)) or bool(cues.MOCKERY.search(own))) and not bool(
            cues.CIVIL.search(folded) and nwords > 12
        )
        t.third = third and not t.about
        t.strong_defence = bool(cues.STRONG_DEFENCE.search(folded)) and not mock
        t.distress = bool(cues.DISTRESS.search(folded)) and not (
            # session 9: "vous êtes méchants, il a le droit d'essayer" defends someone else: a defender, not hurt
            st.distress_own
            and st.model is not None
            and t.stance == "defend"
            and not _FIRST_PERSON.search(folded)
        )
        t.supportive = bool(cues.SUPPORTIVE.search(folded))
        if t.strong_defence and not t.stance:
            t.stance = "defend"
        fscore = best.get(m.uid, 0.0)
        flagged = m.uid in best and fscore >= st.finding_threshold
        if st.emoji_only_approval and flagged and not cues.strip_emoji(folded).strip():
            # session 5b: a detector's score on a bare "😂😂" makes it an approval, not an attack
            flagged = False
        if (
            flagged
            and not lex
            and st.finding_agree is not None
            and st.model is not None
            and t.p_h < st.finding_agree
        ):
            flagged = False  # session 6: the detector alone, against the conversation's reading
        if (
            flagged
            and not lex
            and m.uid in register
            and st.register_agree is not None
            and st.model is not None
            and t.p_h < st.register_agree
        ):
            flagged = False  # session 7b: the chat-register operating point alone needs the model's agreement
        t.register = flagged and m.uid in register
        if (lex or flagged) and not (reported and t.stance):
            t.hostile = "finding" if flagged else "lexicon"
            t.score = max(fscore, 0.75 if lex else 0.0)
        elif (
            not t.stance
            and nwords <= cues.APPROVAL_MAX_WORDS
            and (cues.APPROVAL.search(folded) or cues.APPROVAL.search(cues.strip_emoji(folded)))
        ):
            ante = _antecedent(t, parent, recent)
            if ante is not None and ante.hostile and t.author not in ante.targets:
                t.hostile = "context"
                t.score = 0.6
                t.antecedent = ante.uid
                t.targets = list(ante.targets)
        if not t.hostile and st.model is not None and t.p_h >= _threshold(st) and not (reported and t.stance):
            t.hostile, t.score = "model", t.p_h
        if (
            t.hostile
            and not t.targets
            and st.outsider
            and not second
            and not (t.to or t.about)
            and (cues.OUTSIDER.search(own) or (third and _outsider_subject(recent, m.created_at)))
        ):
            t.how["outsider"] = "outsider"  # sworn at the referee, the software, a troll: no member targeted
        elif t.hostile and not t.targets:
            in_quotes: set[str] = set()
            if st.quoted_names and ("«" in folded or '"' in folded or "“" in folded):
                # session 7: a member named only inside quotes (someone else's words: "tu lui as dit « on va chez
                # jeanne »") is not whom the turn attacks
                outside = {u for u, _, _ in index.find(cues.unquoted(folded), t.author)}
                in_quotes = {u for u, _, _ in index.find(folded, t.author)} - outside
            people = (
                [u for u in t.about if u != t.author and u not in in_quotes] if (t.about and third) else []
            )
            top = _victim(victims, t.author, m.created_at, st, allies)
            if third and not second and not people and st.subject_shift:
                subject = _named_since(recent, t.author, m.created_at)
                if subject is not None and subject != top:
                    people = [subject]
                    t.how.setdefault(subject, "subject")
            if third and not second and not people and absent is not None and absent != t.author:
                # session 6: the one member who never writes is whom "elle ..." with no name speaks about
                people = [absent]
                t.how.setdefault(absent, "absent")
            if third and not second and not people and top is not None:
                # "elle ..." with no name while one person is being attacked: that person
                people = [top]
                t.how.setdefault(top, "victim")
            if third and not second and not people:  # "elle ..." with no name: whom the conversation is about
                prev = turns.get(parent.uid) if parent is not None else None
                pool = ([prev] if prev is not None else []) + list(reversed(recent[-3:]))
                for r in pool:
                    if (
                        not r.hostile
                        and r.author != t.author
                        and attackers_of(r.author, m.created_at) - {t.author}
                    ):
                        cand = [r.author]  # "elle ..." right after the person being attacked spoke: her
                    else:
                        cand = [
                            u
                            for u in (r.targets or r.about or (r.to if r.author != t.author else []))
                            if u != t.author
                        ]
                    if cand:
                        people = cand[:1]
                        # "il ..." continuing remarks about the member just named stays about that member
                        follows = st.subject_shift and r.how.get(cand[0]) == "subject"
                        t.how.setdefault(cand[0], "subject" if follows else "3rd-person")
                        break
            people = people or [
                u
                for u in t.to + t.about
                if u != t.author
                and u not in in_quotes
                and not (third and not second and t.how.get(u) == "reply")
            ]
            if (
                not people
                and focus is not None
                and m.created_at - focus[1] < timedelta(hours=1)
                and focus[0] != t.author
            ):
                people = [focus[0]]
                t.how.setdefault(focus[0], "focus")
            if not people and not second and st.named_lately and t.hostile in ("lexicon", "finding"):
                # "une vraie pute" with no name, before anyone is attacked (an insult, not a learned guess): the
                # member named lately in the third person (the bully's "romane et moi c'est fini" just before)
                for r in reversed(recent[-NAMED_TURNS:]):
                    if m.created_at - r.m.created_at > NAMED_WINDOW:
                        break
                    named = [
                        u
                        for u in r.about
                        if u != t.author and r.how.get(u, "").startswith(("name", "vocative"))
                    ]
                    if named:
                        people = named[:1]
                        t.how.setdefault(named[0], "named-lately")
                        break
            if not people and st.after_turn:
                # "Et voilà. Une jaune de plus" right after someone's message: a remark about who just spoke
                last = next(
                    (
                        r
                        for r in reversed(recent[-3:])
                        if r.author != t.author
                        and not r.reaction
                        and m.created_at - r.m.created_at < timedelta(minutes=30)
                        and not allies(t.author, r.author, m.created_at)
                    ),
                    None,
                )
                if last is not None and not last.hostile:
                    people = [last.author]
                    t.how.setdefault(last.author, "after-turn")
            # A laugh or an approval answering someone who was speaking to or about a third person is aimed at
            # that third person ("🤣 la Jeanne d'Arc des antibiotiques" after a jibe at Claire).
            if (
                people
                and all(t.how.get(u) in ANSWERED for u in people)
                and (t.reaction or cues.LAUGH.search(folded) or cues.APPROVAL.search(folded))
            ):
                last = next((r for r in reversed(recent[-st.turn_window :]) if r.author in people), None)
                if last is not None:
                    aimed = [
                        u for u in (last.targets or last.to or last.about) if u not in (t.author, last.author)
                    ]
                    if aimed:
                        people = aimed[:1]
                        t.how.setdefault(people[0], "laughs-at")
            # Laughing with, or answering, a fellow attacker attacks their victim, not them; a turn that says
            # "tu" to the attacker without laughing is aimed at the attacker (a defender hitting back).
            if (
                top is not None
                and people
                and top not in people
                and not t.stance
                and t.author != top
                and (t.hostile == "context" or t.reaction or _laughs_along(folded) or not second)
                and (t.hostile in ("context", "model") or t.reaction)
                and all(u in attackers_of(top, m.created_at) and t.how.get(u) in WEAK_LINKS for u in people)
            ):
                people = [top]
                t.how.setdefault(top, "victim")
            t.targets = list(dict.fromkeys(people))
        # 5. doxxing cues (personal information)
        kinds = cues.dox_kinds(folded)
        if t.stance and not cues.dox_call(cues.unquoted(folded)):
            kinds = []  # a defender or conciliator talking about a disclosure does not make one
        if kinds and not t.hostile and not cues.dox_kinds(cues.unquoted(folded)):
            kinds = []  # session 11: the information only inside quotation marks, repeated to condemn it
        if kinds and cues.own_family(folded):
            kinds = []  # one's own father's number for a lift, not someone else's
        if (
            kinds
            and st.dox_subject
            and not t.hostile
            and not (t.to or t.about)
            and not cues.DOX_SUBJECT.search(folded)
        ):
            kinds = []  # session 6: nobody's information, said in peace (an invitation to one's own party)
        if kinds and not (cues.FIRST_PERSON_INFO.search(folded) and not third):
            if not (t.to or t.about) and third and focus is not None and focus[0] != t.author:
                who = focus[0]
                if st.dox_victim:
                    # session 16: the member most attackers hit in the last hour, not the last one hit ("toi tu te
                    # tais" at a defender just before "l'edt du rat: … il finit à 16h30")
                    hit = {
                        u: sum(
                            1
                            for a, w in by.items()
                            if a != t.author and m.created_at - w < timedelta(hours=1)
                        )
                        for u, by in hostile_by_target.items()
                        if u != t.author
                    }
                    latest_hit = who
                    most = max(hit, key=lambda u: (hit[u], u == latest_hit), default=None)
                    if most is not None and hit[most] > hit.get(latest_hit, 0):
                        who = most
                t.about.append(who)
                t.how[who] = "focus"
            t.dox = kinds
            t.dox_call = cues.dox_call(folded)
            if t.dox_call and not t.hostile:  # exposing someone with a call to go there is an attack
                t.hostile, t.score = "lexicon", 0.8
                t.targets = [u for u in t.about + t.to if u != t.author]
        # 6. state
        if t.distress:
            _credit(victims, t.author, m.created_at, 1.0)
        if t.hostile and not (st.counter_speech and t.stance == "defend"):
            # a defender's hostile turn at the attacker is counter-speech: it does not make the attacker a victim
            for target in t.targets:
                hostile_by_target[target][t.author] = m.created_at
                if t.how.get(target) not in (
                    "focus",
                    "3rd-person",
                    "victim",
                    "named-lately",
                    "subject",
                ):  # named, "tu", replied to
                    _credit(victims, target, m.created_at, max(t.score, t.p_h, 0.5))
            if t.targets:
                focus = (t.targets[0], m.created_at)
        turns[m.uid] = t
        recent.append(t)
        if len(recent) > 50:
            recent = recent[-50:]


WEAK_LINKS = frozenset(
    {"tu-after-turn", "reply", "quote", "focus", "3rd-person", "vous-defence", "after-turn"}
)
ANSWERED = frozenset({"tu-after-turn", "reply", "quote"})  # whom a laugh answers
GUESSED = WEAK_LINKS | {"victim", "laughs-at", "session-victim", "named-lately", "subject", "absent"}
KEPT = frozenset({"subject", "absent"})
# links written in the turn itself: a name, a mention, a vocative, a platform reply (no "tu" guessed from the order)
EXPLICIT = frozenset(
    {"mention", "name+tu", "name+3rd", "vocative", "name", "name-object", "name-subject", "reply"}
)  # guessed targets that the session re-aiming keeps (and counts half)
NAMED_TURNS = 10  # how far back a hostile remark with no name looks for a member named in the third person
NAMED_WINDOW = timedelta(minutes=30)
SUBJECT_TURNS = 3  # "il/elle" right after a member was named in the third person: that member
VICTIM_MIN = 1.0  # attack weight (sum of hostile scores at a named person) before "elle" means that person


def _absent_member(ctx: DetectionContext, cu: str, msgs: Sequence[Message]) -> str | None:
    """The one member of the community who never writes in these messages (None: none, or several)."""
    authors = {m.author_uid for m in msgs}
    silent = [r.uid for r in ctx.members_of(cu) if r.uid not in authors]
    return silent[0] if len(silent) == 1 else None


def _credit(victims: dict[str, tuple[float, Any]], member: str, now: Any, w: float) -> None:
    score, _ = victims.get(member, (0.0, now))
    victims[member] = (score + w, now)


def _victim(
    victims: dict[str, tuple[float, Any]], author: str, now: Any, st: Settings, allies: Any
) -> str | None:
    """The person most attacked lately (not the speaker, nor one of the speaker's allies), if any."""
    cands = [
        (score, u)
        for u, (score, when) in victims.items()
        if u != author and now - when < st.gap and score >= VICTIM_MIN and not allies(author, u, now)
    ]
    return max(cands)[1] if cands else None


def _threshold(st: Settings) -> float:
    return st.model_threshold if st.model_threshold is not None else float(st.model.threshold)


def _message_stage(
    msgs: Sequence[Message], best: dict[str, float], st: Settings
) -> tuple[dict[str, Any], dict[str, float], dict[str, Any]] | None:
    """Stage A of the learned model for a whole community at once: hand features, embeddings, ``p_a``."""
    if st.model is None and st.message_proba is None:
        return None
    hand = {m.uid: message_features(m.text or "", best.get(m.uid, 0.0)) for m in msgs}
    embs: dict[str, Any] = {}
    if msgs:
        E = embed([m.text or "" for m in msgs])
        embs = {m.uid: E[i] for i, m in enumerate(msgs)}
    if st.message_proba is not None:
        probs = {m.uid: float(st.message_proba.get(m.uid, 0.0)) for m in msgs}
    else:
        import numpy as np

        P = (
            st.model.message_proba(
                np.vstack([embs[m.uid] for m in msgs]), np.vstack([hand[m.uid] for m in msgs])
            )
            if msgs
            else []
        )
        probs = {m.uid: float(P[i]) for i, m in enumerate(msgs)}
    return hand, probs, embs


def _sessions(seq: list[Turn], gap: timedelta) -> list[list[Turn]]:
    out: list[list[Turn]] = []
    for t in seq:
        if out and t.m.created_at - out[-1][-1].m.created_at <= gap:
            out[-1].append(t)
        else:
            out.append([t])
    return out


def _retarget(msgs: Sequence[Message], turns: dict[str, Turn], st: Settings) -> None:
    """Who the conversation attacks, read over a whole session (silences shorter than ``gap``): the person
    hostile turns name or answer, whose messages attacks follow, who shows distress — discounted by the
    learned attacker probability (a victim hitting back is still the victim). Hostile turns whose target
    was only guessed ("elle" with no name, a laugh after someone's turn, "tu" after the last speaker)
    are aimed at that person when one stands out."""
    seq = [turns[m.uid] for m in msgs if m.uid in turns]
    for session in _sessions(seq, st.session_gap if st.session_gap is not None else st.gap):
        score: dict[str, float] = defaultdict(float)
        pr: dict[str, list[float]] = defaultdict(list)
        laughs: list[tuple[str, str, float]] = []  # (whose turn was laughed after, laugher, weight)
        for i, t in enumerate(session):
            pr[t.author].append(t.p_r)
            folded = cues.fold(t.m.text or "")
            # session 11 (``victim_cues``): leaving, giving up, a plea about oneself count as distress
            hurt = (
                st.victim_cues
                and not t.hostile
                and bool(cues.HURT.search(folded))
                and not cues.LAUGH.search(folded)  # "bon vous gagnez j'abandonne le débat 😂": a joke
            )
            if t.distress or hurt:
                score[t.author] += 1.0
            comfort = not t.distress and bool(
                cues.COMFORT.search(folded) or (st.victim_cues and cues.COMFORT_MORE.search(folded))
            )
            if (
                st.retarget_comfort
                and comfort
                and not t.hostile
                and len(t.to) == 1
                and t.to[0] != t.author
                and (st.model is None or t.p_r < 0.5)  # not an attacker comforting a fellow attacker
            ):
                score[t.to[0]] += st.retarget_comfort
            if (
                st.victim_cues
                and st.retarget_comfort
                and not t.hostile
                and t.stance == "defend"
                and t.p_r < 0.5
                and not t.to
                and len(t.about) == 1
                and t.about[0] != t.author
                and t.how.get(t.about[0], "").startswith("name")
                and not cues.AGREE.search(folded)  # "inès a raison, ça va trop loin": agrees with a defender
            ):
                # "laissez Emma tranquille": Emma is the one attacked
                score[t.about[0]] += st.retarget_comfort
            if not t.hostile:
                continue
            w = max(t.score, t.p_h)
            for u in t.targets:
                if u != t.author and t.how.get(u) not in GUESSED:
                    score[u] += w
                elif u != t.author and t.how.get(u) in KEPT:  # "il ..." right after naming them
                    score[u] += 0.5 * w
            prev = next((r for r in reversed(session[max(0, i - 3) : i]) if r.author != t.author), None)
            if prev is not None and not prev.hostile:
                if st.retarget_joker and _bare_laugh(t):
                    laughs.append((prev.author, t.author, 0.5 * w))
                else:
                    score[prev.author] += 0.5 * w
        if laughs:
            # Session 7 (``retarget_joker``): bare laughs by the same member after someone's turns (twice or more)
            # laugh *at* them only if they ever answer that laugher with hurt, a defence or hostility in the
            # session; else they laugh *with* them (the bully's jokes the model did not read as attacks, "Madame
            # Panique" and the supporters' 😂).
            pairs: dict[tuple[str, str], int] = defaultdict(int)
            for u, laugher, _ in laughs:
                pairs[(u, laugher)] += 1
            for u, laugher, w in laughs:
                if pairs[(u, laugher)] < 2 or any(
                    r.author == u
                    and (
                        r.distress or ((r.hostile or r.stance == "defend") and laugher in {*r.to, *r.targets})
                    )
                    for r in session
                ):
                    score[u] += w
        if st.model is not None:
            for u in score:
                if pr.get(u):
                    score[u] *= 1.0 - sum(pr[u]) / len(pr[u])
        if not score:
            continue
        top, best = max(score.items(), key=lambda kv: kv[1])
        runner = max((v for u, v in score.items() if u != top), default=0.0)
        if best < 1.0 or best < 1.5 * runner:
            continue
        # who attacked ``top`` in this session (named, replied to or "tu"): a "tu" at them is not at ``top``
        att = {
            t.author
            for t in session
            if t.hostile and top in t.targets and t.how.get(top) not in GUESSED and t.author != top
        }
        for t in session:
            if (
                t.hostile
                and t.author != top
                and top not in t.targets
                and not t.stance
                and "outsider" not in t.how
                and (not t.targets or all(t.how.get(u) in GUESSED - KEPT for u in t.targets))
                and not _hits_back(t, att)
                and (st.retarget_answered or not _tells_another(t))
            ):
                t.targets = [top]
                t.how.setdefault(top, "session-victim")


def _bare_laugh(t: Turn) -> bool:
    """A reaction, or a short laugh or approval with no second person ("😂", "mdr", "+1 😂", "elle mord 😂" is not:
    it says something of someone)."""
    if t.reaction:
        return True
    folded = cues.fold(t.m.text or "")
    if len(cues.words(folded)) > 3 or cues.SECOND_PERSON.search(folded):
        return False
    return bool(cues.LAUGH.search(folded) or cues.APPROVAL.search(folded))


def _tells_another(t: Turn) -> bool:
    """A hostile "tu" at the person just answered, without laughing along ("t'es aveugle ou quoi" in a match
    argument): it speaks to that person and is not re-aimed at the session's victim."""
    if not t.to or not all(t.how.get(u) in ANSWERED for u in t.to) or t.reaction or t.hostile == "context":
        return False
    folded = cues.fold(t.m.text or "")
    second = bool(cues.SECOND_PERSON.search(folded)) or bool(cues.IMPERATIVE_HOSTILE.search(folded))
    return second and not _laughs_along(folded)


def _laughs_along(folded: str) -> bool:
    return bool(cues.LAUGH.search(folded) or cues.APPROVAL.search(folded))


def _hits_back(t: Turn, attackers: set[str]) -> bool:
    """A hostile turn that says "tu" to one of the attackers, without laughing along: counter-speech."""
    if not t.to or not set(t.to) <= attackers or t.reaction or t.hostile == "context":
        return False
    folded = cues.fold(t.m.text or "")
    second = bool(cues.SECOND_PERSON.search(folded)) or bool(cues.IMPERATIVE_HOSTILE.search(folded))
    return second and not _laughs_along(folded)


REACTION_TURNS = 8
REACTION_WINDOW = timedelta(minutes=30)


def _reactions(msgs: Sequence[Message], turns: dict[str, Turn]) -> None:
    """Turns that a defender's protection or the target's distress reveal as attacks (hostile "reaction").

    For a defence turn, the protected person is whom the defender supports by name or "tu", else the member
    named in it, else the member most addressed or spoken about in the turns just before; for distress, the speaker. The attackers' turns
    are the previous turns (8, within 30 minutes) by others at or about that person, or in the third person,
    or bare reactions to them; never defence, conciliation or supportive turns."""
    seq = [turns[m.uid] for m in msgs if m.uid in turns]
    for i, t in enumerate(seq):
        if t.hostile or not (t.distress or (t.strong_defence and t.stance == "defend")):
            continue
        window = [
            r
            for r in seq[max(0, i - REACTION_TURNS) : i]
            if t.m.created_at - r.m.created_at <= REACTION_WINDOW
        ]
        if t.distress:
            protected = t.author
        elif t.to and cues.SUPPORTIVE.search(cues.fold(t.m.text)) and len(t.to) == 1:
            protected = t.to[0]
        elif t.about:  # "ne parlez pas de Claire comme ça"
            protected = t.about[0]
        else:
            counts: dict[str, int] = defaultdict(int)
            for r in window:
                if r.author == t.author or r.reaction:  # a laugh speaks to the joker, not to the target
                    continue
                for u in {*r.to, *r.about, *r.targets}:
                    if u != t.author and u not in t.to:
                        counts[u] += 1
            if not counts:
                continue
            protected = max(
                counts,
                key=lambda u: (
                    counts[u],
                    max(k for k, r in enumerate(window) if u in {*r.to, *r.about, *r.targets}),
                ),
            )
        for r in window:
            if r.author in (protected, t.author) or r.stance or r.supportive or r.hostile:
                continue
            at = protected in {*r.to, *r.about, *r.targets} or (r.third and not r.to) or r.reaction
            parent = turns.get(r.m.parent_uid or "")
            if not at and parent is not None and parent.hostile and protected in parent.targets:
                at = bool(cues.LAUGH.search(cues.fold(r.m.text)))  # laughing along with an attack
            if at:
                r.hostile, r.score, r.targets = "reaction", 0.6, [protected]


def _subject(folded: str, uid: str, index: NameIndex) -> bool:
    """Whether a member named at the start of a message is followed by a third-person verb ("sarah a ...")."""
    toks = re.findall(r"[a-z0-9']+", folded)
    keys = {k for k, owners in index.single.items() if uid in owners}
    for i, tok in enumerate(toks[:3]):
        if tok in keys and i + 1 < len(toks):
            return toks[i + 1] in cues.THIRD_VERB
    return False


def _named_since(recent: list[Turn], author: str, now: Any) -> str | None:
    """The member named in the third person ("vous avez vu les ongles de sam") in the last ``SUBJECT_TURNS``
    turns (30 minutes), not by a hostile turn of the speaker: whom a following "il/elle" speaks about."""
    for r in reversed(recent[-SUBJECT_TURNS:]):
        if now - r.m.created_at > NAMED_WINDOW:
            return None
        if r.author == author and r.hostile:
            continue
        named = [u for u in r.about if u not in (author, r.author) and r.how.get(u, "").startswith("name")]
        if named:
            return named[0]
    return None


_BREF = re.compile(r"\bbref\b")


def _outsider_subject(recent: list[Turn], now: Any) -> bool:
    """The last turns spoke of an outsider ("arbitre de merde") more recently than of any member named in the
    third person: a following "il l'a effleuré" is about the outsider (session 4)."""
    for r in reversed(recent[-SUBJECT_TURNS:]):
        if now - r.m.created_at > NAMED_WINDOW:
            return False
        if cues.OUTSIDER.search(cues.unquoted(cues.fold(r.m.text or ""))):
            return True
        if any(r.how.get(u, "").startswith("name") for u in r.about):
            return False
    return False


def _antecedent(t: Turn, parent: Message | None, recent: list[Turn]) -> Turn | None:
    """The hostile turn an approval answers: its reply-to, else a recent hostile turn by someone else."""
    by_uid = {r.uid: r for r in recent}
    if parent is not None and parent.uid in by_uid:
        return by_uid[parent.uid]
    for i, r in enumerate(reversed(recent[-4:])):
        if r.author == t.author:
            continue
        if t.m.created_at - r.m.created_at > timedelta(minutes=30):
            break
        if r.hostile:
            return r
        if i == 0 and r.about:  # a laugh right after a remark about someone laughs at that remark
            return None
    return None


# -- pile-ons ----------------------------------------------------------------------------------------------
def _episodes(ctx: DetectionContext, turns: dict[str, Turn], st: Settings) -> list[Episode]:
    by_cu: dict[str, list[Turn]] = defaultdict(list)
    for t in turns.values():
        by_cu[t.m.community_uid].append(t)
    out: list[Episode] = []
    for cu, ts in by_cu.items():
        ts.sort(key=lambda x: (x.m.created_at, x.uid))
        excluded: set[tuple[str, str]] = set()
        cands = _candidate_episodes(cu, ts, st, excluded)
        accepted: list[Episode] = []
        # Earliest first (the attack comes before the counter-attack); then hostility towards an accepted
        # episode's raiders by its target or defenders is
        # counter-speech, not a raid.
        while cands:
            cands.sort(key=lambda e: (e.hostile[0].m.created_at, -len(e.hostile)))
            ep = cands.pop(0)
            accepted.append(ep)
            side = {ep.target, *ep.defenders}
            raiders = set(ep.raiders)
            excluded |= {(a, r) for a in side for r in raiders}
            cands = []
            for c in _candidate_episodes(cu, ts, st, excluded):
                if any(c.target == a.target for a in accepted):
                    continue
                near = [a for a in accepted if c.start <= a.end + st.gap and a.start <= c.end + st.gap]
                # While a raid goes on, a much weaker second "raid" is mostly its noise (banter, replies);
                # and its target fighting back is not a raider.
                if any(c.strength < st.secondary_ratio * a.strength or a.target in c.raiders for a in near):
                    continue
                if any(
                    c.target in a.raiders and set(c.raiders) <= {a.target, *a.defenders, *a.conciliators}
                    for a in accepted
                ):
                    continue
                # The same raiders turning on someone who defends the target: part of the same raid.
                host = next(
                    (
                        a
                        for a in accepted
                        if c.target in a.defenders
                        and set(c.raiders) <= set(a.raiders)
                        and c.start <= a.end + st.margin
                        and not (
                            st.defender_weaker
                            and c.strength > a.strength
                            and _episode_hurt(c, ts, st)
                            and not _episode_hurt(a, ts, st)
                        )
                    ),
                    None,
                )
                if host is not None:
                    known = {t.uid for t in host.messages}
                    host.messages.extend(t for t in c.hostile if t.uid not in known)
                    host.messages.sort(key=lambda x: (x.m.created_at, x.uid))
                    host.also_targeted.append(c.target)
                    continue
                cands.append(c)
        if st.shield_check:
            accepted = _merge_shields(accepted, ts, st.continuation or st.gap)
        if st.continuation:
            _continue(accepted, ts, st.continuation)
        if st.model is not None:
            _extend(accepted, ts, st)
            if st.target_model is not None or st.target_capture is not None:
                accepted = _propose(ctx, cu, accepted, ts, st)
            if accepted and (st.raid_model is not None and st.raid_veto > 0 or st.raid_capture is not None):
                accepted = _raid_check(cu, accepted, ts, st)
        accepted.sort(key=lambda e: (not e.reaimed, *_primacy(e, st)))
        if accepted:
            accepted[0].primary = True
        out.extend(accepted)
    return out


def _target_model(st: Settings) -> Any:
    if st.target_model == "shipped":  # it reads the context model's probabilities: not with a stand-in model
        return load_target_model() if isinstance(st.model, ContextModel) else None
    return st.target_model


def _propose(
    ctx: DetectionContext, cu: str, accepted: list[Episode], ts: list[Turn], st: Settings
) -> list[Episode]:
    """Session 15: the learned aim ranker (``target_model.py``) ranks the members hostility is aimed at or said
    about; when the rules accept no raid, the first one (p >= ``target_propose``) gets a proposed raid, judged
    afterwards by the raid check. Rows go to ``Settings.target_capture`` when it is a list."""
    model = _target_model(st)
    if _raid_model(st) is None or st.raid_veto <= 0:
        model = None  # a proposal is only made where the learned raid check judges it (``_raid_check``)
    if st.target_capture is None and (model is None or (accepted and st.reaim_min is None)):
        return accepted
    members = [m.uid for m in ctx.members_of(cu)]
    cands = target_candidates(ts, members)
    if not cands:
        return accepted
    main = min(accepted, key=lambda e: _primacy(e, st)).target if accepted else None
    rows = target_rows(ts, cands, main, {e.target for e in accepted})
    if st.target_capture is not None:
        st.target_capture.extend((cu, u, r, main) for u, r in zip(cands, rows, strict=True))
    if model is None:
        return accepted
    if accepted:
        if st.reaim_min is None:
            return accepted
        # ``reaim_blind``: ranked without the rules' two features (as in a chat where they find no raid)
        blind = target_rows(ts, cands, None, set()) if st.reaim_blind else rows
        return _reaim(cu, accepted, cands, model.proba(blind), main, ts, st)
    proba = model.proba(rows)
    k = int(np.argmax(proba))
    if proba[k] < st.target_propose:
        return accepted
    ep = _proposal(cu, cands[k], ts, st)
    if ep is None:
        return accepted
    if st.continuation:
        _continue([ep], ts, st.continuation)
    _extend([ep], ts, st)
    ep.proposed = True
    return [ep]


def _reaim(
    cu: str,
    accepted: list[Episode],
    cands: list[str],
    proba: np.ndarray,
    main: str | None,
    ts: list[Turn],
    st: Settings,
) -> list[Episode]:
    """Session 16 (``Settings.reaim_min``): the ranker's first member becomes the main raid's target when it is
    confident (p >= ``reaim_min``) and reads the rules' main target as weak (p <= ``reaim_weak``): the rules' raid at
    them when there is one, else a proposal (judged by the raid check at ``proposal_veto``)."""
    if st.reaim_min is None or main is None:
        return accepted
    k = int(np.argmax(proba))
    p_main = float(proba[cands.index(main)]) if main in cands else 0.0
    if cands[k] == main or proba[k] < st.reaim_min or p_main > st.reaim_weak:
        return accepted
    own = next((e for e in accepted if e.target == cands[k]), None)
    if own is not None:
        own.reaimed = True
        return accepted
    ep = _proposal(cu, cands[k], ts, st)
    if ep is None:
        return accepted
    if st.continuation:
        _continue([ep], ts, st.continuation)
    _extend([ep], ts, st)
    ep.proposed = ep.reaimed = True
    return [ep, *accepted]


def _proposal(cu: str, target: str, ts: list[Turn], st: Settings) -> Episode | None:
    """A raid at ``target`` built by the rules' episode code from every hostile turn by someone else aimed at them,
    spoken to or about them, or answering their own turn right away with no written aim, with the pile-on
    minimums relaxed (``proposal_fewer`` fewer authors and hostile turns, ``proposal_min_strength``, the raider floor
    ``proposal_raider_min``); the episode checks still apply."""
    hostile: list[Turn] = []
    prev: Turn | None = None
    for t in ts:
        if (
            t.hostile
            and t.author != target
            and (
                target in t.targets
                or target in t.to
                or target in t.about
                or (
                    prev is not None
                    and prev.author == target
                    and not any(t.how.get(u) in EXPLICIT for u in t.targets)
                    and t.m.created_at - prev.m.created_at <= TARGET_AFTER
                )
            )
        ):
            hostile.append(t)
        prev = t
    if not hostile:
        return None
    relaxed = replace(
        st,
        min_authors=max(1, st.min_authors - st.proposal_fewer),
        min_messages=max(1, st.min_messages - st.proposal_fewer),
        min_strong=min(st.min_strong, 1),
        min_strength=min(st.min_strength, st.proposal_min_strength),
        raider_min_checked=st.proposal_raider_min,
        diffuse_min=st.diffuse_min if st.proposal_diffuse_min is None else st.proposal_diffuse_min,
        raid_capture=None,
    )
    return _episode(cu, target, hostile, ts, relaxed)


def _raid_model(st: Settings) -> Any:
    """The learned raid check ``_raid_check`` reads (None: off)."""
    if st.raid_model == "shipped":  # it reads the context model's probabilities: not with a stand-in model
        return load_raid_model() if isinstance(st.model, ContextModel) else None
    return st.raid_model


def _raid_check(cu: str, accepted: list[Episode], ts: list[Turn], st: Settings) -> list[Episode]:
    """Session 14: the learned raid check (``raid_model.py``) — drop an accepted raid it reads as no raid (probability
    under ``Settings.raid_veto``); record the rows when ``Settings.raid_capture`` is a list."""
    model = _raid_model(st)
    rows = [episode_features(e, ts) for e in accepted]
    if st.raid_capture is not None:
        st.raid_capture.extend(
            (cu, e.target, list(e.raiders), r, "accepted") for e, r in zip(accepted, rows, strict=True)
        )
    if model is None or st.raid_veto <= 0:
        return accepted
    proba = model.proba(np.vstack(rows))
    return [
        e
        for e, p in zip(accepted, proba, strict=True)
        if p >= (st.proposal_veto if e.proposed else st.raid_veto)
    ]


def _episode_hurt(e: Episode, ts: list[Turn], st: Settings) -> bool:
    """The episode's target is hurt or defended around it, the same day (``_hurt``, within 6 h)."""
    span = timedelta(hours=6)
    start, end = e.hostile[0].m.created_at - span, e.hostile[-1].m.created_at + span
    window = [t for t in ts if start <= t.m.created_at <= end]
    return _hurt(e.target, e.hostile, window, {h.author for h in e.hostile}, st)


def _primacy(e: Episode, st: Settings) -> tuple[float, ...]:
    """Sort key of a chat's raids, the main one first. Session 5 (``Settings.primary_by_attacks``): the person
    attacked across time and the most — distinct days of hostile turns at them (``primary_days``), then those
    turns' scores summed, then distinct attackers, then the earliest — not the raid with the most messages (every
    raider turn in a long span, a defender's loud exchange with the bullies, counts there)."""
    if not st.primary_by_attacks:
        return (-len(e.messages),)
    # the days of its hostile turns at the target, continuation included (another day's attacks join as messages)
    attacks = [t for t in e.messages if t.hostile and e.target in t.targets] + e.hostile
    days = len({t.m.created_at.date() for t in attacks}) if st.primary_days else 1
    return (
        -days,
        -round(e.strength, 6),
        -len({h.author for h in e.hostile}),
        e.hostile[0].m.created_at.timestamp(),
    )


_FIRST_PERSON = re.compile(r"\b(?:je|j|moi|me|m|mon|ma|mes|i|me|my)\b")
_OTHER_PERSON = re.compile(
    r"\b(?:le|la|lui|il|elle|sa|son|ses|qqn|quelqu'un|quelqu un|them|him|her|she|he)\b"
)


def _speaks_for_another(t: Turn, raiders: set[str]) -> bool:
    """A turn that stands up for someone else: hostile at the raiders, or a defence in the third person
    ("vous le visez", "il a autant le droit") without "je/moi/me" (a victim defends themself in the first
    person: "vous avez un problème avec moi")."""
    if t.hostile and set(t.targets) & raiders:
        return True
    if t.stance != "defend":
        return False
    folded = cues.fold(t.m.text or "").replace("'", " ")
    return bool(_OTHER_PERSON.search(folded)) and not _FIRST_PERSON.search(folded)


def _is_shield(e: Episode, ts: list[Turn]) -> bool:
    """The "target" of ``e`` mostly stands up for someone else (third-person defence, hitting the raiders)."""
    raiders = set(e.raiders)
    mine = [t for t in ts if t.author == e.target and e.start <= t.m.created_at <= e.end]
    return bool(mine) and 2 * sum(_speaks_for_another(t, raiders) for t in mine) >= len(mine)


def _merge_shields(accepted: list[Episode], ts: list[Turn], window: timedelta) -> list[Episode]:
    """A pile-on whose "target" is a defender: when the same raiders attack another member of the chat
    (within ``window``) who is not such a shield, the defender's episode joins that member's raid (the
    defender is ``also_targeted``): the raid is aimed at the person defended, talked about as "il/elle"."""
    shields = [e for e in accepted if _is_shield(e, ts)]
    out = list(accepted)
    for s in shields:
        host = next(
            (
                h
                for h in accepted
                if h is not s
                and h in out
                and h not in shields
                and h.target not in s.raiders
                and set(h.raiders) & set(s.raiders)
                and h.start <= s.end + window
                and s.start <= h.end + window
            ),
            None,
        )
        if host is None:
            continue
        known = {t.uid for t in host.messages}
        host.messages.extend(t for t in s.messages if t.uid not in known)
        host.messages.sort(key=lambda x: (x.m.created_at, x.uid))
        known_h = {t.uid for t in host.hostile}
        host.hostile.extend(t for t in s.hostile if t.uid not in known_h)
        host.hostile.sort(key=lambda x: (x.m.created_at, x.uid))
        host.raiders.extend(r for r in s.raiders if r not in host.raiders and r != host.target)
        if s.target not in host.also_targeted:
            host.also_targeted.append(s.target)
        out.remove(s)
    return out


def _continue(accepted: list[Episode], ts: list[Turn], window: timedelta) -> None:
    """The same raiders attacking the same target again (another day, alone or together, within ``window`` of
    the raid) continue that raid (CP 222-33-2-2: "one after the other"): their hostile turns at the target join
    its messages, so the raid's timeline runs to the last act."""
    taken = {t.uid for e in accepted for t in e.messages}
    for e in accepted:
        raiders = set(e.raiders)
        start, end = e.start - window, e.end + window
        extra = [
            t
            for t in ts
            if t.hostile
            and t.author in raiders
            and e.target in t.targets
            and t.uid not in taken
            and start <= t.m.created_at <= end
        ]
        if extra:
            e.messages.extend(extra)
            e.messages.sort(key=lambda x: (x.m.created_at, x.uid))
            taken |= {t.uid for t in extra}


def _extend(accepted: list[Episode], ts: list[Turn], st: Settings) -> None:
    """With the learned model, after continuation (session 4b, ``late_marks``): a raider's turn within that time of
    the raid's span that reads as an attacker's (``p_r`` >= ``raider_min``), not a defence or conciliation, is a raid
    message (the same bully mocking again a few hours later, a supporter's laugh the next morning); ``late_about``:
    a raider's turn that speaks to or about the target within that time of the span is one too."""
    taken = {t.uid for e in accepted for t in e.messages}
    for e in accepted:
        start, end = e.start, e.end
        raiders = set(e.raiders)
        near, far = st.late_marks, st.late_about
        new = [
            t
            for t in ts
            if t.author in raiders
            and t.uid not in taken
            and not t.stance
            and (
                (near is not None and t.p_r >= st.raider_min and start - near <= t.m.created_at <= end + near)
                or (
                    far is not None
                    and (e.target in t.to or e.target in t.about)
                    and start - far <= t.m.created_at <= end + far
                )
            )
        ]
        e.messages.extend(new)
        taken |= {t.uid for t in new}
        e.messages.sort(key=lambda x: (x.m.created_at, x.uid))


def _candidate_episodes(
    cu: str, ts: list[Turn], st: Settings, excluded: set[tuple[str, str]]
) -> list[Episode]:
    per_target: dict[str, list[Turn]] = defaultdict(list)
    for t in ts:
        if not t.hostile:
            continue
        for target in t.targets:
            if target != t.author and (t.author, target) not in excluded:
                per_target[target].append(t)
    eps: list[Episode] = []
    for target, hs in per_target.items():
        cluster: list[Turn] = []
        for h in [*hs, None]:
            if h is not None and (not cluster or h.m.created_at - cluster[-1].m.created_at <= st.gap):
                cluster.append(h)
                continue
            ep = _episode(cu, target, cluster, ts, st)
            if ep is not None:
                eps.append(ep)
            cluster = [h] if h is not None else []
    return eps


def _raider_floor(st: Settings) -> float:
    """The raider filter's mean attacker probability: ``raider_min_checked`` when the learned raid check reads the
    raids (session 14b), else ``raider_min``."""
    if st.raid_model == "shipped":
        checked = isinstance(st.model, ContextModel) and load_raid_model() is not None
    else:
        checked = st.raid_model is not None
    return st.raider_min_checked if checked and st.raider_min_checked is not None else st.raider_min


def _episode(cu: str, target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> Episode | None:
    if st.model is not None and st.raider_min > 0 and hostile:
        # The learned attacker head: an author whose turns around the attack do not read as an attacker's
        # (a defender hitting back, a friend's one joke) is not a raider.
        start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
        around: dict[str, list[float]] = defaultdict(list)
        for t in ts:
            if start <= t.m.created_at <= end:
                around[t.author].append(t.p_r)
        floor = _raider_floor(st)
        keep = {a for a, ps in around.items() if sum(ps) / len(ps) >= floor}
        if st.persistent_min:
            # Session 5: an author hostile to the target again and again (3 turns) is an attacker even when their
            # other turns are chit-chat that brings their mean attacker probability down to 0.4-0.6 (a supporter's
            # "mdr", "grave", "+1" between jokes at the target): they stay, unless their turns read as a bystander's.
            hits: dict[str, int] = defaultdict(int)
            for h in hostile:
                if not st.persistent_explicit or h.how.get(target) not in GUESSED:
                    hits[h.author] += 1
            answered = {  # the target hits them back: a two-way exchange (friends trading jibes), not a pile-on
                u
                for t in ts
                if t.author == target and t.hostile and start <= t.m.created_at <= end
                for u in t.targets
            }
            keep |= {
                a
                for a, n in hits.items()
                if n >= st.persistent_min
                and a not in answered
                and sum(around[a]) / len(around[a]) >= st.persistent_pr
            }
        hostile = [h for h in hostile if h.author in keep]
    if st.counter_speech and hostile:
        hostile = _without_counter_speakers(target, hostile, ts, st)
    if st.model is not None and st.apology_window is not None and hostile:
        closed_h, closed_t = _closed(target, hostile, ts, st.apology_window)
        if closed_h:
            hostile = [h for h in hostile if h.uid not in closed_h]
            ts = [t for t in ts if t.uid not in closed_t and t.uid not in closed_h]
    authors = list(dict.fromkeys(h.author for h in hostile))
    strong = [h for h in hostile if h.hostile != "context"]  # lexicon, detector or revealed by a reaction
    if len(authors) < st.min_authors or len(hostile) < st.min_messages or len(strong) < st.min_strong:
        return None
    if sum(max(h.score, h.p_h) for h in hostile) < st.min_strength - 1e-6:
        return None
    rejected = (
        (st.banter_check and _banter(target, hostile, ts, st))
        # session 8, with the learned model (on the rules alone neither check raided fewer civil chats, and each lost
        # a right target: chatw6_01, chatw4_07)
        or (
            st.model is not None
            and st.pile_window is not None
            and not _piles_up(hostile, min(st.min_authors, 2), st.pile_window)
        )
        or (st.model is not None and st.diffuse_min and _diffuse(target, hostile, ts, st))
        or (
            st.model is not None
            and (st.row_ratio is not None or st.row_mutual)
            and _row(target, hostile, ts, st)
        )
        or (st.model is not None and st.warm_target and _with_them(target, hostile, ts, st))
        or (st.model is not None and st.aimed_min and _unaimed(target, hostile, ts, st))
        or (st.model is not None and st.reciprocal_min and _reciprocal(target, hostile, ts, st))
    )
    if rejected:
        if st.raid_capture is not None and st.model is not None:  # training rows of the learned raid check
            seen = Episode("", cu, target, hostile, authors, authors[0], list(hostile))
            st.raid_capture.append((cu, target, list(authors), episode_features(seen, ts), "rejected"))
        return None
    start = hostile[0].m.created_at - st.margin
    end = hostile[-1].m.created_at + st.margin
    raiders = set(authors)
    if st.model is not None and st.join_min > 0:
        # Supporters whose turns read as an attacker's (laughs, "+1", echoes) though none was hostile enough
        # on its own: they join the raid; never someone who defends, conciliates or hits the raiders.
        per: dict[str, list[Turn]] = defaultdict(list)
        for t in ts:
            if start <= t.m.created_at <= end:
                per[t.author].append(t)
        for a, mine in per.items():
            if (
                a in raiders
                or a == target
                or any(t.stance or (t.hostile and set(t.targets) & raiders) for t in mine)
            ):
                continue
            if sum(t.p_r for t in mine) / len(mine) >= st.join_min:
                authors.append(a)
                raiders.add(a)
    hostile_ids = {h.uid for h in hostile}
    members: list[Turn] = []
    defenders: list[str] = []
    conciliators: list[str] = []
    mark = st.mark_margin if st.mark_margin is not None else st.margin
    for t in ts:
        if not start <= t.m.created_at <= end:
            if (
                t.author in raiders
                and not t.stance
                and hostile[0].m.created_at - mark <= t.m.created_at <= hostile[-1].m.created_at + mark
            ):
                members.append(t)  # a raider's turn in the wider marking span (``mark_margin``)
            continue
        if (
            t.uid in hostile_ids
            or t.author in raiders
            and not t.stance
            and (
                target in t.to
                or target in t.about
                or (not t.to and not t.about)
                or set(t.to) & raiders
                or (st.mark_hostile_turns and t.hostile)  # a raider hitting whoever intervenes
                or st.all_raider_turns
            )
        ):
            members.append(t)
        elif t.author not in raiders and t.author != target:
            if t.stance == "conciliate" and t.author not in conciliators:
                conciliators.append(t.author)
            elif (
                t.stance == "defend" or (t.hostile and set(t.targets) & raiders)
            ) and t.author not in defenders:
                defenders.append(t.author)
    # The initiator leads the attack: most hostile turns of their own (lexicon or detector), then earliest.
    own = [h for h in hostile if h.hostile in ("lexicon", "finding", "model")] or strong
    first_at = {
        a: min((k for k, h in enumerate(hostile) if h.author == a), default=len(hostile)) for a in authors
    }
    if st.initiator_by in ("all_hostile", "turns"):
        # session 9: the raiders' hostile turns in the raid at anyone (the bully turning on a defender leads too)
        pool = [t for t in members if t.hostile in ("lexicon", "finding", "model") and t.author in authors]
        own = pool or own
    cands = {h.author for h in own}
    if st.initiator_by == "turns":
        # session 16b: the bully writes most in the raid — every turn marked as the raid's, hostile or not (the
        # orders, the jokes the others laugh at, the follow-ups); then the most hostile turns, then the earliest
        said = Counter(t.author for t in members)
        initiator = min(cands, key=lambda a: (-said[a], -sum(1 for h in own if h.author == a), first_at[a]))
    elif st.initiator_by == "first":
        most = max(sum(1 for h in own if h.author == a) for a in cands)
        cands = {a for a in cands if 2 * sum(1 for h in own if h.author == a) >= most}
        initiator = min(cands, key=lambda a: first_at[a])
    else:
        initiator = min(cands, key=lambda a: (-sum(1 for h in own if h.author == a), first_at[a]))
    return Episode(
        id=stable_id(cu, target, hostile[0].uid, prefix="ep_", length=16),
        community_uid=cu,
        target=target,
        hostile=hostile,
        raiders=[initiator, *[a for a in authors if a != initiator]],
        initiator=initiator,
        messages=members,
        defenders=defenders,
        conciliators=[c for c in conciliators if c not in defenders],
    )


APOLOGY_TURNS = 8  # how many turns after the hit an apology may come (and within ``Settings.apology_window``)
APOLOGY_HITS = (
    2  # an apology closes one incident: not an author with more hostile turns at the target than this
)


def _apology(t: Turn) -> bool:
    """An apology for what one said (``cues.APOLOGY``), not comfort or lateness, in a turn no detector or lexicon
    reads as hostile ("dsl mais t'es nul" is no apology; the learned model's context reading is not enough: an author
    who just hit someone reads as an attacker)."""
    if t.hostile in ("finding", "lexicon"):
        return False
    folded = cues.fold(t.m.text or "")
    return bool(cues.APOLOGY.search(folded)) and not cues.NOT_APOLOGY.search(folded)


def _closed(target: str, hostile: list[Turn], ts: list[Turn], window: timedelta) -> tuple[set[str], set[str]]:
    """Session 13 (``Settings.apology_window``): incidents closed by an apology. An author of ``hostile`` who, within
    ``APOLOGY_TURNS`` turns and ``window`` after hitting the target, apologises to them (to or about them, in reply to
    them or to the hit, or to no one right after the target or the hit), has no more than ``APOLOGY_HITS`` hostile turns
    at the target in all (one incident, not a string of attacks) and does not hit them again within 6 h: their
    hostile turns at the target in ``window`` before the apology, and the hurt and defences (any author but theirs)
    between the first of those and the apology. Returns (closed hostile turn uids, closed other turn uids)."""
    idx = {t.uid: k for k, t in enumerate(ts)}
    by_id = {t.m.message_id: t for t in ts}
    closed_h: set[str] = set()
    closed_t: set[str] = set()
    for h in hostile:
        k0 = idx.get(h.uid)
        if k0 is None or h.uid in closed_h:
            continue
        for k in range(k0 + 1, min(len(ts), k0 + 1 + APOLOGY_TURNS)):
            t = ts[k]
            if t.m.created_at - h.m.created_at > window:
                break
            if t.author != h.author or not _apology(t):
                continue
            parent = by_id.get(t.m.parent_id or "")
            aimed = (
                target in t.to
                or target in t.about
                or (parent is not None and (parent.author == target or parent.uid == h.uid))
                or (
                    not t.to
                    and not t.about
                    and any(ts[j].author == target or ts[j].uid == h.uid for j in range(max(k0, k - 3), k))
                )
            )
            if not aimed:
                continue
            if sum(1 for x in hostile if x.author == h.author and x.uid != t.uid) > APOLOGY_HITS:
                break  # a bully's "sorry" after a string of attacks closes nothing
            if any(
                x.author == h.author
                and timedelta(0) < x.m.created_at - t.m.created_at <= timedelta(hours=6)
                and x.uid != t.uid
                for x in hostile
            ):
                break  # hits again after saying sorry: the apology closes nothing
            mine = [
                x
                for x in hostile
                if x.author == h.author and timedelta(0) <= t.m.created_at - x.m.created_at <= window
            ]
            closed_h |= {x.uid for x in mine}
            closed_h.add(t.uid)  # the apology itself (the model may read it in its hostile context)
            first = min(idx[x.uid] for x in mine if x.uid in idx)
            closed_t |= {
                x.uid
                for x in ts[first:k]
                if x.author != h.author and not x.hostile and (x.distress or x.stance or x.strong_defence)
            }
            break
    return closed_h, closed_t


def _without_counter_speakers(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> list[Turn]:
    """Defenders who insult the bullies back are not raiders. The *core* attackers hit the target explicitly
    (lexicon or detector, the target named, replied to or told "tu"); another author who, around the attack,
    hits a core attacker explicitly (lexicon or detector, the attacker named) or protects someone ("laissez-la tranquille"), and whose own turns at the
    target are only guessed or learned, is a defender whose words were misread: their turns leave the raid."""
    core = {
        h.author for h in hostile if h.hostile in ("lexicon", "finding") and h.how.get(target) not in GUESSED
    }
    if not core:
        return hostile
    start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
    attacker: set[str] = set()
    if st.model is not None and st.counter_pr is not None:
        # session 7: an author whose turns around the attack read as an attacker's (mean p_r >= counter_pr) and who
        # protects nobody is a raider bickering with a fellow raider ("wsh c toi qui l'as filmée"), not a defender
        around: dict[str, list[float]] = defaultdict(list)
        for t in ts:
            if start <= t.m.created_at <= end:
                around[t.author].append(t.p_r)
        attacker = {a for a, ps in around.items() if sum(ps) / len(ps) >= st.counter_pr}
    counter: set[str] = set()
    for t in ts:
        if t.author in core or t.author == target or not start <= t.m.created_at <= end:
            continue
        if t.author in attacker and not t.strong_defence:
            continue
        if (
            t.strong_defence
            or (
                t.hostile in ("lexicon", "finding")
                and any(u in core and t.how.get(u) not in GUESSED for u in t.targets)
            )
            or (st.counter_tu and t.hostile and _hits_back(t, core))
        ):
            counter.add(t.author)
    return [h for h in hostile if h.author not in counter]


def _banter(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> bool:
    """Friends teasing: the "target" laughs along or shows affection, is never hurt, nobody defends them."""
    start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
    window = [t for t in ts if start <= t.m.created_at <= end]
    mine = [t for t in window if t.author == target]
    if not mine:
        return False
    attackers = {h.author for h in hostile}
    light = sum(
        1
        for t in mine
        if _light(cues.fold(t.m.text), st)
        or (st.roast_back and _retort(t, attackers))
        or (st.banter_first_person and _comeback(t, attackers))
    )
    hurt = any(
        t.distress
        or (
            t.stance == "defend"
            and not (st.banter_first_person and not _FIRST_PERSON.search(cues.fold(t.m.text or "")))
        )
        for t in mine
    )
    hostile_ids = {h.uid for h in hostile}
    defended = any(
        t.author != target
        and not (st.banter_attacker_defence and t.author in attackers)
        and (t.strong_defence or t.stance == "defend")
        and not t.hostile
        and (
            not st.banter_aimed
            or target in t.to
            or target in t.about
            or (
                not (t.to or t.about)
                and (not st.banter_loose_defence or _after_target(k, window, target, hostile_ids))
            )
        )
        for k, t in enumerate(window)
    )
    if defended:
        return False
    if light * 3 >= len(mine) and not hurt:
        return True
    # shouting over a match: the "target" is never hurt ("courage" to a friend is no defence of themself)
    # (with the learned model only: on the rules alone it raided no fewer civil chats and lost chatw1_14's goalkeeper)
    return (
        st.model is not None
        and st.match_talk > 0
        and not any(t.distress for t in mine)
        and _match_talk(window) >= st.match_talk
    )


def _comeback(t: Turn, attackers: set[str]) -> bool:
    """Session 9 (``Settings.banter_first_person``): the teased person's comeback at a teaser that reads as a
    defence only by its words ("t'es jaloux ilyes t'as rien marqué"): second person to an attacker, not in the first
    person, not hostile, no distress, no plea."""
    if t.stance != "defend" or not set(t.to) & attackers or t.distress or t.hostile or t.strong_defence:
        return False
    folded = cues.fold(t.m.text or "")
    return (
        "?" not in folded
        and bool(_ROAST_YOU.search(folded))
        and not _FIRST_PERSON.search(folded)
        and not cues.DISTRESS.search(folded)
        and not _PLEA.search(folded)
    )


def _piles_up(hostile: list[Turn], n: int, span: timedelta) -> bool:
    """At least ``n`` distinct authors among the hostile turns within ``span`` of one another, somewhere."""
    for i, h in enumerate(hostile):
        authors = set()
        for x in hostile[i:]:
            if x.m.created_at - h.m.created_at > span:
                break
            authors.add(x.author)
        if len(authors) >= n:
            return True
    return False


DIRECT = frozenset(
    {
        "mention",
        "name+tu",
        "name+3rd",
        "vocative",
        "name",
        "name-object",
        "name-subject",
        "reply",
        "tu-after-turn",
    }
)


def _diffuse(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> bool:
    """Session 8 (``Settings.diffuse_min``): everybody is under fire, nobody is singled out — a roast where everyone
    roasts back, two camps insulting each other's team, a row between equals. Around the attack, at least
    ``diffuse_min`` members other than the "target" are each attacked (named, replied to or told "tu": the turn's own
    words, before any re-aiming) by two or more authors, while the "target" is neither hurt (distress, or a defence of
    themself in the first person) nor defended by anyone else. In a pile-on the victim is hurt or defended, or the
    hostility is aimed at them."""
    start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
    window = [t for t in ts if start <= t.m.created_at <= end]
    attackers = {h.author for h in hostile}
    by: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    gives = 0  # the target's own hostile turns at others, as written
    for t in window:
        if not t.hostile:
            continue
        for u in {*t.to, *t.about, *t.targets}:
            if u != t.author and t.how.get(u) in DIRECT:
                by[u].add(t.author)
                count[u] += 1
                gives += t.author == target
    if sum(1 for u, authors in by.items() if u != target and len(authors) >= 2) < st.diffuse_min:
        return False
    others = max((n for u, n in count.items() if u != target), default=0)
    got = count.get(target, 0)
    if st.diffuse_single and got >= st.diffuse_single * others and 2 * gives < got:
        return (
            False  # singled out: attacked (as written) clearly more than anyone else, and not giving as much
        )
    return not _hurt_or_defended(target, hostile, window, attackers)


def _with_them(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> bool:
    """Session 10 (``Settings.warm_target``): no hostile turn names, answers or says "tu" to the "target", who shows
    the "attackers" affection (to them, answering them, or to the group; thanks alone are not enough), never pleads
    with them or defends herself to them, and nobody else defends her: they are on her side (insulting someone
    outside the chat: an ex, a teacher), not attacking her. Her sadness said to nobody ("j'arrive pas à arrêter de
    pleurer") is about the one outside."""
    if any(h.how.get(target) in DIRECT for h in hostile):
        return False
    start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
    window = [t for t in ts if start <= t.m.created_at <= end]
    attackers = {h.author for h in hostile}
    by_uid = {t.m.message_id: t for t in window}
    warm = False
    for t in window:
        if t.author != target:
            continue
        folded = cues.fold(t.m.text or "")
        parent = by_uid.get(t.m.parent_id or "")
        to_them = bool(set(t.to) & attackers) or (parent is not None and parent.author in attackers)
        if (t.distress or t.stance == "defend") and (
            to_them or cues.SECOND_PERSON.search(folded) or cues.SECOND_PLURAL.search(folded)
        ):
            return False  # hurt by them: a plea or a defence that speaks to them ("arrêtez de parler de moi")
        # affection, not thanks: a victim's dry "Merci." to the group is politeness (chatw6_05)
        if not t.hostile and cues.AFFECTION.search(cues.GRATITUDE.sub(" ", folded)) and (to_them or not t.to):
            warm = True
    return warm and not _defended(target, hostile, window, attackers)


def _hurt(target: str, hostile: list[Turn], window: list[Turn], attackers: set[str], st: Settings) -> bool:
    """The target is hurt or defended (``_hurt_or_defended``), or (``victim_cues``) leaves, gives up, pleads."""
    if _hurt_or_defended(target, hostile, window, attackers):
        return True
    by_uid = {t.m.message_id: t for t in window}
    for t in window:
        if t.author != target or t.hostile:
            continue
        folded = cues.fold(t.m.text or "")
        if st.victim_cues and cues.HURT.search(folded) and not cues.LAUGH.search(folded):
            return True
        parent = by_uid.get(t.m.parent_id or "")
        to_them = bool(set(t.to) & attackers) or (parent is not None and parent.author in attackers)
        if (t.stance == "defend" or _PLEA.search(folded)) and (
            to_them or cues.SECOND_PERSON.search(folded) or cues.SECOND_PLURAL.search(folded)
        ):
            return True  # a plea or a defence said to them ("arrêtez svp", "j'ai rien dit bilal")
    return False


def _reciprocal(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> bool:
    """Session 12 (``Settings.reciprocal_min``): the "target" gives as good as they get — hostile, as written (named,
    answered, told "tu"), to at least ``reciprocal_min`` distinct "attackers" around the attack — and is neither hurt
    nor defended: a roast among friends, not a pile-on."""
    start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
    window = [t for t in ts if start <= t.m.created_at <= end]
    attackers = {h.author for h in hostile}
    hit = {
        u
        for t in window
        if t.author == target and t.hostile and not t.stance
        for u in t.targets
        if u in attackers and t.how.get(u) in DIRECT
    }
    if len(hit) < st.reciprocal_min:
        return False
    first, last = hostile[0].m.created_at, hostile[-1].m.created_at
    if not any(
        t.author == target
        and first <= t.m.created_at <= last
        and cues.LAUGH.search(cues.fold(t.m.text or ""))
        for t in window
    ):
        return False  # the target never laughs while under fire: hitting back is self-defence, not a game
    # who "defends" the target: not someone the target hit (forgiving them: "c bon t'inquiète"), nor a reproach right
    # after the target's own hostile turn ("c'est pas drôle ça")
    hit_by_target = {u for t in window if t.author == target and t.hostile for u in t.targets}
    others = [
        t
        for k, t in enumerate(window)
        if t.author not in hit_by_target
        and not (k and window[k - 1].author == target and window[k - 1].hostile and not (t.to or t.about))
    ]
    return not _hurt(target, hostile, others, attackers, st)


def _unaimed(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> bool:
    """Session 12 (``Settings.aimed_min``): fewer than ``aimed_min`` authors aim their hostility at the "target" as
    written — by name, mention, vocative, platform reply, or "tu" right after the target's own turn — and the target is
    neither hurt (distress, a first-person defence, ``cues.HURT``) nor defended, nor the member who never writes:
    hostile messages near each other, their link to the target guessed (a row, venting about someone outside the
    chat, friends roasting each other), not a pile-on."""
    prev: dict[str, Turn] = {}
    last: Turn | None = None
    for t in ts:
        if last is not None:
            prev[t.uid] = last
        if not t.reaction:
            last = t
    aimed = set()
    for h in hostile:
        how = h.how.get(target)
        if how in EXPLICIT or (
            how == "tu-after-turn" and (p := prev.get(h.uid)) is not None and p.author == target
        ):
            aimed.add(h.author)
    if len(aimed) >= st.aimed_min:
        return False
    if not any(t.author == target for t in ts):
        return False  # the member who never writes: talked about, never answering
    # the target's hurt or a defence of them may come later than the guessed hits (a victim talked about as "she"
    # who writes an hour after): the same day
    span = timedelta(hours=6)
    start, end = hostile[0].m.created_at - span, hostile[-1].m.created_at + span
    window = [t for t in ts if start <= t.m.created_at <= end]
    if any(t.dox and (t.dox_call or target in t.to or target in t.about) for t in window):
        return False  # their personal information posted: an attack, however it is worded
    return not _hurt(target, hostile, window, {h.author for h in hostile}, st)


def _hurt_or_defended(target: str, hostile: list[Turn], window: list[Turn], attackers: set[str]) -> bool:
    """The "target" is hurt (distress, a defence of themself in the first person) or someone other than the attackers
    defends them (session 8's test in ``_diffuse``, shared in session 10)."""
    for t in window:
        if t.author != target:
            continue
        folded = cues.fold(t.m.text or "").replace("'", " ")
        if t.distress or (t.stance == "defend" and _FIRST_PERSON.search(folded)):
            return True  # the target is hurt
    return _defended(target, hostile, window, attackers)


def _defended(target: str, hostile: list[Turn], window: list[Turn], attackers: set[str]) -> bool:
    """Someone other than the target and the attackers defends the target: to or about them, or unaddressed right after
    them or an attack on them."""
    hostile_ids = {h.uid for h in hostile}
    return any(
        t.author != target
        and t.author not in attackers
        and (t.strong_defence or t.stance == "defend")
        and not t.hostile
        and (
            target in t.to
            or target in t.about
            or (not (t.to or t.about) and _after_target(k, window, target, hostile_ids))
        )
        for k, t in enumerate(window)
    )


def _row(target: str, hostile: list[Turn], ts: list[Turn], st: Settings) -> bool:
    """Session 10: two sides trading blows, not several people piling on one. ``Settings.row_mutual``: the
    "attackers" insult each other both ways at least as often as they hit the target as written, the target neither
    hurt nor defended. ``Settings.row_ratio`` (off): around the attack the "target" writes at least that share of the
    hostile turns they receive (at anyone), unless hurt or defended (``row_hurt``)."""
    start, end = hostile[0].m.created_at - st.margin, hostile[-1].m.created_at + st.margin
    window = [t for t in ts if start <= t.m.created_at <= end]
    attackers = {h.author for h in hostile}
    if st.row_ratio is not None:
        gives = sum(
            1 for t in window if t.author == target and t.hostile and any(u != target for u in t.targets)
        )
        if gives >= st.row_ratio * len(hostile) and not (
            st.row_hurt and _hurt_or_defended(target, hostile, window, attackers)
        ):
            return True
    if st.row_mutual:
        # the "attackers" fight each other (both ways, as written) at least as often as they hit the target as
        # written, and the target is neither hurt nor defended: the camps of a row, not a pile-on's crew
        pair: dict[tuple[str, str], int] = defaultdict(int)
        for t in window:
            if t.author in attackers and t.hostile:
                for u in t.targets:
                    if u in attackers and u != t.author and t.how.get(u) in DIRECT:
                        pair[(t.author, u)] += 1
        mutual = sum(n for (a, b), n in pair.items() if pair.get((b, a)))
        direct = sum(1 for h in hostile if h.how.get(target) in DIRECT)
        if mutual and mutual >= direct and not _hurt_or_defended(target, hostile, window, attackers):
            return True
    return False


def _after_target(k: int, window: list[Turn], target: str, hostile_ids: set[str]) -> bool:
    """The turn before ``window[k]`` is the target's or an attack on them (what an unaddressed defence answers)."""
    if k == 0:
        return True  # the turn before lies outside the window: keep the defence (as before session 6b)
    prev = window[k - 1]
    return prev.author == target or prev.uid in hostile_ids


def _retort(t: Turn, attackers: set[str]) -> bool:
    """Session 6 (``Settings.roast_back``): the teased person roasting one of the teasers back ("t es coiffé comme un
    playmobil", to the one who laughed at their haircut): second person to an attacker, not hurt, no defence."""
    if not set(t.to) & attackers or t.distress or t.stance or t.hostile:
        return False
    folded = cues.fold(t.m.text or "")
    return (
        "?"
        not in folded  # "are you threatening me now??", "c quoi le probleme": a victim asking, not roasting
        and bool(_ROAST_YOU.search(folded))
        and not cues.DISTRESS.search(folded)
        and not cues.DEFENCE.search(folded)
        and not _PLEA.search(folded)
    )


# a description of the teaser ("t es coiffé comme…", "tu peux parler avec ta moustache", "your aim is…")
# a request to the teaser ("supprime ta photo stp", "take it down") is no roast
_PLEA = re.compile(
    r"\b(?:stp|svp|s'il te plait|s'il vous plait|please|pls|plz|supprime|efface|enleve|retire|delete|take (?:it|that) down|"
    r"arrete|arretez|stop|laisse[- ]moi|leave me)\b"
)
_ROAST_YOU = re.compile(r"\b(?:t'es|t es|tes|t'as|t as|tas|ta|ton|tes|you're|ur|your)\b")


def _match_talk(window: list[Turn]) -> float:
    """Share of the turns in ``window`` that comment on a match (``cues.MATCH_TALK``)."""
    return sum(1 for t in window if cues.MATCH_TALK.search(cues.fold(t.m.text or ""))) / max(len(window), 1)


def _light(folded: str, st: Settings) -> bool:
    """A turn of the teased person that laughs along or shows affection. Session 5: thanks ("merci mehdi, oui je
    veux bien", "merci à ceux qui m'ont soutenue") are gratitude to whoever helped, not laughing along with the
    teasing (``Settings.thanks_not_banter``)."""
    if cues.LAUGH.search(folded):
        return True
    if st.thanks_not_banter:
        folded = cues.GRATITUDE.sub(" ", folded)
    return bool(cues.AFFECTION.search(folded))


# -- campaigns ---------------------------------------------------------------------------------------------
def _campaigns(ctx: DetectionContext, turns: dict[str, Turn], st: Settings) -> list[Campaign]:
    """The same author(s) hostile to the same person (by name, across threads and groups) on several days."""
    per: dict[str, list[Turn]] = defaultdict(list)
    shown: dict[str, str] = {}
    attacker: dict[tuple[str, str], list[float]] = defaultdict(list)  # (community, author) -> p_r
    for t in turns.values():
        attacker[(t.m.community_uid, t.author)].append(t.p_r)
    for t in turns.values():
        if not t.hostile or t.hostile == "context":
            continue
        if t.hostile == "model":  # a learned guess counts when its author reads as an attacker
            ps = attacker[(t.m.community_uid, t.author)]
            if sum(ps) / len(ps) < st.raider_min:
                continue
        for target in t.targets:
            ref = ctx.members.get(target)
            key = cues.fold(ref.name).strip() if ref else target
            if ref and cues.fold(t.m.author.name).strip() == key:
                continue
            per[key].append(t)
            shown.setdefault(key, ref.name if ref else target)
    out: list[Campaign] = []
    for key, ts in per.items():
        ts.sort(key=lambda x: x.m.created_at)
        by_author: dict[str, list[Turn]] = defaultdict(list)
        for t in ts:
            by_author[cues.fold(t.m.author.name).strip()].append(t)
        keep = [t for a, xs in by_author.items() for t in xs if len(xs) >= 2 or len(by_author) >= 2]
        days = sorted({t.m.created_at.astimezone(PARIS).date().isoformat() for t in keep})
        if len(days) < st.campaign_days or len(keep) < st.campaign_messages:
            continue
        keep.sort(key=lambda x: x.m.created_at)
        authors = list(dict.fromkeys(t.author for t in keep))
        out.append(
            Campaign(
                id=stable_id(key, keep[0].uid, prefix="cp_", length=16),
                target_key=key,
                target=shown[key],
                authors=authors,
                turns=keep,
                days=days,
            )
        )
    return out


# -- doxxing -----------------------------------------------------------------------------------------------
# a time of day: "à 18h", "16h30", "7:32", "4pm" (session 11: English)
_CLOCK = re.compile(r"\b\d{1,2}\s?h\d{0,2}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}(?:[:.]\d{2})?\s?(?:am|pm)\b")


def _doxxing(turns: dict[str, Turn], episodes: list[Episode], st: Settings | None = None) -> list[Turn]:
    """Personal information posted with hostility, inside a raid, at a current target, or with a call to go."""
    raid_members = {t.uid for e in episodes for t in e.messages}
    targets_at: dict[str, list[Any]] = defaultdict(list)
    for t in turns.values():
        for target in t.targets if t.hostile else []:
            targets_at[target].append(t.m.created_at)
    out: list[Turn] = []
    for t in turns.values():
        if not t.dox:
            continue
        subjects = [u for u in t.about + t.to if u != t.author]
        st = st or Settings()
        lo = 0 if st.dox_past else -86400  # session 6: attacks before the message (or at it), not after
        hot = any(
            any(lo <= (t.m.created_at - w).total_seconds() < 86400 for w in targets_at.get(s, []))
            for s in subjects
        )
        if (
            st.dox_schedule
            and set(t.dox) == {"schedule"}
            and not _CLOCK.search(t.m.text or "")
            and not t.dox_call
            and t.hostile not in ("lexicon", "finding")
        ):
            continue  # session 6: a rota or a night shift mentioned, not someone's schedule exposed
        if t.hostile or t.dox_call or t.uid in raid_members or hot:
            if not t.targets:
                t.targets = subjects
            out.append(t)
    # a call to go there ("allez sonner chez lui", "vous savez où les trouver") right after a disclosure is part
    # of it, although it repeats no information
    found = {t.uid for t in out}
    last: dict[str, Turn] = {}
    for t in turns.values():
        cu = t.m.community_uid
        prev = last.get(cu)
        if t.uid in found:
            last[cu] = t
        elif (
            prev is not None
            and not t.dox
            and not t.stance
            and t.author != (prev.targets[0] if prev.targets else None)
            and 0 <= (t.m.created_at - prev.m.created_at).total_seconds() <= 900
            and cues.dox_call(own := cues.unquoted(cues.fold(t.m.text or "")))
            and cues.DOX_FOLLOW_UP.search(own)
        ):
            t.dox, t.dox_call = list(prev.dox), True
            if not t.targets:
                t.targets = list(prev.targets)
            out.append(t)
            last[cu] = t
    if (st or Settings()).dox_before_call:
        # session 7: the same author's disclosure just before their call to go there ("X habite résidence les
        # Tilleuls, bat C" then "il sort du conservatoire le mardi à 20h … on l'attend devant") is part of it
        calls = [t for t in out if t.dox_call]
        for t in turns.values():
            if not t.dox or t.uid in found or t.stance:
                continue
            call = next(
                (
                    c
                    for c in calls
                    if c.author == t.author
                    and c.m.community_uid == t.m.community_uid
                    and 0 < (c.m.created_at - t.m.created_at).total_seconds() <= 900
                ),
                None,
            )
            if call is not None:
                if not t.targets:
                    t.targets = list(call.targets)
                out.append(t)
                found.add(t.uid)
        out.sort(key=lambda x: (x.m.created_at, x.uid))
    echo = (st or Settings()).dox_echo
    if echo:
        out = _dox_echo(turns, out, raid_members, echo)
    return out


_DETAIL_TOKEN = re.compile(
    r"\b(?:[a-z]*\d[a-z0-9]*|parking|gymnase|portail|arret|gare|station|residence|batiment|bat|interphone|"
    r"boulangerie|pharmacie|clinique|cabinet|salle|stade|club|conservatoire|piscine|centre|sortie|parc)\b"
)
_CLOCK_TOKEN = re.compile(r"\d{1,2}h\d{0,2}|\d{1,4}")


def _details(text: str) -> set[str]:
    """The place details of a disclosure another message can repeat: a spot with a digit ("p2", "bat b3"), a place
    word ("parking", "gymnase") — not a time nor a bare number (a time repeated alone is a reply, "mercredi 18h
    noté")."""
    return {w for w in _DETAIL_TOKEN.findall(cues.fold(text)) if not _CLOCK_TOKEN.fullmatch(w)}


def _dox_echo(
    turns: dict[str, Turn], out: list[Turn], raid_members: set[str], window: timedelta
) -> list[Turn]:
    """Session 16 (``Settings.dox_echo``): doxxing spread over several messages. After a disclosure found in a chat,
    a later turn (within ``window``) by someone else than the person exposed, not a defence nor a conciliation,
    hostile, in a raid or by someone who attacked that person in the last day, that repeats the place it gave (``_details``) with a time or a call to go there is part of
    it; a turn found so can itself be repeated ("Elle se gare toujours au parking P2", then "Jeudi soir 20h45 tout
    le monde au P2", then "Jeudi 20h45 P2. Ceux qui viennent mettez un pouce")."""
    if not out:
        return out
    found = {t.uid for t in out}
    recent: dict[str, list[Turn]] = defaultdict(list)
    for t in sorted(out, key=lambda x: (x.m.created_at, x.uid)):
        recent[t.m.community_uid].append(t)
    attacks: dict[str, list[tuple[str, Any]]] = defaultdict(list)  # target -> (author, time) of hostile turns
    for t in turns.values():
        for target in t.targets if t.hostile else []:
            attacks[target].append((t.author, t.m.created_at))
    added: list[Turn] = []
    for t in sorted(turns.values(), key=lambda x: (x.m.created_at, x.uid)):
        if t.uid in found or t.stance:
            continue
        prior = [
            d
            for d in recent.get(t.m.community_uid, [])
            if timedelta(0) < t.m.created_at - d.m.created_at <= window and t.author not in d.targets
        ]
        if not prior:
            continue
        # hostile, in a raid, or by someone who attacked the person exposed in the last day
        attacker = any(
            a == t.author and timedelta(0) <= t.m.created_at - when <= timedelta(days=1)
            for d in prior
            for s in d.targets
            for a, when in attacks.get(s, [])
        )
        if not (t.hostile or t.uid in raid_members or attacker):
            continue
        own = cues.unquoted(cues.fold(t.m.text or ""))
        if not (_CLOCK.search(t.m.text or "") or cues.dox_call(own)):
            continue
        mine = _details(t.m.text or "")
        src = next((d for d in reversed(prior) if mine & _details(d.m.text or "")), None)
        if src is None:
            continue
        t.dox = t.dox or list(src.dox)
        t.dox_call = t.dox_call or cues.dox_call(own)
        if not t.targets:
            t.targets = list(src.targets)
        added.append(t)
        found.add(t.uid)
        recent[t.m.community_uid].append(t)
    if not added:
        return out
    return sorted([*out, *added], key=lambda x: (x.m.created_at, x.uid))
