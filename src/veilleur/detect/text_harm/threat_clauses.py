"""Révision 14b (s11-thr): threats and calls for violence read from a clause's structure, not from phrase lists.

Révision 13d's threat phrases found what they were written from and little else: calls for violence are phrased too
variously ("faut aller les déloger avec des battes", "chaque mosquée devrait brûler", "someone needs to torch that
mosque", "Bring bats, lads"). What they share is a structure inside one clause: a **call** (« faut », « on devrait »,
« doit être », « qu'on », « venez », "should", "needs to", "let's", "bring", "we're gonna") and an act of
**physical violence** (a verb, a weapon, a blow: « brûler », « tabasser », « gifles », « battes », "torch", "beat",
"slap", "bats") a few words apart; or a person's **death with a deadline** ("ur dead monday", « t mor demain »).

Each found clause is a lexicon hit (``Lexicon._match``: negation, quotes, reported speech, counter-speech, a laugh
after a stock hyperbole all weaken it as they weaken any entry). Not read as a threat: a negated call (« faut pas
les frapper »), a sport or a game in the message (« on va les défoncer au match »), idioms (« tuer le temps »,
« crever l'abcès », "kill time", "burn calories", "photo shoot").
"""

from __future__ import annotations

import re

from veilleur.detect.text_harm.normalize import compile_normalised, squeeze_pattern
from veilleur.detect.text_harm.patterns import trie_pattern

WEIGHT = 0.8  # the entry's `threat` weight (a lexicon threat phrase is 0.85)
EXPLAIN = "appel à la violence ou menace (structure de la phrase : appel + acte violent, ou mort annoncée)"
MAX_GAP = 60  # characters between the call and the act (about eight words)

