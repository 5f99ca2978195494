"""Group frames (révision 9): what a message says of a group, and with which polarity.

Hate against a group often holds no insult word ("les migrants sont une plaie", "qu'on les vire tous", "trans women
will never be real women"), and the speech against it holds the same words, denied ("les migrants ne sont pas une
maladie", "« les Roms sont des parasites » ? non"). A list of sentences cannot tell them apart; the grammar can:
a group word (by ground), a copula or a call to act, a predicate, and the polarity of what lies between them.

- a dehumanising predicate or a stereotype said of a group is hate; the same predicate denied is a refutation;
- a humanising or positive predicate denied ("ne sont pas des êtres humains", "will never be real women",
  "aucun X n'est capable") is hate (a negated positive); "ne ... que" / "nothing but" is not a negation;
- a call to expel or kill, the group named in the clause or earlier in the message (then carried by a pronoun:
  "Les X ? Ils devraient tous être expulsés"), is hate;
- a hate frame presented as someone else's words ("dire que …", "quand j'entends …", "the myth that …") or quoted,
  then refuted ("? non", "c'est du racisme", "is a lie"), is a refutation; so are slogans against hate
  ("stop à l'homophobie", "non au racisme").

Everything is read from ``lexicon.yaml`` (``group_frames``), matched on normalised text (``normalize.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from veilleur.detect.text_harm.normalize import compile_normalised as _rx
from veilleur.detect.text_harm.normalize import normalize_term, squeeze_pattern
from veilleur.detect.text_harm.patterns import trie_pattern


def _set(words: str) -> frozenset[str]:
    """Space-separated words, normalised like message text."""
    return frozenset(normalize_term(w) for w in words.split())


_QUOTED = _rx(r"[\"«“][^\"«»“”\n]{8,160}[\"»”]")
_CLAUSE_END = _rx(r"[.!?;\n]|\s[-–—]\s")
_TOKEN = _rx(r"[a-z0-9*-]+")
_QUOTES_OPEN = "\"«“'"
_QUOTES_CLOSE = "\"»”'"
# groups a French message names without a determiner are rare; these words are also common adjectives or nouns
_NEEDS_DET = _set(
    "gros grosses vieux vieilles bis trans noirs noires noir blacks gay gais homo disabled chinese polish aliens "
    "roma travellers travelers girls deaf blind obese femme woman arabe juif juive musulman musulmane migrant roux "
    "immigrant etranger gitan homos lgbt seniors retraites ados"
)
# révision 12c: a group entry that begins with a determiner or an article ("les gros", "the elderly") swallowed it:
# after a preposition the group had no determiner before it ("pour les gros"), and another determiner did not reach
# it ("these elderly"). The determiner is dropped when the entries are compiled; the word kept then needs a
# determiner before it and a verb or a clause after it, like the words above ("the elderly patients", "an Irish
# pub" name no group). Demonstratives and possessives stay: "cette religion" is the group, "la religion" is not.
_ENTRY_DET = _rx(r"^(?:(?:le|la|les|des|du|un|une|ces|the|a|an|these|those)\s+|l'\s*)(?=[^\s'])")
# after one of those words, what may follow for it to name a group ("les vieux sont", not "les vieux trucs")
_FOLLOW = _set(
    "sont ne n qui que qu et ou ils elles ont are is were should must will can cannot never need needs deserve "
    "who that they and or dehors out de du des en au aux a ce c devraient doivent meritent peuvent savent seront "
    "restent font all tous toutes vont do dont have get go aren isn don won ca ça so always shouldn wouldn couldn "
    "mustn cant didn doesn wasn weren haven ain aient soient"
    # révision 13b: "no immigrant has ever been competent", "no woman was ever …"
    " has was had problem probleme issue"
)
# humanising nouns that a following word may turn into something else ("des gens qui", "des personnes fragiles")
_OPEN_NOUNS = _set("personnes gens femmes hommes familles famille parents people women men families persons")
_AFTER_NOUN_OK = _set(
    "comme like as a part entiers entieres entiere humains humaines and et mais but point non no ici here en "
    "dans in chez at du de normaux normales real vrais vraies in frequentables respectables recomandables "
    "honetes fiables civilises civilisees bien decent decents"
)
_SINGULAR_DET = _set("un une a an aucun aucune no every chaque tout toute")
_PLURAL_DET = _set(
    "aux les ces des tous toutes nos vos leurs certains certaines the these those all most our your their some "
    "plupart"
)
# people nouns a group adjective may follow ("des étudiants congolais"; not "les frelons asiatiques")
_PERSONS = _set(
    "etudiants etudiantes patients patientes eleves colegues medecins infirmiers infirmieres internes voisins "
    "voisines gens persones hommes femmes jeunes enfants parents familles salaries travailleurs ouvriers clients "
    "clientes touristes joueurs joueuses habitants citoyens residents couples gars mecs meufs filles garcons "
    "candidats candidates profs enseignants enseignantes soignants chauffeurs vendeurs commercants"
)
_ABSTRACT = _set("islam izlam judaisme religion")
_NUMERALS = _set("deux trois quatre cinq six sept huit dix plusieurs quelques nombreux 2 3 4 5 10")
_POSSESSIVE = _set("mon ma mes ton ta tes son sa ses notre votre leur my his her your its")
_REAL = _set("vrai vrais vraie vraies real true proper genuine veritables")
_DENIED_QUOTE = _rx(r"^[\s,]*(?:[a-z']+\s+){1,5}?[\"«“']\s*[a-z]")
_CLAUSE_VERBS = _set(
    "ne n pas not ont sont est a font fait vont avaient etaient peuvent doivent have has are is do"
)
_RESUME = _set("ce c ils elles they these those ca")
_RELATIVE = _set("qui who that de du des en in from of avec with")
_ADJ_PRED = _set(
    "normaux normales normal normale capables capable dignes fiables competents competentes aptes egaux egales "
    "intelligents intelligentes"
)
# révision 12b: "ce ne sont pas des gens fréquentables" carries the group too
_PRONOUN_CARRY = _rx(r"(?<![\w*'])(?:ils|elles|they|eux|ce(?= sont| ne sont| n'est))(?![\w*])")
_PRONOUN_BEFORE = _rx(r"(?:^|[\s,;:])(?:ils|elles|they|eux)\s+(?:tous\s+|toutes\s+|all\s+)?$")
_DENIED_AFTER = _rx(r"\s+(?:pas|jamais|point|plus|not|never)\b")
_VERBLESS = _rx(r"^\s*[,:]\s*(?:tous|toutes|que|rien que|all)\s+(?:des|de|d'|du|de la)?\s*$")
_SAID_BY = _rx(
    r"(?<![\w*'])(?P<s>[a-z]+)\s+(?:(?:literaly|actualy|just|once|seriously)\s+)?"
    r"(?:said|says|told me|told us|told her|told him|wrote|posted|tweted|claimed|claims|reckons|yeled|shouted)"
    r"[\s:,]*[\"“']?\s*(?:(?:the|al|these|those|les|des|ces|tous les|toutes les)\s+)?$"
    # "mon voisin a dit que …", "ma tante m'a écrit que …" (not "j'ai dit que": "ai" is no "a")
    r"|(?<![\w*'])(?P<s2>[a-z]+)\s+(?:m'|nous\s+|lui\s+)?(?:a|avait|ont|avaient)\s+"
    r"(?:dit|ecrit|afirme|raconte|crie|poste|tweete|lache|sorti)\s+(?:que\s+|qu'\s*)?"
    r"(?:(?:les|des|ces|tous les|toutes les)\s+)?$"
)
# révision 13b: "ceux qui disent que", "people who say", "anyone who thinks", then what is said of them
_SAYERS = _rx(
    r"(?<![\w*'])(?:ceux|celles|les gens|des gens|tous ceux|toutes celles|quiconque|people|those|anyone|anybody|"
    r"everyone|everybody|whoever)\s+(?:qui\s+|who\s+)?(?:disent|pensent|croient|ecrivent|osent dire|dit|pense|"
    r"croit|say|says|think|thinks|believe|believes|claim|claims|write|writes)\s+(?:que\s+|qu'\s*|that\s+)?"
    r"(?:(?:les|des|ces|the|al|these|those)\s+)?$"
)
_SAYERS_RIGHT = _rx(
    r"\b(?:ont raison|a raison|ont pas tort|a pas tort|disent vrai|are right|is right|have a point|has a point|"
    r"are corect|is corect|nailed it)\b"
)
_FIRST_PERSONS = frozenset({"i", "we", "me", "and", "also", "stil"})  # normalised: "still" is "stil"
_WISH_DENIED = _rx(r"(?:\b(?:not|no|never|ne|jamais|nobody|persone|no one|none)|n')\s*$")
# révision 12d: determiners and quantifiers between the wh-word and the group ("why are these X", "why are all the
# X", "why are most of the X", "how come X …", the copula dropped)
_Q_DET = (
    r"(?:(?:al|all|most|some|many|so many|so much)\s+(?:of\s+)?)?"  # normalised, "all" is "al"
    r"(?:(?:the|these|those|such|dem|da|teh)\s+)?"
)
_INVERTED_EN = _rx(rf"(?:^|[^\w*])(?:(?:why|y|how come)\s+(?:are|r|were)|how come)\s+{_Q_DET}$")
# a verb of behaviour and its "like" read as a copula ("X act like animals", "les X se comportent comme des …")
_LIKE_VERB = _set(
    "act acts acted acting behave behaves behaved behaving comportent comporte agissent agit conduisent"
)
_LIKE = frozenset({"like", "come", "comme"})  # normalised, "comme" is "come"
# révision 12d: French subjunctive after a rhetorical opener ("c'est normal que les X soient tous des … ?",
# "comment ça se fait que les X soient …")
_SUBJ_OPEN = _rx(
    r"(?:c'est normal|c normal|ce est normal|est-ce normal|normal|com+ent ca se fait|com+ent se fait il|"
    r"pourquoi faut il|pourquoi faut-il)\s+(?:que|qu')\s*(?:(?:les|des|ces|tous les|toutes les)\s+)?$"
)
_SUBJ_COPULA = frozenset({"soient", "soit"})
_NO_LONGER = _rx(r"(?:^|\s)(?:est|sont|ce|c|seront)\s+plus\s+(?:des|de|d|du|un|une)\s*$")
_THAN = _rx(r"[^.!?;]{0,40}\bque\b")
_COMPLEMENT = _rx(
    r"[a-z]{3,}\s+(?:sur|contre|envers|about|against|towards|toward|concernant)\s+(?:(?:les|des|ces|the|all)\s+)?$"
)
_INVERTED_NEG = _rx(r"(?:^|\s)(?:ne|n')\s*[a-z]+-(?:t-)?(?:ils|elles|eles|il|elle|ele|on)\b")
_EST_CE_QUE = _rx(r"est[- ]ce (?:que|qu')\s*(?:(?:les|des|ces|tous les|toutes les)\s+)?$")
_LESS = frozenset({"moins"})  # not "less": normalised, it is "les"
_MORE = _set("plus more")
_FIRST_PERSON = _rx(r"\b(?:je|j|i)\b")
_HEALTH = _set("malade malades sick")  # "les femmes sont plus malades du cœur": a figure, not a trait
_BY_NATURE = _rx(r"\s*(?:par nature|de nature|nes|nees|by nature|from birth|dans le sang|in their blood)\b")
_DENIAL = _rx(r"\b(?:not|ne|never|jamais)\b|n't")
_BUT = _rx(r"\b(?:but|mais|cependant|however|pourtant)\b")
_ADVERBS = [
    "aussi",
    "tellement",
    "trop",
    "vraiment",
    "juste",
    "never",
    "so",
    "really",
    "just",
    "plain",
    "simply",
    "pas",
    "completement",
    "totally",
]
_PRONOUN_SUBJ = _rx(
    r"(?:^|[\s,;:])(?:ils|eles|they|them|ces gens(?:-la| la)?|ces persones(?:-la| la)?|ce genre d'individus|"
    r"ce genre de gens|such people|these people|those people|aucun|aucune|none of them)\s*$|^\s*(?:ils|eles|they)\b"
)
_JUST = _rx(r"\b(?:juste|simplement|seulement|just|simply|merely|only)\b")
_RESTRICT = [
    (_rx(r"\bno better than\b|\bnothing (?:but|more than)\b|\bno more than\b"), " que "),
    (_rx(r"\brien (?:d'autre|de plus) que\b"), " que "),
]


# révision 11c: the "forbidden truth" trope before "dire que" makes it the writer's claim ("on a le droit de dire
# que …", "est-ce qu'un jour on osera dire que …", "I'm allowed to say that …")
_DARE_SAY = _rx(
    r"(?:le droit de|le droit d'|droit de|ose|osera|oserait|oser|osent|ose-t-on|dare|allowed to|can't even)\s+"
    r"(?:(?:enfin|encore|meme|even)\s+)?(?:dire|say|saying)\s+(?:que|that)\s*$"
)
_ONLY_GOOD_BE = _rx(r"\s+(?:is|are|est|sont)\b")
# révision 11c: substrings without which a counter-speech form cannot match (cheap first looks)
# (lexicon.yaml `prohibit`; `defend_lead`, `defend_phrase` and `kin`)
# révision 13a: written in ordinary spelling, squeezed like the text ("immigr" is "imigr" there)
_PROHIBIT_LOOK = ("aret", "stop", "evit", "ces")
_REPORT_LOOK = (":", '"', "«", "“", " '")
_DEFEND_LOOK = tuple(
    squeeze_pattern(w)
    for w in (
        "tant que",
        "qui suis",
        "nous",
        "as a",
        "mon ",
        "ma ",
        "mes ",
        "my ",
        "immigr",
        "voile",
        "hijab",
    )
)


def _expand(s: str) -> str:
    """Contractions as words, so that negation and restriction read as tokens ("n'est" -> "ne est")."""
    s = re.sub(r"n't\b", " not", s)
    s = re.sub(
        r"-(?:t-)?(ils|eles|elles|il|ele|elle|on)\b", r" \1", s
    )  # révision 10b: "sont-ils" (a question)
    s = re.sub(
        r"\b(n|qu|c|l|d|j|s)'", lambda m: {"n": "ne ", "qu": "que ", "c": "ce "}.get(m.group(1), " "), s
    )
    s = re.sub(r"'re\b", " are", s)
    s = re.sub(r"\s=\s", " est ", s)  # "immigrants = crime", "ar4bes = délinquants"
    s = re.sub(r"'s\b", " is", s)
    for pat, rep in _RESTRICT:
        s = pat.sub(rep, s)
    return s


def _words(items: Any) -> list[str]:
    out = []
    for x in items or []:
        if isinstance(x, bool):  # YAML reads a bare no / yes / on / off / true / false as a boolean
            raise ValueError(f"lexicon.yaml group_frames: quote the word read as {x!r}")
        n = normalize_term(str(x))
        if n:
            out.append(n)
    return out


def _alt(terms: list[str]) -> str:
    """One trie-factored alternation for many literal terms (a space matches any white space); one that never
    matches when there are none."""
    return trie_pattern(terms) or "(?!)"


@dataclass(frozen=True, slots=True)
class Frame:
    """One reading of a group frame: ``polarity`` is "hate" or "refute"; offsets in the normalised text."""

    kind: str  # dehumanising, stereotype, humanising, refutable, violence, violence_pronoun, slogan, against, mention
    polarity: str
    category: str | None
    weight: float
    start: int
    end: int
    lethal: bool = False


class GroupFrames:
    """Compiled group frames. Build once from ``lexicon.yaml``'s ``group_frames``; thread-safe to use."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.weights = {str(k): float(v) for k, v in (spec.get("weights") or {}).items()}
        self.lethal_threat = float(spec.get("lethal_threat", 0.0))
        self.ground: dict[str, str] = {}
        listed: set[str] = set()  # entries written without a determiner
        stripped: set[str] = set()  # révision 12c: entries whose leading determiner was dropped
        for cat, terms in (spec.get("groups") or {}).items():
            for entry in _words(terms):
                t = _ENTRY_DET.sub("", entry)
                (stripped if t != entry else listed).add(t)
                self.ground.setdefault(t, str(cat))
                if t.endswith(" people"):
                    self.ground.setdefault(t[:-7] + " ppl", str(cat))  # "gay ppl", "mentaly il ppl"
                    self.ground.setdefault(
                        t[:-7] + " person", str(cat)
                    )  # révision 13b: "no trans person is …"
        self.needs_det = _NEEDS_DET | (stripped - listed)
        self.group_re = _rx(rf"(?<![\w*])(?:{_alt(list(self.ground))})(?:e?s)?(?![\w*])")
        self.generic_re = _rx(
            r"(?<![\w*])(?:ces gens(?:-la| la)?|ces individus|cette race|ce peuple|these people|those people|"
            r"this race|these animals|ces animaux)(?![\w*])"
        )
        pred: dict[str, str] = {}
        for kind in ("dehumanising", "stereotype", "refutable", "humanising"):
            for t in _words((spec.get("predicates") or {}).get(kind)):
                pred.setdefault(t, kind)
                if " " not in t and len(t) > 5 and t[-1] in "sx":
                    pred.setdefault(t[:-1], kind)  # "des voleurs" / SMS "c tous des voleur"
                elif " " not in t and len(t) > 4:
                    pred.setdefault(t + "s", kind)  # "racaille" / "racailles"
        self.pred_kind = pred
        self.pred_re = _rx(rf"(?<![\w*])(?:{_alt(list(pred))})(?![\w*])")
        self.copula = {w for t in _words(spec.get("copula")) for w in _expand(t).split()} - {
            "ne",
            "never",
            "jamais",
            "ce",
            "not",
        }
        self.copula_core = {
            w for w in self.copula if w not in {"will", "can", "could", "would", "have", "has"}
        }
        # single words only: "en rien" must not make "en" a negation ("les X en sont les microbes")
        self.negation = {
            w for t in _words(spec.get("negation")) for w in [_expand(t).strip()] if " " not in w
        }
        self.negation |= {"ne", "not", "no", "aucun", "aucune", "rien"}
        self.restrict = {"que", "juste", "only", "just"}
        allowed: set[str] = set(self.copula) | self.negation | self.restrict
        for key in ("fillers", "restrictive", "all"):
            allowed |= {w for t in _words(spec.get(key)) for w in _expand(t).split()}
        allowed |= {
            "pas",
            "plus",
            "rien",
            "vraiment",
            "simplement",
            "franchement",
            "clairement",
            "literally",
            "honestly",
            "clearly",
            "ever",
            "even",
            "always",
            "all",
            "tous",
            "toutes",
            "been",
            "being",
            "ils",
            "elles",
            "they",
            "ce",
            "de",
            "not",
            "no",
            "never",
            "jamais",
            "que",
            "sont",
            "much",
            "very",
            "more",
            "most",
            "less",
            "moins",
            "so",
            "si",
            "trop",
            "tres",
            "and",
            "et",
            "or",
            "ou",
            "al",
            # révision 12b: "les X sont tellement dégoûtants"
            "tellement",
            "carrement",
            "completement",
            "totalement",
            "absolument",
        }
        self.allowed = allowed | {normalize_term(w) for w in allowed}  # "literally" -> "literaly"
        self.quant_neg = _words(spec.get("quantifier_negation"))
        det = _alt(_words(spec.get("determiners")))
        allw = _alt(_words(spec.get("all")))
        pron = _alt(_words(spec.get("pronoun")))
        be = _alt(_words(spec.get("be")))
        call = _alt(_words(spec.get("call")))
        viol = _words(spec.get("violence"))
        viol_pp = _words(spec.get("violence_pp"))
        viol_subj = _words(spec.get("violence_subj"))
        self.lethal = set(
            _set(
                "tuer exterminer gazer bruler pendre fusiller abattre noyer massacrer buter eradiquer lyncher crever "
                "kill gas shoot hang burn exterminate eradicate drown lynch execute nuke bomb tues gazes brules "
                "pendus fusilles abattus noyes massacres extermines killed gassed shot hanged burned exterminated "
                "executed lynched drowned tue gaze brule pende fusille noie massacre extermine bute lynche"
            )
        )
        v_any = _alt(viol + viol_pp)
        # révision 11c: an imperative with its pronoun ("fusillez-les", "gazez-les tous", "kill them all")
        self.imperatives = {v[:-2] + "ez": v for v in viol if " " not in v and v.endswith("er")}
        self.imperative_re = _rx(
            rf"(?<![\w*])(?P<v>{_alt(list(self.imperatives))})-les(?![\w*])"
            r"|(?<![\w*])(?P<v2>kil|shot|gas|hang|burn|drown|nuke|bomb|lynch|deport|exterminate)\s+(?:them|em)\s+al(?![\w*])"
        )
        # a cheap first look: calls to expel or kill need one of these verbs
        self.verb_re = _rx(
            rf"(?<![\w*])(?:{_alt(viol + viol_pp + viol_subj + list(self.imperatives) + ['send', 'ship', 'kick', 'throw', 'sent'])})"
        )
        sep = r"[\s',]+"
        # a call to act, then (all / pronoun / be)* and an expulsion or killing verb
        self.call_re = _rx(
            rf"(?<![\w*])(?:{call}){sep}(?:(?:{allw}|{pron}|{be}|just|simply|juste|carrement|direct)[\s']+){{0,4}}"
            rf"(?P<v>{v_any})(?![\w*])"
        )
        # "qu'on les vire tous", "send them all back"
        self.subj_re = _rx(
            rf"(?<![\w*])(?:qu'on|qu on|que l'on|faut qu'on|faudrait qu'on){sep}(?P<pro>(?:les|leur){sep})?"
            rf"(?P<v>{_alt(viol_subj)})(?![\w*])"
        )
        self.send_re = _rx(
            r"(?<![\w*])(?P<v>send|ship|kick|throw|sent|shipped|kicked|thrown)\s+them(?:\s+al)?\s+(?:back|out|home|away)"
            r"(?![\w*])"
        )
        # after the verb: the group named right away ("exterminer les gitans", "kill all the immigrants")
        self.after_verb_re = _rx(rf"^(?:{sep}(?:{allw}))?{sep}(?:(?:{det})[\s']+)?$")
        self.slogan_before_re = _rx(
            rf"(?<![\w*])(?:{_alt(_words(spec.get('slogan_before')))})[\s']+(?:(?:{det})[\s']+)?$"
        )
        self.slogan_noun_re = _rx(rf"[\s,-]+(?:{_alt(_words(spec.get('slogan_noun')))})(?![\w*])")
        origin = _words(spec.get("origin_complement"))
        self.origin_re = _rx(rf"(?<![\w*])(?:{_alt(origin)})(?![\w*])") if origin else None
        quals = _words(spec.get("qualifiers"))
        self.qualifier_re = _rx(rf"[\s,]+(?:{_alt(quals)})(?![\w*])") if quals else None
        # "traiter les vieux de parasites", "calling gay people sick": the act, named to be denounced
        self.naming_re = _rx(
            r"(?:^|[.!?]\s*|arete[rz]? de |stop |honteux de |honte de |de )(?:traiter|qualifier|apeler|comparer|"
            r"calling|to cal|comparing)\s+(?:les\s+|des\s+|ces\s+|the\s+)?$"
        )
        self.judged_words = frozenset(_words(spec.get("judged")))
        judged = _alt(_words(spec.get("judged")))
        self.judged_word_re = _rx(rf"(?<![\w*])(?:{judged})(?![\w*])")
        acts = _alt(_words(spec.get("judged_acts")))
        # "Dire que les X sont des porcs, c'est aussi con que l'inverse", "telling someone to kys is never a joke"
        self.judged_re = _rx(
            rf"(?:^|[.!?]\s+)(?:{acts})\b[^.!?]{{0,140}}?[,?]?\s*(?:c'est|c|ce serait|is|it's|it is|would be|are)\s+"
            rf"(?:(?:{_alt(_words(_ADVERBS))})\s+)*(?:{judged})(?![\w*])"
        )
        excl = _words(spec.get("exclusion"))
        self.exclusion_re = _rx(rf"(?<![\w*])(?:{_alt(excl)})(?![\w*])") if excl else None
        # révision 10b: accusations against a whole group (crime, invasion, replacement, living off others), said of
        # it like an exclusion: the group named in the clause, or carried by a pronoun
        claims = _words(spec.get("claims"))
        self.claims_re = _rx(rf"(?<![\w*])(?:{_alt(claims)})(?![\w*])") if claims else None
        # révision 13a: a group's ordinary rights put in question, a group admitted (`rights_open`, `rights`, `admit`)
        r_open, rights, admit = (_words(spec.get(k)) for k in ("rights_open", "rights", "admit"))
        self.rights_open_re = _rx(rf"(?<![\w*])(?:{_alt(r_open)})(?![\w*])") if r_open else None
        self.rights_re = _rx(rf"(?<![\w*])(?:{_alt(rights)})(?:(?<=')|(?![\w*]))") if rights else None
        self.admit_re = (
            _rx(rf"(?<![\w*])(?:{_alt(admit)})[\s']+(?:(?:{det}|de|d|du)[\s']+)?$") if admit else None
        )
        # révision 14d: a hostile question over a group: `question_open` (a rhetorical opener) before the group in a
        # clause that ends with "?", `question_presup` (the negative presupposition) in the clause
        q_open, q_presup, q_against = (
            _words(spec.get(k)) for k in ("question_open", "question_presup", "question_against")
        )
        self.question_open_re = (
            _rx(r"(?<![\w*])(?:" + trie_pattern(q_open, space=r"[\s-]+") + r")(?![\w*])")
            if q_open and q_presup
            else None
        )
        self.question_presup_re = _rx(rf"(?<![\w*])(?:{_alt(q_presup)})(?![\w*])")
        self.question_against_re = _rx(rf"(?<![\w*])(?:{_alt(q_against)})(?![\w*])")
        self.let_re = _rx(rf"(?<![\w*])(?:let|laisse|laisser|laissons)[\s']+(?:(?:{det})[\s']+)?$")
        self.let_after_re = _rx(r"[\s,]+(?:in|into|entrer|rentrer|venir|s'installer|s installer)(?![\w*])")
        # révision 10b: contempt for a group said by the writer ("je ne supporte pas les X", "Les X… je les hais",
        # "les X me dégoûtent")
        c_obj, c_pro, c_subj = (
            _words(spec.get(k)) for k in ("contempt_object", "contempt_pronoun", "contempt_subject")
        )
        self.contempt_obj_re = _rx(rf"(?<![\w*])(?:{_alt(c_obj)})(?![\w*])") if c_obj else None
        self.contempt_pro_re = _rx(rf"(?<![\w*])(?:{_alt(c_pro)})(?![\w*])") if c_pro else None
        self.contempt_subj_re = _rx(rf"(?<![\w*])(?:{_alt(c_subj)})(?![\w*])") if c_subj else None
        # révision 12b: a comma may stand before the group ("je les déteste, les X")
        self.contempt_gap_re = _rx(rf"^(?:{sep}(?:{allw}))?[\s',]+(?:(?:{det}|de|d|du)[\s']+)?$")
        answer = _words(spec.get("answer_cues"))
        self.answer_re = _rx(rf"(?<![\w*])(?:{_alt(answer)})(?![\w*])") if answer else None
        self.naming_any_re = _rx(
            r"(?:honteux|honte|arete[rz]?|stop|c'est nul|c nul|c'est grave|c grave)\s+de\s+traiter\s+(?:les|des|une|un|la|le)"
            r"\s+[a-z-]+\s+(?:de|d')"
        )
        self.slogan_after_re = _rx(
            rf"[\s,]+(?:{_alt(_words(spec.get('slogan_after')))})(?=\s*(?:[.!?,;)]|$|[^\w\s]))"
        )
        # révision 10c: "no offence", "no shade" are no answer ("Why are X so lazy? Genuine question, no offence")
        self.refute_after_re = _rx(
            rf"(?<![\w*])(?:{_alt(_words(spec.get('refute_after')))})(?![\w*])"
            r"(?!\s+(?:of+en[cs]e|shade|hate|judgement|judgment|joke|lie|cap)\b)"
            # révision 13a: a tag question is no answer ("Pourquoi les X sont tous … ? Ça doit être lié, non ?")
            r"(?!\s*\?)"
        )
        endorse = _words(spec.get("endorse"))
        self.endorse_re = _rx(rf"(?<![\w*])(?:{_alt(endorse)})(?![\w*])") if endorse else None
        self.mention_re = _rx(rf"(?<![\w*])(?:{_alt(_words(spec.get('mention')))})(?![\w*])")
        # révision 11c: counter-speech as grammar, not word lists (`lexicon.yaml → group_frames: prohibit,
        # report_cues, defend_lead, irony_open`)
        acts = _alt(_words(spec.get("said_acts")))
        # a hate act forbidden ("arrête de dire que …", "stop calling them …", "arrêtez avec vos …")
        self.prohibit_re = _rx(
            rf"(?<![\w*])(?:{_alt(_words(spec.get('prohibit')))})\s+(?:de\s+|d'|d\s)?(?:{acts})(?![\w*])"
            r"|(?<![\w*])arete[zs]?\s+avec\s+(?:vos|tes|ces|ce|cette|ton|ta|leurs?)(?![\w*])"
        )
        # an act judged first ("c'est dégueulasse de traiter …", "c grave quand les gens disent que …")
        self.judged_first_re = _rx(
            rf"(?<![\w*])(?:c'est|c|ce serait|ca reste|it's|it is|that's|thats)\s+(?:(?:{_alt(_words(_ADVERBS))})\s+)*"
            rf"(?:{judged})\s+(?:de|d'|quand|to|when|how)\s*(?:(?:on|les gens|des gens|tu|il|ele|ils|eles|certains|"
            rf"people|someone|you|they|he|she)\s+)?(?:ne\s+|n'|nous\s+|vous\s+)?(?:{acts})(?![\w*])"
        )
        # someone else's words reported before they are quoted ("il a écrit « … »", "lisez ça : …", "someone
        # spray-painted "…""): the quotation is evidence, not the writer's voice
        self.report_re = _rx(
            rf"(?<![\w*])(?:{_alt(_words(spec.get('report_cues')))})(?![\w*])[^.!?\n]{{0,40}}?(?::(?!/)|[\"«“]|\s'(?=\w))"
        )
        # the writer speaks as one of the group ("en tant que musulmane", "nous les femmes", "ma mère porte le
        # voile"): a defence, unless the message says hate itself
        self.defend_re = _rx(
            rf"(?<![\w*])(?:{_alt(_words(spec.get('defend_lead')))})\s+(?:(?:un|une|des|a|an|moi-meme|myself|aussi|"
            rf"also|too|meme)\s+)?(?=(?:{_alt(list(self.ground))})(?:e?s)?(?![\w*]))"
            rf"|(?<![\w*])(?:{_alt(_words(spec.get('defend_phrase')))})(?![\w*])"
        )
        # a person the writer knows, of the group, as the answer ("ma pote trans est prof de maths", "my Jewish
        # uncle", "mon voisin malien")
        kin = _alt(_words(spec.get("kin")))
        singular = {g[:-1] for g in self.ground if " " not in g and len(g) > 4 and g.endswith("s")}
        grp = rf"(?:{_alt(list(self.ground) + sorted(singular) + ['jewish', 'juive', 'muslim'])})(?:e?s)?"
        self.kin_re = _rx(rf"(?<![\w*])(?:mon|ma|mes|my)\s+(?:(?:{kin})\s+{grp}|{grp}\s+(?:{kin}))(?![\w*])")
        # révision 12b: a people, a race or a religion "of" a dehumanising or stereotyped noun ("cette religion de
        # barbares", "un peuple de voleurs", "une race de parasites")
        self.made_of_re = _rx(
            r"(?<![\w*])(?P<n>religion|race|peuple|ethnie|engeance|people|race)\s+(?:de|d'|of)\s*(?:des\s+)?"
            rf"(?P<p>{_alt([k for k, v in pred.items() if v in ('dehumanising', 'stereotype')])})(?![\w*])"
        )
        # "the only good X is a dead one", "le seul bon X est un X mort"
        self.only_good_re = _rx(
            r"(?<![\w*])(?:the only go?od|le seul bon|la seule bone|les seuls bons|les seules bones)\s+(?=\S)"
        )
        # mock alarm: a sarcastic opener and a sarcastic close ("Oh non, une femme ronde en maillot, au secours 🙄"),
        # not the news insinuation of hate ("Oh non, encore un …, devinez qui 🙄")
        self.mock_open_re = _rx(rf"^\W*(?:{_alt(_words(spec.get('mock_open')))})(?![\w*])")
        self.mock_close_re = _rx(rf"(?:{_alt(_words(spec.get('mock_close')))})(?![\w*])|🙄")
        self.insinuation_re = _rx(rf"(?<![\w*])(?:{_alt(_words(spec.get('insinuation')))})(?![\w*])")
        # sarcasm that restates a stereotype to mock it ("ah oui bien sûr, tous des terroristes, c'est ça 🙄")
        self.irony_re = _rx(rf"(?:^|[.!?\n]\s*)(?:{_alt(_words(spec.get('irony_open')))})(?![\w*])")
        self.against_re = _rx(
            rf"(?<![\w*])(?:{_alt(_words(spec.get('against')))})[\s']+(?:l'|la\s+|le\s+|les\s+|the\s+|all\s+)?"
            rf"(?:{_alt(_words(spec.get('isms')))})(?![\w*])"
        )
        self._init_wishes(spec)
        self._init_requests(spec)
        self._init_hostile(spec)
        self._spell_extra = [
            t
            for k in ("violence", "violence_pp", "violence_subj", "call", "slogan_before")
            for t in _words(spec.get(k))
        ]

    # -- révision 14a (s11-formal): a group kept out at the speaker's own request ------------------------------------
    def _init_requests(self, spec: dict[str, Any]) -> None:
        """``request_open`` (a first-person refusal or request), ``request_act`` (an act of taking someone in) and
        ``request_against`` (harm or hate refused: "je refuse que les X soient insultés")."""
        opens = _words(spec.get("request_open"))
        acts = _words(spec.get("request_act"))
        against = _words(spec.get("request_against"))
        self.request_open_re = _rx(rf"(?<![\w*])(?:{_alt(opens)})(?![\w*])") if opens and acts else None
        self.request_act_re = _rx(rf"(?<![\w*])(?:{_alt(acts)})(?![\w*])")
        # révision 16c (s13-formal): opens that ask nothing by themselves ("we would ask that"): a negation must stand
        # between them and the act ("… that the hall not be rented to …"), else the request may be to take them in
        self.request_needs_not = {re.sub(r"\s+", " ", w) for w in _words(spec.get("request_open_negated"))}
        self.request_against_re = _rx(rf"(?<![\w*])(?:{_alt(against)})(?![\w*])")
        doubt = _words(spec.get("request_doubt"))
        doubt_acts = _words(spec.get("request_doubt_act"))
        self.request_doubt_re = (
            # "est-il", "peut-on": the hyphen of the inverted question or a space
            _rx(r"(?<![\w*])(?:" + trie_pattern(doubt, space=r"[\s-]+") + r")(?![\w*])")
            if doubt and doubt_acts and self.request_open_re
            else None
        )
        self.request_doubt_act_re = _rx(rf"(?<![\w*])(?:{_alt(doubt_acts)})(?![\w*])")
        # coded words for a group, in the request frames only ("ces gens-là", "une personne de cette confession")
        self.request_coded: dict[str, str] = {}
        for cat, terms in (spec.get("request_coded") or {}).items():
            for term in _words(terms):
                self.request_coded[term] = str(cat)
        self.request_coded_re = (
            _rx(r"(?<![\w*])(?:" + trie_pattern(self.request_coded, space=r"[\s-]+") + r")(?![\w*])")
            if self.request_coded
            else None
        )
        # "nous ne voulons plus de ces X", "we don't want any more X": the group right after the verb of wanting
        self.request_want_re = _rx(
            r"(?:voulons|veux|veut|voudrais|voudrions|souhaite|souhaitons|want)(?:\s+(?:pas|plus))?$"
        )
        self.request_de_re = _rx(
            r"\s*(?:(?:pas|plus|jamais|any|more|any more|no more)\s+)?(?:de\s+|d'\s*|des\s+|du\s+|any\s+|more\s+)"
        )

    def _requests(self, t: str, ends: list[int]) -> list[Frame]:
        """Révision 14a: a request that a group be kept out, the speaker's own ("je refuse de louer mon appartement à
        une personne [X]", "nous ne voulons plus de ces [X] dans notre résidence", "I would prefer my table not be
        placed near the [X]", "kindly stop hiring [X]"): `request_open`, then in the same clause (120 characters at
        most) `request_act` or, after a verb of wanting, "de", then a group word within 60 characters, with nothing of
        `request_against` in the clause. Révision 14a too: `request_doubt` ("est-il raisonnable de", "is it wise to")
        with `request_doubt_act` (entrust, let, put in charge…) before the group, in a clause ending with "?"."""
        out: list[Frame] = []
        if self.request_open_re is None:
            return out
        w = self.weights.get("request", 0.8)
        opens = [(om, self.request_act_re) for om in self.request_open_re.finditer(t)]
        if self.request_doubt_re is not None and "?" in t:
            # révision 14a: a polite question that doubts a group's fitness, in a clause that ends with "?"
            opens += [(om, self.request_doubt_act_re) for om in self.request_doubt_re.finditer(t)]
        for om, act_re in opens:
            clause_e = next((e for e in ends if e >= om.end()), len(t))
            if act_re is not self.request_act_re and t[clause_e : clause_e + 1] != "?":
                continue
            stop = min(clause_e, om.end() + 120)
            am = act_re.search(t, om.end(), stop)
            if (
                am is not None
                and re.sub(r"\s+", " ", om.group()) in self.request_needs_not
                and not _DENIAL.search(t, om.end(), am.start())
            ):
                continue
            act_end = am.end() if am is not None else -1
            if am is None or am.start() - om.end() > 60:
                dm = (
                    self.request_de_re.match(t, om.end()) if self.request_want_re.search(om.group()) else None
                )
                if dm is None:
                    if am is None:
                        continue
                else:
                    act_end = dm.end()
            found = list(self.group_re.finditer(t, act_end, min(stop, act_end + 60)))
            if self.request_coded_re is not None:
                found += self.request_coded_re.finditer(t, act_end, min(stop, act_end + 60))
                found.sort(key=lambda m: m.start())
            for gm in found:
                word = gm.group()
                cat = (
                    self.ground.get(word)
                    or self.ground.get(re.sub(r"e?s$", "", word))
                    or self.request_coded.get(re.sub(r"[\s-]+", " ", word))
                )
                if cat is None:
                    continue
                prev = _TOKEN.findall(t[max(0, gm.start() - 24) : gm.start()])[-1:]
                if prev and prev[0] in _POSSESSIVE:
                    continue  # "partager ma chambre avec ma femme"
                if self.request_against_re.search(t, om.end(), clause_e):
                    break  # harm refused, care asked for: anywhere in the clause
                out.append(Frame("request", "hate", cat, w, om.start(), gm.end()))
                break
        return out

    # -- révision 15a (s12-q): indirect designations inside hostile frames; hints for the semantic tier ---------------
    def _init_hostile(self, spec: dict[str, Any]) -> None:
        """``request_coded`` and ``hostile_coded`` (indirect designations of a group: « ces gens-là », « certains
        quartiers », "a man in a dress") and ``hostile_cues`` (what makes a message that names a group a hint)."""
        coded: dict[str, str] = {}
        for key in ("request_coded", "hostile_coded"):
            for cat, terms in (spec.get(key) or {}).items():
                for term in _words(terms):
                    coded.setdefault(re.sub(r"[\s-]+", " ", term), str(cat))
        self.hostile_coded = coded
        self.hostile_coded_re = (
            _rx(r"(?<![\w*])(?:" + trie_pattern(list(coded), space=r"[\s-]+") + r")(?![\w*])")
            if coded
            else None
        )
        against = _words(spec.get("hint_against"))
        self.hint_against_re = _rx(rf"(?<![\w*])(?:{_alt(against)})(?![\w*])") if against else None
        cues = _words(spec.get("hostile_cues"))
        self.hostile_cue_re = _rx(rf"(?<![\w*])(?:{_alt(cues)})(?![\w*])") if cues else None
        # session 13: dehumanising cues a denial right before voids ("an obese patient is not a parasite": a refutation)
        self.cue_denied_void = {re.sub(r"\s+", " ", w) for w in _words(spec.get("hostile_cues_denied_void"))}

    def _coded(self, t: str) -> list[tuple[int, int, str | None]]:
        """Révision 15a: indirect designations of a group (start, end, category), never after a possessive."""
        if self.hostile_coded_re is None:
            return []
        out: list[tuple[int, int, str | None]] = []
        for m in self.hostile_coded_re.finditer(t):
            prev = _TOKEN.findall(t[max(0, m.start() - 12) : m.start()])[-1:]
            if prev and prev[0] in _POSSESSIVE:
                continue
            out.append((m.start(), m.end(), self.hostile_coded.get(re.sub(r"[\s-]+", " ", m.group()))))
        return out

    def _hints(self, t: str, groups: list[tuple[int, int, str | None]]) -> list[Frame]:
        """Révision 15a: a group named (a group word or an indirect designation) and a hostile cue in its sentence or a
        later one (a trait said of all, an exclusion, the writer's disgust or refusal, an opinion announced; a pronoun
        often carries the group there: "Les X du foyer ? Franchement ils ne valent pas mieux …"), nothing of
        `question_against` after the group: a hint for the semantic tier, never a finding alone."""
        if self.hostile_cue_re is None or not groups:
            return []
        g = groups[0]
        cm = self.hostile_cue_re.search(t, g[1])
        while cm is not None and self._cue_denied(t, cm):
            cm = self.hostile_cue_re.search(t, cm.end())
        if cm is None:
            cm = self.hostile_cue_re.search(t, 0, g[0])
            if cm is None or _CLAUSE_END.search(t, cm.end(), g[0]) or self._cue_denied(t, cm):
                return []  # before the group: in its sentence only ("Je refuse que les X …")
        if self.question_against_re.search(t, min(g[0], cm.start())):
            return []
        return [
            Frame(
                "hint",
                "hate",
                g[2],
                self.weights.get("hint", 0.2),
                min(g[0], cm.start()),
                max(g[1], cm.end()),
            )
        ]

    def _cue_denied(self, t: str, cm: re.Match[str]) -> bool:
        """Session 13: a dehumanising cue (`hostile_cues_denied_void`) denied right before it ("is not a parasite",
        « ne sont pas des parasites ») is a refutation, no hint."""
        return (
            re.sub(r"\s+", " ", cm.group()) in self.cue_denied_void
            and _DENIAL.search(t, max(0, cm.start() - 16), cm.start()) is not None
        )

    # -- révision 13b (s10-grp): a group wished dead or gone, its worth denied, or to be dealt with for good ----------
    def _init_wishes(self, spec: dict[str, Any]) -> None:
        """``wish_subject`` said of a group subject (or a pronoun carrying it), ``wish_without`` before a group, and
        ``wish_call`` + ``wish_object`` (+ ``wish_final`` for verbs harmless alone) before a group."""
        subj = _words(spec.get("wish_subject"))
        self.wish_subj_re = _rx(rf"(?<![\w*])(?:{_alt(subj)})(?![\w*])") if subj else None
        sep = r"[\s',]+"
        det = _alt(_words(spec.get("determiners")) + ["de", "d", "du", "of"])
        allw = _alt(_words(spec.get("all")))
        # the group right after: "without (all) (the) X", "se débarrasser des X"
        self.wish_gap_re = _rx(rf"^(?:{sep}(?:{allw}))?[\s',]*(?:(?:{det})[\s']+)?$")
        self.wish_det_re = _rx(rf"(?:{sep}(?:{allw}))?[\s',]*(?:(?:{det})[\s']+)?")
        without = _words(spec.get("wish_without"))
        self.wish_without_re = _rx(rf"(?<![\w*])(?:{_alt(without)})(?![\w*])") if without else None
        call = _alt(_words(spec.get("wish_call")))
        adv = r"(?:(?:just|realy|finaly|enfin|vraiment|juste|seriously|serieusement|urgently)\s+)?"
        obj = _words(spec.get("wish_object"))
        obj_final = _words(spec.get("wish_object_final"))
        self.wish_obj_re = (
            _rx(rf"(?<![\w*])(?:{call})\s+{adv}(?:(?P<o>{_alt(obj)})|(?P<f>{_alt(obj_final)}))(?![\w*])")
            if obj or obj_final
            else None
        )
        # révision 13b: a quotation judged right after it closes ('"X should be exterminated" is the most vile thing')
        judged = _alt(_words(spec.get("judged")))
        self.quote_judged_re = _rx(
            r"\s*(?:(?:is|was|are|c'est|c|est|etait|reste|remains)\s+)?(?:(?:the|la|le|les|un|une|a|an)\s+)?"
            rf"(?:(?:most|plus|realy|so|vraiment|telement|trop)\s+)?(?:{judged})(?![\w*])"
        )
        final = _words(spec.get("wish_final"))
        self.wish_final_re = _rx(rf"(?<![\w*])(?:{_alt(final)})(?![\w*])") if final else None

    def _judges_quote(self, t: str, f: Frame) -> bool:
        """Révision 13b: a predicate frame whose predicate follows a quotation that closes inside it."""
        if f.kind not in ("stereotype", "dehumanising", "refutable"):
            return False
        return any(
            self.quote_judged_re.match(t, i + 1) is not None
            for i in range(f.start + 1, f.end)
            if t[i] in '"»”'
        )

    def answered_by_form(self, t: str, f: Frame) -> bool:
        """Révision 13b: the frame is someone else's words and the message's own form answers them: said by "those
        who say …" of whom something is then said ("Ceux qui disent que les X sont de la vermine devraient relire
        l'histoire", not "… ont raison"), or quoted and judged right after the quotation closes ('"X should be
        exterminated" is the most vile thing I've read')."""
        cut = max((m.end() for m in _CLAUSE_END.finditer(t, 0, f.start)), default=0)
        if _SAYERS.search(t, max(cut, f.start - 60), f.start) is not None:
            rest = t[f.end : f.end + 80]
            clause_end = _CLAUSE_END.search(rest)
            tail = rest[: clause_end.start()] if clause_end else rest
            return _SAYERS_RIGHT.search(tail) is None
        # the quotation closes inside the frame or just after it: a predicate after it judges the quotation
        closes = [i for i in range(f.start + 1, min(len(t), f.end + 40)) if t[i] in '"»”']
        return any(self.quote_judged_re.match(t, q + 1) is not None for q in closes[:2])

    def _wishes(self, t: str, groups: list[tuple[int, int, str | None]], ends: list[int]) -> list[Frame]:
        """Révision 13b: "X deserve to die", "Les X ? Ils méritent de mourir", "X are not worth anything", "the world
        would be better off without X", "someone should do something about X", "il faut se débarrasser des X",
        "quelqu'un devrait s'occuper des X une bonne fois pour toutes"."""
        out: list[Frame] = []
        named = [g for g in groups if g[2] is not None]
        w = self.weights.get("violence", 0.85)
        if self.wish_subj_re is not None and named:
            for xm in self.wish_subj_re.finditer(t):
                if _DENIED_AFTER.match(t, xm.end()):
                    continue
                if _WISH_DENIED.search(_expand(t[max(0, xm.start() - 16) : xm.start()])):
                    continue  # "X don't deserve to die", "nobody should die"
                clause_s = max([e + 1 for e in ends if e < xm.start()], default=0)
                subj = [g for g in named if clause_s <= g[0] and g[1] <= xm.start()]
                lead = t[clause_s : xm.start()]
                if subj and xm.start() - subj[-1][1] <= 40:
                    g = subj[-1]
                elif _PRONOUN_SUBJ.search(lead) or _PRONOUN_BEFORE.search(lead):
                    before = [g for g in named if g[1] <= xm.start()]
                    if not before:
                        continue
                    g = before[-1]
                else:
                    continue
                out.append(Frame("wish", "hate", g[2], w, min(g[0], xm.start()), xm.end()))
        for rx in (self.wish_without_re, self.wish_obj_re):
            if rx is None:
                continue
            for m in rx.finditer(t):
                after = [g for g in named if g[0] >= m.end() and self.wish_gap_re.match(t[m.end() : g[0]])]
                if not after:
                    # the verb and its article make a noun of a word that needs a determiner ("s'occuper des
                    # noirs une bonne fois pour toutes", "get rid of the elderly")
                    dm = self.wish_det_re.match(t, m.end())
                    gm = self.group_re.match(t, dm.end()) if dm is not None and dm.end() > m.end() else None
                    word = gm.group() if gm is not None else ""
                    cat = self.ground.get(word) or self.ground.get(re.sub(r"e?s$", "", word))
                    if gm is None or cat is None:
                        continue
                    after = [(gm.start(), gm.end(), cat)]
                g = after[0]
                if self.qualifier_re is not None and self.qualifier_re.match(t, g[1]):
                    continue  # "se débarrasser des étrangers criminels": offenders, not a group
                if rx is self.wish_obj_re and m.group("f") is not None:
                    clause_end = next((e for e in ends if e >= g[1]), len(t))
                    if self.wish_final_re is None or not self.wish_final_re.search(t, g[1], clause_end + 1):
                        continue  # "il faut s'occuper des personnes âgées": care, not riddance
                out.append(Frame("wish", "hate", g[2], w, m.start(), g[1]))
        return out

    def spelling_vocabulary(self) -> tuple[set[str], set[str], set[str]]:
        """Révision 13b: the words whose misspellings are restored (groups, predicates, verbs of violence and calls),
        the other words the frames read (never restored into those), and the groups of two words."""
        # every word of a group ("black people"), but only single-word predicates and verbs and the verb of a phrase
        # ("rayer de la carte" must not make "care" a misspelt "carte")
        words = {w for t in self.ground for w in t.split()}
        words |= {t.split()[0] for t in list(self.pred_kind) + self._spell_extra}
        phrases = {g for g in self.ground if g.count(" ") == 1}
        return words, set(self.allowed), phrases

    def vocabulary(self) -> set[str]:
        """Single words of the group and predicate lists (for joining split words)."""
        return {w for w in list(self.ground) + list(self.pred_kind) if " " not in w}

    # ------------------------------------------------------------------------------------------------------
    def _groups(
        self, t: str, lang: str | None, loose: list[tuple[int, int, str | None]] | None = None
    ) -> list[tuple[int, int, str | None]]:
        """Group mentions (start, end, category) that can be a frame's subject. Révision 15a: ``loose`` receives every
        group word not after a possessive, whatever its determiner (what a hint may name)."""
        out: list[tuple[int, int, str | None]] = []
        for m in self.group_re.finditer(t):
            word = m.group()
            cat = self.ground.get(word) or self.ground.get(re.sub(r"e?s$", "", word))
            if cat is None:
                continue
            prev = _TOKEN.findall(t[max(0, m.start() - 24) : m.start()])[-2:]
            last = prev[-1] if prev else ""
            if last in _POSSESSIVE:
                continue  # "ma femme", "son migrant"
            if loose is not None:
                loose.append((m.start(), m.end(), cat))
            if (
                word in _ABSTRACT
                and last in ("l", "le", "la", "cette", "this", "their", "leur")
                or " religion" in word
                # révision 12b: "la communauté trans m'inspire une répulsion"
                or word.startswith(("comunaute ", "communaute "))
            ):
                out.append(
                    (m.start(), m.end(), cat)
                )  # "l'islam c'est la peste", "cette religion est un cancer"
                continue
            if (lang == "fr" or word in self.needs_det) and not (
                last in _SINGULAR_DET | _PLURAL_DET
                or last in ("le", "de", "d")  # révision 13b: "plein d'immigrés", "trop d'Arabes"
                and word.endswith(("s", "x"))  # SMS "lé renois", "dé gros"
                # "trois étudiants congolais", "des patients roms": a plural noun between the determiner and the group
                or len(prev) == 2
                and prev[0] in _PLURAL_DET | _NUMERALS
                and prev[1] in _PERSONS
                and word.endswith(("s", "x"))
                or " ".join(prev)
                in ("pas un", "pas une", "la plupart", "un seul", "une seule")  # 13b: "pas un seul X"
                or last in ("de", "d")
                and len(prev) == 2
                and prev[0] == "plupart"
            ):
                continue
            if word in self.needs_det:
                nxt = _TOKEN.match(t, m.end() + 1) if t[m.end() : m.end() + 1] == " " else None
                # révision 13a: an inverted question ("les retraités ont-ils", "sont-elles") reads its verb
                if nxt is not None and nxt.group().split("-")[0] not in _FOLLOW:
                    continue
            out.append((m.start(), m.end(), cat))
        for m in self.generic_re.finditer(t):
            out.append((m.start(), m.end(), None))
        out.sort()
        return out

    def named_group(self, t: str, lang: str | None = None) -> str | None:
        """The group a normalised text names, as the group-hate head reads it (révision 18b): the ground
        (``discrimination:*``) of its first group word not after a possessive, whatever its determiner; ``""`` when
        only a generic designation names one ("ces gens", "these people"); None when none."""
        loose: list[tuple[int, int, str | None]] = []
        self._groups(t, lang, loose)
        cat = next((c for _, _, c in loose if c and c.startswith("discrimination:")), None)
        if cat is None and self.generic_re.search(t):
            return ""
        return cat

    def _quant_negated(self, t: str, start: int) -> bool:
        before = " ".join(_TOKEN.findall(t[max(0, start - 20) : start])[-3:])
        return any(before.endswith(q) for q in self.quant_neg)

    def _predicate(self, t: str, g: tuple[int, int, str | None], clause_end: int) -> Frame | None:
        """ "<group> <copula> <predicate>" with its polarity."""
        gs, ge, cat = g
        window = t[ge:clause_end][:110]
        # 'X aren't "trendy"', 'ne sont pas « des voleurs »': a label denied between quotation marks
        q = _DENIED_QUOTE.match(_expand(window))
        if q is not None and any(w in self.negation for w in _TOKEN.findall(q.group())):
            return Frame("quoted_label", "refute", cat, 0.0, gs, ge + 1)
        m = self.pred_re.search(window)
        while m is not None:
            raw_between = window[: m.start()]
            comma = raw_between.find(",")
            if comma > 0 and raw_between[:comma].strip():
                head = _TOKEN.findall(_expand(raw_between[:comma]))
                rest = _TOKEN.findall(_expand(raw_between[comma:]))
                # "les X en état végétatif, c'est des plantes": a resumptive subject; not "les obèses n'ont
                # aucune volonté, c'est pas une maladie" (a verb before the comma: another clause)
                if (
                    len(head) > 4
                    or any(w in _CLAUSE_VERBS for w in head)
                    or not rest
                    or rest[0] not in _RESUME
                ):
                    return None
            between = _expand(raw_between)
            toks = _TOKEN.findall(between)
            lead = (
                7 if toks and toks[0] in _RELATIVE else 4
            )  # "ces migrants qui s'entassent à Calais ne sont"
            kind = self.pred_kind[re.sub(r"\s+", " ", m.group())]
            found = False
            copulas = [i for i, w in enumerate(toks) if w in self.copula_core and i <= lead]
            # révision 12d: "act like", "se comportent comme" stand for the copula, and so does a French subjunctive
            # after a rhetorical opener that asks a question ("c'est normal que les X soient … ?")
            copulas += [
                i
                for i, w in enumerate(toks)
                if 0 < i <= lead + 1
                and w in _LIKE
                # "act like", "se comportent tous comme", "behave just like"
                and (
                    toks[i - 1] in _LIKE_VERB
                    or i > 1
                    and toks[i - 2] in _LIKE_VERB
                    and toks[i - 1] in self.allowed
                )
            ]
            if (
                any(w in _SUBJ_COPULA for w in toks[: lead + 1])
                and t[clause_end : clause_end + 1] == "?"
                and _SUBJ_OPEN.search(t, max(0, gs - 40), gs) is not None
            ):
                copulas += [i for i, w in enumerate(toks) if w in _SUBJ_COPULA and i <= lead]
            for ci in sorted(copulas):
                unknown = [w for w in toks[ci + 1 :] if w not in self.allowed]  # the copula itself is one
                # one noun before an adjective: "ne seront jamais des adultes normaux"
                if not unknown or (
                    len(unknown) == 1
                    and unknown[0] == toks[-1]
                    and kind == "humanising"
                    and m.group() in _ADJ_PRED
                ):
                    found = True
                    break
            # révision 10b: a predication without a verb, "Les X, tous des voleurs ?", "les X : que des parasites"
            found = found or _VERBLESS.match(raw_between) is not None
            # révision 10c: an English question puts the copula before the group ("why are fat people always so
            # lazy?", "y r gay ppl so dramatic"): read it as the copula
            # révision 12d: only adverbs between the group and the predicate ("why are X treated like animals?",
            # "why are X called parasites?" ask about what is done to them or said of them)
            found = found or (
                not any(w in self.copula_core for w in toks)
                and all(w in self.allowed for w in toks)
                and _INVERTED_EN.search(t[max(0, gs - 40) : gs]) is not None
            )
            if found:
                if len(raw_between) > 80:
                    return None
                neg = any(w in self.negation for w in toks) or self._quant_negated(t, gs)
                # révision 12b: spoken French drops "ne" ("les X c'est plus des humains", "sont plus des personnes"):
                # "plus" right before the article of a humanising noun is "no longer" (not "plus des … que des …")
                neg = neg or (
                    kind == "humanising"
                    and (
                        _NO_LONGER.search(between) is not None
                        or _NO_LONGER.search(between + m.group().split()[0] + " ") is not None  # "des gens"
                    )
                    and _THAN.match(window, m.end()) is None
                )
                # révision 12b: a negative yes / no question asserts ("Les X ne sont-ils pas des parasites ?",
                # "Est-ce que les X ne sont pas tous des … ?"): the negation is rhetorical, the predicate is said
                if (
                    neg
                    and t[clause_end : clause_end + 1] == "?"
                    and (
                        _INVERTED_NEG.search(raw_between) is not None
                        or _EST_CE_QUE.search(t, max(0, gs - 24), gs) is not None
                    )
                ):
                    neg = False
                restricted = neg and any(w in self.restrict for w in toks)
                if restricted and any(w in ("pas", "not") for w in toks):
                    return None  # "pas que des" (not only): no clear polarity
                neg = neg and not restricted
                s, e = gs, ge + m.end()
                if neg and raw_between.rstrip()[-1:] in _QUOTES_OPEN:
                    return Frame(
                        kind, "refute", cat, 0.0, s, e
                    )  # 'are not "men in wigs"': the label is quoted
                if neg and kind != "dehumanising" and any(w in _REAL for w in toks):
                    # "ne sont pas de vrais malades", "not real women": legitimacy denied
                    return Frame("humanising", "hate", cat, self.weights.get("humanising", 0.85), s, e)
                if kind == "humanising":
                    if not neg:
                        if any(w in _LESS for w in toks):  # révision 10b: "sont moins intelligents"
                            return Frame(kind, "hate", cat, self.weights.get("humanising", 0.85), s, e)
                        return None
                    last = m.group().split()[-1]
                    nxt = _TOKEN.match(window, m.end() + 1) if window[m.end() : m.end() + 1] == " " else None
                    if last in _OPEN_NOUNS and nxt is not None and nxt.group() not in _AFTER_NOUN_OK:
                        return None  # "ne sont pas des gens qui ...", "not people who ..."
                    return Frame(kind, "hate", cat, self.weights.get("humanising", 0.85), s, e)
                if neg:
                    # "ne sont pas malades, ils sont juste faibles": the denial makes way for worse
                    if _JUST.search(window[m.end() :]):
                        return None
                    return Frame(kind, "refute", cat, 0.0, s, e)
                if kind == "refutable":
                    # révision 10b: a comparison or a nature ascribed to the group makes it a stereotype ("les X
                    # sont plus violents", "violents par nature")
                    if (any(w in _MORE for w in toks) and m.group() not in _HEALTH) or _BY_NATURE.match(
                        window, m.end()
                    ):
                        return Frame("stereotype", "hate", cat, self.weights.get("stereotype", 0.8), s, e)
                    return None
                return Frame(kind, "hate", cat, self.weights.get(kind, 0.8), s, e)
            m = self.pred_re.search(window, m.end())
        return None

    def analyse(self, t: str, lang: str | None = None) -> list[Frame]:
        """All frames of a normalised text, hate and refutations."""
        frames: list[Frame] = []
        for m in self.against_re.finditer(t):
            frames.append(Frame("against", "refute", None, 0.0, m.start(), m.end()))
        # cheap first looks: a judgement word, "traiter"
        judged_word = self.judged_word_re.search(t) is not None
        jm = self.judged_re.search(t) if judged_word else None
        if jm is None and "traiter" in t:
            jm = self.naming_any_re.search(t)
        if jm is not None:
            frames.append(Frame("judged", "refute", None, 0.0, jm.start(), jm.end()))
        if self.answer_re is not None and "?" in t:
            am = self.answer_re.search(t)
            if am is not None:  # "les fous faut les éliminer ? t'es sérieux ?"
                frames.append(Frame("answer", "refute", None, 0.0, am.start(), am.end()))
        # révision 11c: counter-speech read from its grammar (a refutation unless the message says hate itself)
        # cheap first looks (the fast tier reads every message): what each form cannot do without
        checks = (
            ("prohibit", self.prohibit_re, any(w in t for w in _PROHIBIT_LOOK)),
            ("judged", self.judged_first_re, judged_word),
        )
        for kind, rx, look in checks:
            cm = rx.search(t) if look else None
            # what is forbidden names a group or a quotation in its sentence ("stop calling dumb timeouts" forbids
            # nothing of the kind)
            stop = next((m.start() for m in _CLAUSE_END.finditer(t, cm.end())), len(t)) if cm else 0
            # an act judged first needs no group ("c'est dégueulasse de traiter une fille de …")
            if cm is not None and (
                kind == "judged"
                or self.group_re.search(t, cm.end(), stop)
                or any(q in t[cm.end() : stop] for q in '"«“')
            ):
                frames.append(Frame(kind, "refute", None, 0.0, cm.start(), cm.end()))
        rm = self.report_re.search(t) if any(c in t for c in _REPORT_LOOK) else None
        if rm is not None and not self.endorsed(t):
            frames.append(Frame("report", "refute", None, 0.0, rm.start(), rm.end()))
        defend = any(w in t for w in _DEFEND_LOOK)
        dm = (self.defend_re.search(t) or self.kin_re.search(t)) if defend else None
        # "mon collègue juif est sympa, mais …", "j'ai des amis noirs mais": a disclaimer before hate, no defence
        if dm is not None and not _BUT.search(t, dm.end(), dm.end() + 80):
            frames.append(Frame("defend", "refute", None, 0.0, dm.start(), dm.end()))
        mo = self.mock_open_re.search(t)
        if (
            mo is not None
            and self.mock_close_re.search(t, mo.end())
            and self.insinuation_re.search(t) is None
        ):
            frames.append(Frame("mock", "refute", None, 0.0, mo.start(), mo.end()))
        loose: list[tuple[int, int, str | None]] = []
        groups = self._groups(t, lang, loose)
        ends = [m.start() for m in _CLAUSE_END.finditer(t)] + [len(t)]
        # révision 10b: what is said of a pronoun after the group was named ("J'ai croisé des Afghans. Ils sont
        # tous des voleurs", "Les X ? Ce sont des sauvages"): the pronoun carries the group into a later clause
        named = [g for g in groups if g[2] is not None]
        if named:
            for pm in _PRONOUN_CARRY.finditer(t, named[0][1]):
                before = [g for g in named if g[1] <= pm.start()]
                clause_end = next(e for e in ends if e >= pm.end())
                f = self._predicate(t, (pm.start(), pm.end(), before[-1][2]), clause_end)
                if f is not None:
                    frames.append(f)
        for g in groups:
            clause_end = next(e for e in ends if e >= g[1])
            # révision 12b: a group after "sur / contre / about" is a complement, not the subject ("les propos sur les
            # musulmans sont ignobles" judges the words, not the group)
            f = None if _COMPLEMENT.search(t, max(0, g[0] - 30), g[0]) else self._predicate(t, g, clause_end)
            if f is not None:
                frames.append(f)
            gs, ge, cat = g
            if cat is None:
                continue
            # "mort aux X", "dehors les X", "X dehors", "death to X", "X out!"
            if self.naming_re.search(t[max(0, gs - 40) : gs]):
                frames.append(Frame("naming", "refute", cat, 0.0, gs, ge))
                continue
            if (
                self.slogan_before_re.search(t[max(0, gs - 40) : gs])
                or self.slogan_after_re.match(t, ge)
                or self.slogan_noun_re.match(t, ge)
            ):
                frames.append(Frame("slogan", "hate", cat, self.weights.get("slogan", 0.85), gs, ge))
        # exclusion: "<group> n'ont rien à faire ici", "Les X ? Ils ne méritent rien", "X shouldn't be allowed …"
        said_of = [
            (k, r) for k, r in (("exclusion", self.exclusion_re), ("claim", self.claims_re)) if r is not None
        ]
        for kind, rx in said_of if groups else []:
            for xm in rx.finditer(t):
                if kind == "claim" and _DENIED_AFTER.match(t, xm.end()):
                    continue  # "les migrants ne nous envahissent pas"
                clause_s = max([e + 1 for e in ends if e < xm.start()], default=0)
                subj = [g for g in groups if g[2] is not None and clause_s <= g[0] and g[1] <= xm.start()]
                lead = t[clause_s : xm.start()]
                named = [g for g in groups if g[2] is not None and g[1] <= xm.start()]
                if subj and xm.start() - subj[-1][1] <= 50:
                    g = subj[-1]
                elif named and _PRONOUN_SUBJ.search(lead):
                    g = named[-1]
                else:
                    continue
                # a claim's own words are its span: quoted, they are someone else's ("les migrants qui « volent nos
                # emplois »")
                start = xm.start() if kind == "claim" else g[0]
                frames.append(Frame(kind, "hate", g[2], self.weights.get(kind, 0.8), start, xm.end()))
        # révision 14a: a group kept out at the speaker's request (the group word needs no determiner here)
        frames += self._requests(t, ends)
        if groups:
            frames += self._contempt(t, groups, ends)
            if "?" in t and self.rights_open_re is not None:
                frames += self._rights(t, groups, ends)
        # révision 15a: indirect designations and group words without a determiner, read inside hostile frames only
        # (cheap first looks: a question, or a hostile cue anywhere)
        asked = "?" in t
        cued = self.hostile_cue_re is not None and self.hostile_cue_re.search(t) is not None
        if asked or cued:
            loose = sorted(loose + self._coded(t))
        if asked and self.question_open_re is not None:
            frames += self._questions(t, groups, loose, ends)
        # révision 15a: a group named, a hostile cue in its sentence or a later one (a hint, at most one per message)
        if cued and loose and not any(f.kind in ("hint", "question") for f in frames):
            frames += self._hints(t, loose)
        # révision 15a: no hint where the message answers or refutes (a refuting frame, `hint_against`)
        if any(f.kind == "hint" for f in frames) and (
            any(f.polarity == "refute" for f in frames)
            or (self.hint_against_re is not None and self.hint_against_re.search(t) is not None)
        ):
            frames = [f for f in frames if f.kind != "hint"]
        # révision 13b: wishes; "[X deserve to die] is disgusting": the predicate after a wish is said of the saying,
        # not of the group
        wishes = self._wishes(t, groups, ends)
        # '"X should be exterminated" is vile': the predicate after the closing quote judges the quotation
        if '"' in t or "»" in t or "”" in t:
            frames = [f for f in frames if not self._judges_quote(t, f)]
        if wishes:
            frames = [
                f
                for f in frames
                if not (
                    f.kind in ("stereotype", "dehumanising", "refutable")
                    and any(w.start == f.start and w.end < f.end for w in wishes)
                )
            ] + wishes
        for mm in (
            self.made_of_re.finditer(t)
            if (
                "religion" in t
                or "race" in t
                or "peuple" in t
                or "ethnie" in t
                or "engeance" in t
                or "people of" in t
            )
            else ()
        ):
            cat = "discrimination:religion" if mm.group("n") == "religion" else "discrimination:origin_race"
            kind = self.pred_kind.get(re.sub(r"\s+", " ", mm.group("p")), "stereotype")
            frames.append(Frame(kind, "hate", cat, self.weights.get(kind, 0.8), mm.start(), mm.end()))
        # calls to expel or kill: the group right after the verb, or named anywhere before (a pronoun carries it)
        for om in self.only_good_re.finditer(t) if ("only go" in t or "seul" in t) else ():
            og = [
                g
                for g in groups
                if g[0] == om.end() and g[2] is not None and _ONLY_GOOD_BE.match(t, g[1])  # "… is", not "God"
            ]
            if og:  # révision 11c: "the only good illegal is one floating face down"
                w = self.weights.get("violence", 0.8)
                frames.append(Frame("violence", "hate", og[0][2], w, om.start(), og[0][1], True))
        calls = (
            list(self.call_re.finditer(t))
            + list(self.subj_re.finditer(t))
            + list(self.send_re.finditer(t))
            + (list(self.imperative_re.finditer(t)) if ("-les" in t or "m al" in t) else [])
            if self.verb_re.search(t)
            else []
        )
        for m in calls:
            verb = re.sub(r"\s+", " ", m.group("v") or m.groupdict().get("v2") or "")
            verb = self.imperatives.get(verb, verb)
            lethal = verb in self.lethal or verb.split()[0] in self.lethal
            after = [g for g in groups if g[0] >= m.end() and self.after_verb_re.match(t[m.end() : g[0]])]
            if after and self.qualifier_re is not None and self.qualifier_re.match(t, after[0][1]):
                continue  # "expulser les étrangers condamnés pour crimes graves": offenders, not a group
            if "pro" in m.re.groupindex and m.group("pro") is None and not after:
                continue  # révision 12b: "qu'on expulse les X" names its object; "qu'on vire le chef" names none
            before = [g for g in groups if g[1] <= m.start() and g[2] is not None]
            clause_s = max([e + 1 for e in ends if e < m.start()], default=0)
            in_clause = [g for g in before if g[0] >= clause_s and m.start() - g[1] <= 60]
            tail = t[m.end() : m.end() + 40]
            late = [g for g in groups if g[0] >= m.end() and re.match(r"^[^.!?;]{0,30}$", t[m.end() : g[0]])]
            if after:
                g, kind = after[0], "violence"
            elif in_clause:
                g, kind = in_clause[-1], "violence"
            elif before:
                g, kind = before[-1], "violence_pronoun"
            elif late and re.match(r"^[\s',]*(?:tous|toutes|al|chez eux|back|out|home)?[\s',]*", tail):
                # "il faudrait tous les renvoyer chez eux, ces migrants"
                g, kind = late[0], "violence_pronoun"
            elif self.origin_re is not None and self.origin_re.search(t, m.start(), m.end() + 45):
                # "qu'on les renvoie tous chez eux", "send them back where they came from": the place names them
                g, kind = (m.start(), m.end(), "discrimination:origin_race"), "violence_pronoun"
            else:
                continue
            frames.append(
                Frame(
                    kind,
                    "hate",
                    g[2],
                    self.weights.get(kind, 0.8),
                    min(g[0], m.start()),
                    max(g[1], m.end()),
                    lethal,
                )
            )
        return frames

    def _rights(self, t: str, groups: list[tuple[int, int, str | None]], ends: list[int]) -> list[Frame]:
        """Révision 13a: a question that puts a group's ordinary rights in doubt ("Pourquoi les X ont le droit de
        voter ?", "Should X even be allowed to teach?") or asks why the group is admitted ("Pourquoi on devrait
        accepter des X ?", "Why do we let X in?"): an opener at the head of the clause, the clause ending with "?",
        nothing denied ("Pourquoi les X n'ont pas le droit de … ?", "Why shouldn't X be allowed to …?" defend)."""
        assert self.rights_open_re is not None
        out: list[Frame] = []
        for gs, ge, cat in groups:
            if cat is None:
                continue
            clause_e = next(e for e in ends if e >= ge)
            if t[clause_e : clause_e + 1] != "?":
                continue
            clause_s = max([e + 1 for e in ends if e < gs], default=0)
            lead = t[clause_s:gs]
            op = self.rights_open_re.search(lead)
            if op is None:
                continue
            denied = any(w in self.negation for w in _TOKEN.findall(_expand(lead[op.end() :])))
            rm = self.rights_re.search(t, ge, clause_e) if self.rights_re is not None else None
            if rm is not None and not denied:
                between = _TOKEN.findall(_expand(t[ge : rm.start()]))
                if len(between) <= 3 and not any(w in self.negation for w in between):
                    out.append(
                        Frame("exclusion", "hate", cat, self.weights.get("exclusion", 0.8), gs, rm.end())
                    )
                    continue
            if denied:
                continue
            am = self.admit_re.search(lead, op.end()) if self.admit_re is not None else None
            if am is None and self.let_re.search(lead, op.end()) and self.let_after_re.match(t, ge):
                am = self.let_re.search(lead, op.end())
            if am is not None:
                out.append(
                    Frame(
                        "exclusion",
                        "hate",
                        cat,
                        self.weights.get("exclusion", 0.8),
                        clause_s + am.start(),
                        ge,
                    )
                )
        return out

    def _questions(
        self,
        t: str,
        groups: list[tuple[int, int, str | None]],
        coded: list[tuple[int, int, str | None]],
        ends: list[int],
    ) -> list[Frame]:
        """Révision 14d: hate put as a question ("Combien de X ont réellement condamné … ?", "Depuis quand une X est
        aussi fiable … ?", "Why do so many X insist on … ?"): a rhetorical `question_open` in the clause before the
        group (60 characters at most), the clause ending with "?", a negative presupposition (`question_presup`)
        in the clause, nothing of `question_against` (hate, racism, discrimination named: counter-speech) and no
        negation between the opener and the group.

        Révision 15a: any other question over a group ("Les X, pourquoi … ?", "Et les X, on en parle ?", an indirect
        designation: « ces gens-là », « certains quartiers », "a man in a dress") is a hint (kind "hint"): it only
        takes the message out of the semantic tier's low band, where the semantic tier decides."""
        assert self.question_open_re is not None
        hint: Frame | None = None
        cands = [(g, False) for g in groups if g[2] is not None] + [(g, True) for g in coded]
        for (gs, ge, cat), is_coded in cands:
            clause_e = next((e for e in ends if e >= ge), len(t))
            if t[clause_e : clause_e + 1] != "?":
                continue
            clause_s = max([e + 1 for e in ends if e < gs], default=0)
            if self.question_against_re.search(t, clause_s, clause_e):
                continue
            if hint is None:
                hint = Frame("hint", "hate", cat, self.weights.get("hint", 0.2), clause_s, clause_e)
            if is_coded:
                continue
            op = None
            for m in self.question_open_re.finditer(t, max(clause_s, gs - 60), gs):
                op = m
            if op is None:
                continue
            if any(w in self.negation for w in _TOKEN.findall(_expand(t[op.end() : gs]))):
                continue
            if self.question_presup_re.search(t, op.end(), clause_e) is None:
                continue
            return [Frame("question", "hate", cat, self.weights.get("question", 0.8), op.start(), ge)]
        return [hint] if hint is not None else []

    def _contempt(self, t: str, groups: list[tuple[int, int, str | None]], ends: list[int]) -> list[Frame]:
        """Révision 10b: hatred or contempt for a group, said in the first person: the group right after the verb
        ("je ne supporte pas les X", "aucun respect pour les X"), named before and carried by a pronoun ("Les X à la
        mairie, on est plus chez nous. Je les hais"), or the subject ("les X me dégoûtent")."""
        out: list[Frame] = []
        w = self.weights.get("contempt", 0.8)
        named = [g for g in groups if g[2] is not None]
        if not named:
            return out
        if self.contempt_obj_re is not None:
            for m in self.contempt_obj_re.finditer(t):
                after = [
                    g for g in named if g[0] >= m.end() and self.contempt_gap_re.match(t[m.end() : g[0]])
                ]
                if after:
                    g = after[0]
                    clause_end = next((e for e in ends if e >= g[1]), len(t))
                    if t[clause_end : clause_end + 1] == "?" and not _FIRST_PERSON.search(
                        t, max(0, m.start() - 3), m.end()
                    ):
                        continue  # "Zero respect for gay men? My brother…": an echo asked back, not said
                    out.append(Frame("contempt", "hate", g[2], w, m.start(), g[1]))
        if self.contempt_pro_re is not None:
            for m in self.contempt_pro_re.finditer(t):
                before = [g for g in named if g[1] <= m.start()]
                if before:
                    g = before[-1]
                    out.append(Frame("contempt", "hate", g[2], w, g[0], m.end()))
        if self.contempt_subj_re is not None:
            for m in self.contempt_subj_re.finditer(t):
                clause_s = max([e + 1 for e in ends if e < m.start()], default=0)
                subj = [g for g in named if clause_s <= g[0] and g[1] <= m.start() and m.start() - g[1] <= 60]
                if subj:
                    g = subj[-1]
                    out.append(Frame("contempt", "hate", g[2], w, g[0], m.end()))
                elif _PRONOUN_BEFORE.search(t, max(0, m.start() - 12), m.start()):
                    before = [g for g in named if g[1] <= m.start()]
                    if before:  # "Les X qui …, elles m'écœurent"
                        g = before[-1]
                        out.append(Frame("contempt", "hate", g[2], w, g[0], m.end()))
        return out

    def quoted_claims(self, t: str) -> list[tuple[int, int]]:
        """Quoted spans of the normalised text that name a group ("« Les vieux ne servent à rien » : …")."""
        return [(m.start(), m.end()) for m in _QUOTED.finditer(t) if self.group_re.search(m.group())]

    def mentioned(self, t: str, f: Frame) -> bool:
        """The frame is presented as someone else's words ("dire que", "quand j'entends", "the myth that")."""
        cut = max((m.end() for m in _CLAUSE_END.finditer(t, 0, f.start)), default=0)
        before = t[max(cut, f.start - 50) : f.start]
        m = self.mention_re.search(before)
        if m is None:
            # révision 13b: someone else's words reported without "that" ("my uncle said gays should be …")
            sm = _SAID_BY.search(before)
            return sm is not None and (sm.group("s") or sm.group("s2")) not in _FIRST_PERSONS
        if "," in before[m.end() :] and _PRONOUN_CARRY.match(t, f.start):
            return False  # révision 11c: "Arrêtez de dire que les X sont des victimes, ce sont des parasites"
        if _DARE_SAY.search(t, max(0, cut, f.start - 90), f.start - len(before) + m.end()):
            return False  # révision 11c: "on a le droit de dire que …", "on osera dire que …": claimed, not reported
        # "I'm not saying all X are criminals, but …", "je ne dis pas que …, mais": a disclaimer, not a mention
        return not (_DENIAL.search(m.group()) and _BUT.search(t, f.end, f.end + 60))

    def ironic(self, t: str, f: Frame) -> bool:
        """Révision 11c: the frame restates a stereotype after a sarcastic opener of its sentence ("Ah oui bien sûr,
        les X sont tous des terroristes, c'est ça 🙄"): mocked, not said. Only what a group frame reads as hate is
        mocked this way (sarcasm about a positive claim, "mais oui, les X sont tous ingénieurs 🙄", holds no frame)."""
        if f.kind not in ("dehumanising", "stereotype", "humanising", "claim"):
            return False  # a call to expel is no restatement ("… 🙄 qu'on les renvoie chez eux")
        cut = max((m.end() for m in _CLAUSE_END.finditer(t, 0, f.start)), default=0)
        m = self.irony_re.search(t, max(0, cut - 1), f.start)
        return m is not None and f.start - m.end() <= 60

    def quoted(self, source: str, start: int, end: int) -> bool:
        """[start, end) (source offsets) lies inside a pair of quotation marks of the same sentence."""
        left = source[max(0, start - 120) : start]
        opens = [
            i for i, ch in enumerate(left) if ch in _QUOTES_OPEN and not (ch == "'" and _apostrophe(left, i))
        ]
        if not opens:
            return False
        o = opens[-1]
        if any(ch in "\n" for ch in left[o:]):
            return False
        close_set = {"«": "»", "“": "”"}.get(left[o], left[o])
        right = source[end : end + 120]
        for i, ch in enumerate(right):
            if ch == "\n":
                return False
            if ch in close_set and not (ch == "'" and _apostrophe(right, i)):
                return True
        return False

    def endorsed(self, t: str) -> bool:
        """The writer owns the quoted words ("« … » et je l'assume", "and I stand by it")."""
        return self.endorse_re is not None and self.endorse_re.search(t) is not None

    def refuted_after(self, t: str, end: int, span: int = 45) -> bool:
        m = self.refute_after_re.search(t[end : end + span + 12])  # room for the look-ahead ("no offence")
        return m is not None and m.start() < span


def _apostrophe(s: str, i: int) -> bool:
    """The "'" at s[i] is an apostrophe (letters on both sides), not a quotation mark."""
    return 0 < i < len(s) - 1 and s[i - 1].isalpha() and s[i + 1].isalpha()