_CALL = (
    # French: obligation, suggestion, exhortation, a plan of "on"
    r"(?:il )?(?:faut|faudrait|faudra)|on (?:devrait|doit|devra|pourait|va|vas|ira)|qu'on|qu on"
    r"|(?:doit|doivent|devrait|devraient|merite|meritent|meriterait|meriteraient)(?: etre)?"
    r"|venez|allez|prenez|ramenez|apportez|amenez|allons|y a (?:plus )?qu'a|il (?:est|serait) temps de|je vais|jvais|j'vais"
    r"|(?:je|nous) (?:suggere|propose|proposons|suggerons|appelons)|appel(?:ons|le|lent) a"
    # English
    r"|should|shud|must|ought to|gotta|needs? to|needs? a|let's|lets|bring|meet|time to|i'll|we'll|i will|we will"
    r"|(?:we|i)(?:'re| are|'m| am|re|m)? (?:gonna|going to|gona)|(?:we're|were|we are)(?= (?:jump|beat|bash|smash))"
)
_ACT = (
    # French verbs and blows (normalised spelling: doubled letters squeezed, no accents)
    r"tabass\w*|frapp\w*|cogn(?:e|er|ez|ons)|(?:te|le|la|les|vous|lui|leur) (?:defonc\w*|demont(?:e|er|ez|es))"
    r"|but(?:er|ez)"
    r"|tu(?:er|ez)|crev(?:er|ez)|brul(?:er|ent)|cram(?:er|ez)|incendi\w*|detruire|(?:etre|soit|soient) detruit\w*|(?:les|le|la|l') pendre"
    r"|pendre (?:en place|haut)|pendus|lynch\w*|caillass\w*|gifl\w*|claques?|baffes?"
    r"|coups? (?:de|au) (?:pied|poing|batte|barre|couteau|matraque|crosse|tete|fouet|ceinture)|battes?"
    r"|barres? de fer|egorg\w*|fusill\w*|abatt(?:re|ez)|rouler dessus|jeter (?:du train|du pont"
    r"|dans la seine|a la mer|sous (?:un|le) train|du haut)|noy(?:er|ez)|gaz(?:er|ez)|extermin\w*"
    r"|laisser (?:crever|mourir|pourrir)|faire la peau|(?:casser|peter|exploser|niquer) (?:la gueule|les dents"
    r"|les jambes|la tete|les genoux|le crane)|regler (?:son|leur) compte|de gre ou de force|par la force"
    r"|y compris la force|(?:mettre|foutre) le feu|lapid\w*|poignard\w*|raton\w*|raclee|rouste"
    r"|(?:les|le|la|lui|leur) taper|de quoi taper|deloger|massacr\w*|tirer (?:dessus|sur (?:eux|lui|elle|la foule))"
    # English
    r"|beat (?:\w+ )?(?:up|senseless|down)|beat (?:them|him|her|the)|beating|punch (?:them|him|her|his|their|every)"
    r"|slap\w*|kicking(?! off)|kick (?:them|him|her|his|their)|jump(?:ing)? (?:him|her|them|the new|that|this)"
    r"|jumping \w+|stab(?:s|bed|bing|b)?|shoot (?:them|him|her|up)|burn(?:ed|ing)? (?:\w+ )?(?:down|alive)"
    r"|burn (?:it|them|the|that)|torch (?:it|that|the|them|their|his|her)|hang(?:ed|ing)? (?:them|him|her)"
    r"|string (?:them|him|her) up|lynch\w*|bats|knives|(?:your|their|our) fists"
    r"|kill (?:them|him|her|all)|smash (?:their|his|her|them)|teach (?:them|him|her|\w+) a lesson"
    r"|drag (?:them|him|her) (?:out|away)|take (?:them|him|her) out back|starve (?:them|him|her)"
    r"|let (?:them|him|her) (?:suffer|die|rot|starve|burn)|run (?:them|him|her) over|a (?:good )?(?:kicking"
    r"|beating|slap|hiding|thrashing)|firebomb\w*|blow (?:it|them|\w+) up|gas (?:them|him|her)|exterminat\w*"
    r"|wipe (?:them|\w+) out|drive (?:them|these|those|the) (?:\w+ )?out|break (?:their|his|her) (?:legs|arms"
    r"|necks?|jaws?|bones|knees)|on a stretcher"
)
_CLAUSE_CALL = compile_normalised(
    rf"(?<![\w'])(?P<verb>{_CALL})(?![\w'])(?P<gap>[^.!?;\n]{{0,{MAX_GAP}}}?)(?<![\w'])(?P<act>{_ACT})(?!\w)"
)
# a death with a deadline, said to someone or of someone ("ur dead monday", « t mor demain », « t'es mort ce soir »)
_DEAD_BY = compile_normalised(
    r"(?<![\w'])(?:t'es|t es|tes|t|tu es|ur|you're|youre|your|you are|u r|u are|he's|hes|he is|she's|she is|"
    r"il est|elle est|t'es|vous etes)\s+(?:mort|morte|mor|dead|finished|fini|finie)\s+(?:[\w']+\s+){0,2}?"
    r"(?:demain|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|ce soir|a la sortie|apres les cours|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|after school|after class)(?!\w)"
)
_DENIED_HARM = compile_normalised(r"(?<!\w)(?:jamais|never|not|pas)\s*$")
_SELF_FUTURE = compile_normalised(r"je vais|jvais|j'vais|on va|on vas|on ira|i'll|we'll|i will|we will")
_DYING = compile_normalised(r"crev|laisser (?:crever|mourir|pourrir)|tu(?:er|ez)|kill|but(?:er|ez)")
# a condition put to the person, then harm as its consequence (« si tu me balances, ça va mal finir », « si t'y vas
# encore on te tabasse », "if you put me on nights again I'll slash your tyres", "keep posting my name and see what
# happens")
_HARM = (
    r"(?:ca|sa|c|ce) va mal (?:finir|se finir|se terminer|tourner)|tu vas (?:le |la )?(?:regreter(?! de| d')|morfler"
    r"|douiller|prendre cher|soufrir|payer|comprendre ta douleur)|vous allez (?:le )?(?:regreter(?! de| d')|payer"
    r"|soufrir)|you'?ll (?:regret it|be sorry|pay for)|see what happens|you'll find out what happens"
    r"|(?:je|j'|on|jte) ?(?:te|vous|t') ?(?:retrouve|retrouverai|retrouvera|trouverai|trouvera|pourris|pourirai"
    r"|pourira)|i'?ll (?:find|hurt|get|sort) (?:you|u)|(?:je|on) (?:te|vous) (?:fais|ferai|fera) (?:la peau"
    r"|regreter|payer)|slash (?:your|ur|his|her|their) (?:tyres|tires)|(?:on|je) (?:te |vous |lui )?(?:brule|crame"
    r"|defonce|tabase|frape|cogne|bute|plante)|(?:tabass|frapp|defonc|cogn)\w*|(?:je|on) (?:te|vous|la|le) (?:tue|bute)"
)
_IF_THEN = compile_normalised(
    rf"(?<![\w'])(?:si (?:tu|t'|t |vous|jamais tu|jamais vous|tu me|tu nous)|if (?:you|u|ever you)|keep (?:\w+ing)"
    rf"|next time (?:you|u)|la prochaine fois (?:que|qu') ?(?:tu|t'|vous))(?P<mid>[^.!?;\n]{{0,90}}?)"
    rf"(?<![\w'])(?P<harm>{_HARM})(?!\w)"
)
# things and pests, which one burns or exterminates without threatening anyone
_THING = compile_normalised(
    r"(?<!\w)(?:cahiers?|dossiers?|papiers?|documents?|baskets?|chaussures?|vetements?|fringues|livres?|meubles?"
    r"|moustiques?|frelons?|guepes?|fourmis|mouches?|tiques?|puces?|mites?|insectes?|punaises de lit|limaces?"
    r"|mauvaises herbes|files?|papers?|shoes|clothes|mosquito(?:e?s)?|wasps?|ants|flies|bugs|weeds|receipts?"
    r"|notes|copies|brouillons?|photos?|lettres?|letters|toaster|grille-pain|ordi|ordinateur|imprimante|printer)(?!\w)"
)
# a menace in the future tense: what the person will regret or pay for, a safety they will lose, a dispute settled
# outside the law (« vous allez regretter ce planning », "you will not sleep safe", "and not in a courtroom")
_MENACE = compile_normalised(
    r"(?<![\w'])(?:(?:vous|tu|t|il|elle|ils|elles|you|u|he|she|they)(?: [\w']+){0,2}? (?:allez|vas|va|vont|will|'ll|are"
    r" gonna|is gonna|are going to|is going to) (?:[\w']+ ){0,2}?(?:regreter|regret|payer|pay for|answer for)"
    r"(?! (?:de|d'|not|missing|never|that you didn't))|(?:on|je|j'|nous) (?:va|vais|allons) (?:te|lui|vous|leur|le|la)"
    r" faire payer(?! (?:le|la|les|l'|un|une|ton|ta|tes|son|sa|ses|votre|vos|des|du|cher))"
    r"|(?:ne |n')?(?:sortira|sortiras|sortirez|dormira|dormiras|dormirez|sera|seras|serez) plus (?:jamais )?"
    r"(?:tranquille|en paix|en securite)|(?:will not|won't|wont|will never|'ll never) (?:\w+ )?(?:sleep|feel|be|walk)"
    r" (?:safe|safely)|(?:and |et )?(?:not in a courtroom|not in court|pas au tribunal|pas devant un juge|pas par ecrit"
    r"|pas avec des mots|not with words|et pas par ecrit))(?!\w)"
)
# a call denied between the call and the act (« faut pas les frapper », "shouldn't", "don't")
_DENIED = compile_normalised(r"(?<!\w)(?:pas|plus|jamais|not|never|n't|nt|no)(?!\w)")
_NOT_CALLED = compile_normalised(r"(?:shouldn't|shouldnt|should not|must not|mustn't|don't|dont|never)\s*$")
# a game, a sport or a match: « on va les défoncer samedi », "we're gonna kill them in the final"
_GAME = compile_normalised(
    r"(?<!\w)(?:match|matchs|foot|basket|rugby|hand|tournoi|finale|final|equipe|game|games|partie|fortnite|fifa"
    r"|valo|ranked|team|score|season|league|playoffs?|coupe|ligue|championnat|jeu|jeux|console|manette|cod"
    r"|minecraft|roblox|tennis|boxe|boxing|mma|ufc|ring|entrainement|training|practice|sparring)(?!\w)"
)
# idioms whose words are violent, their meaning not
_IDIOM = compile_normalised(
    r"(?<!\w)(?:tuer le temps|crever l'abces|tuer dans l'oeuf|kill time|killing it|kill it|burn calories"
    r"|photo shoot|shoot (?:a|the) (?:video|photo|film|scene)|beat the (?:traffic|record|rush|heat)"
    r"|burn(?:ing)? the midnight oil|pendre la cremaillere|taper (?:un|le|mon|ton|sur le) (?:texte|code|clavier"
    r"|message|mot de passe)|slap on the wrist|claquer (?:la porte|du fric|de l'argent)|(?:crever|mourir) (?:de|d')"
    r"|noyer le poisson|frapper (?:a|à) la porte|le feu (?:a|au) (?:la piste|dancefloor|l'ambiance))(?!\w)"
)


# révision 14b: the words one of the structures above needs (an act, a death, a menace), one trie scanned first: most
# messages have none, and the structures (a dozen scans) are looked for only in those that do
_NEEDED_WORDS = (
    "tabass frapp cogn defonc demont buter butez tuer tuez crev brul cram incendi detrui pendre pendus lynch"
    " caillass gifl claque baffe coups_de coup_de coups_au coup_au batte barre egorg fusill abatt rouler jeter"
    " noy gazer gazez extermin laisser peau gueule dents jambes genoux crane son_compte leur_compte la_force"
    " le_feu lapid poignard raton raclee rouste taper deloger massacr tirer beat punch slap kick jump stab"
    " shoot burn torch hang string bats knives fists kill smash lesson drag out_back starve suffer run_them"
    " run_him run_her firebomb blow exterminat wipe drive break stretcher mort mor_ dead finished fini"
    " regret payer pay_for answer safe tranquille paix securite courtroom in_court tribunal juge ecrit words"
    " mots si_tu si_t si_vous if_you if_u keep next_time prochaine_fois de_force let_them let_him let_her hiding thrashing gas_them gas_him gas_her la_tete"
)
_NEEDED = re.compile(trie_pattern(squeeze_pattern(w.replace("_", " ")) for w in _NEEDED_WORDS.split()))


def threat_clauses(t: str) -> list[tuple[int, int]]:
    """Spans (in normalised text ``t``) of clauses that call for violence or give someone a deadline to die."""
    if _NEEDED.search(t) is None:
        return []
    out: list[tuple[int, int]] = []
    for m in _CLAUSE_CALL.finditer(t):
        if _DENIED.search(m.group("gap")) or _NOT_CALLED.search(t, max(0, m.start() - 20), m.start()):
            continue
        if _SELF_FUTURE.fullmatch(m.group("verb")) and _DYING.match(m.group("act")):
            continue  # « je vais crever », « on va tous crever au boulot », « jvais te tuer » (13d's entries' business)
        if _THING.search(t, max(0, m.start() - 80), min(len(t), m.end() + 60)):
            continue  # « faut tous les brûler ces vieux dossiers », « les moustiques, faut les exterminer »
        out.append(
            (m.start("act"), m.end())
        )  # the act: a quoted act (« faut « laisser crever » ») is weakened
    out += [
        (m.start("harm"), m.end()) for m in _IF_THEN.finditer(t) if not _DENIED_HARM.search(m.group("mid"))
    ]
    out += [(m.start(), m.end()) for m in _DEAD_BY.finditer(t)]
    out += [(m.start(), m.end()) for m in _MENACE.finditer(t)]
    if out and (_GAME.search(t) or _IDIOM.search(t)):
        return []
    return out
