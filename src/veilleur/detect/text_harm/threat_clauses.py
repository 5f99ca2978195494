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

Révision 15c (s12-thr) adds threats said as consequences, hints and insinuations (``insinuations``): a warning with a
sinister circumstance (« tu devrais faire attention en rentrant le soir »), a shame if something happened, accidents
that happen, knowing where someone lives or parks, a fate for "people like you", a formal responsibility for what
will happen, property asked about on fire; and hints (« je connais des gens », « réfléchissez bien ») only when two
of them, or a hint and one of the above, stand in one message.
"""

from __future__ import annotations

import re

from veilleur.detect.text_harm.normalize import compile_normalised, squeeze_pattern
from veilleur.detect.text_harm.patterns import trie_pattern

WEIGHT = 0.8  # the entry's `threat` weight (a lexicon threat phrase is 0.85)
EXPLAIN = (
    "appel à la violence ou menace (structure de la phrase : appel + acte violent, mort annoncée, ou menace voilée :"
    " conséquence, avertissement, « on sait où tu habites »)"
)
MAX_GAP = 60  # characters between the call and the act (about eight words)

_CALL = (
    # French: obligation, suggestion, exhortation, a plan of "on"
    r"(?:il )?(?:faut|faudrait|faudra)|on (?:devrait|doit|devra|pourait|va|vas|ira)|qu'on|qu on"
    r"|(?:doit|doivent|devrait|devraient|merite|meritent|meriterait|meriteraient)(?: etre)?"
    r"|venez|allez|prenez|ramenez|apportez|amenez|allons|y a (?:plus )?qu'a|il (?:est|serait) temps de|je vais|jvais|j'vais"
    r"|(?:je|nous) (?:suggere|propose|proposons|suggerons|appelons)|appel(?:ons|le|lent) a"
    # révision 16c (s13-formal): formal and euphemistic calls (« la seule solution est de », « sont en droit de »,
    # « il conviendrait de », « pourquoi ne pas », "the only answer is to", "are entitled to", "I say we")
    r"|la seule (?:solution|reponse|option|isue|chose a faire|facon|maniere) (?:est|serait|c'est|reste) de"
    r"|(?:il n'y a|n'y a|y a) (?:plus )?qu'une (?:solution|chose a faire|reponse)(?: ?:)?"
    r"|(?:sont|est|seraient|serait|soyons|sommes) (?:en droit|fondes?|legitimes?|autorises?) (?:de|a)"
    r"|il (?:conviendrait|convient|serait (?:bon|utile|sage|judicieux|salutaire)) de|pourquoi ne pas"
    r"|(?:nous|je) (?:demandons|demande|exigeons|exige) (?:qu'on|que l'on)"
    r"|the only (?:solution|answer|option|way|thing to do|language they understand) (?:is|would be)(?: to)?"
    r"|(?:are|is|feel|be) (?:entitled|justified|within (?:our|their) rights) (?:to|in)|i say we|we say we"
    r"|it would be (?:best|wise|good|right) to|what (?:they|these people|those people) need is"
    r"|ce qu'il (?:leur|lui) faut,? c'est|on y va|can (?:we|someone|somebody) (?:just )?"
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
    # révision 16c: boats sunk, force said formally (« de les chasser, manu militari », "by whatever means necessary")
    r"|coul(?:er|e|ent|ez) (?:les|leurs|ces|tous les|des) (?:bateaux|barques|embarcations|canots|zodiacs?)"
    r"|manu militari|a coups? de (?:matraques?|batons?|triques?|fusils?|fourches?|barres?)"
    r"|avec des (?:fourches|fusils|barres de fer|gourdins|machetes)"
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
    r"|sink (?:the|their|those|these|al the) (?:boats|dinghies)|with (?:pitchforks|guns|baseball bats)"
    r"|by (?:any|al|whatever) means (?:necesary|needed|required)|by force"
    r"|(?:be |etre )?sunk|coules|gas (?:the lot|every)|nuke (?:the|them|it|every|al)"
    r"|(?:les|le|la) piquer comme des (?:chiens|betes|animaux|chats)|put (?:them|him|her) down like (?:dogs|animals)"
    r"|acid (?:in|on) (?:the|her|his|their) faces?|de l'acide (?:au|dans le|sur le) visage"
    r"|teach (?:[\w']+ ){1,4}?a lesson (?:they|he|she)(?:'l| wil)? (?:never|not|won't) forget"
    r"|une lecon qu'(?:ils|il|elle|elles) (?:n'oublier\w+|oublier\w+) pas"
    r"|round (?:them|em) (?:al )?up"
    r"|punir (?:leurs|toute leur|toute la|tout le|sa|ses) (?:familles?|proches|quartier|communaute|village)"
    r"|punish (?:their|the whole|the entire|his|her) (?:families|family|relatives|community|village|neighbou?rhood)"
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
    r"|notes|copies|brouillons?|photos?|lettres?|letters|toaster|grille-pain|ordi|ordinateur|imprimante|printer"
    # révision 16c: pests
    r"|pigeons?|rats?|souris|mice|taupes?|moles|cafards?|cockroach(?:es)?|rongeurs?|rodents?|squirels?|ecureuils?)(?!\w)"
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
# a game, a sport or a match: « on va les défoncer samedi », "we're gonna kill them in the final" (session 13: not
# "mma", which the normaliser squeezes to « ma »: every « ma fille », « ma femme » was read as a game)
_GAME = compile_normalised(
    r"(?<!\w)(?:match|matchs|foot|basket|rugby|hand|tournoi|finale|final|equipe|game|games|partie|fortnite|fifa"
    r"|valo|ranked|team|score|season|league|playoffs?|coupe|ligue|championnat|jeu|jeux|console|manette|cod"
    r"|minecraft|roblox|tennis|boxe|boxing|ufc|ring|entrainement|training|practice|sparring)(?!\w)"
)
# idioms whose words are violent, their meaning not
_IDIOM = compile_normalised(
    r"(?<!\w)(?:tuer le temps|crever l'abces|tuer dans l'oeuf|kill time|killing it|kill it|burn calories"
    r"|photo shoot|shoot (?:a|the) (?:video|photo|film|scene)|beat the (?:traffic|record|rush|heat)"
    r"|burn(?:ing)? the midnight oil|pendre la cremaillere|taper (?:un|le|mon|ton|sur le) (?:texte|code|clavier"
    r"|message|mot de passe)|slap on the wrist|claquer (?:la porte|du fric|de l'argent)|(?:crever|mourir) (?:de|d')"
    r"|noyer le poisson|frapper (?:a|à) la porte|le feu (?:a|au) (?:la piste|dancefloor|l'ambiance))(?!\w)"
)


# révision 15c (s12-thr): threats phrased as consequences, hints and insinuations (« ce serait dommage qu'il arrive
# quelque chose à ta fille », "accidents happen", « on sait où tu gares ta voiture », "people like you end up in a
# ditch", « vous porterez seul la responsabilité de ce qui arrivera »). Each is a structure, not a phrase: a warning
# put to someone plus a harm or a sinister circumstance, a shame if something happened, knowledge of where someone
# lives or works, a fate promised to "people like you", a responsibility for what will happen. The lexicon's contexts
# (negation, quotes, reported speech, laughter after a stock hyperbole) weaken them as any entry.
_YOU = r"(?:tu|t'|t|vous|you|u|ur|your|yours|ta|ton|tes|votre|vos|toi)"
_KIN = (
    r"(?:file|fils|famile|femme|mari|enfants?|gosses?|mere|pere|soeur|frere|copine|copain|daughter|son|kids?|wife"
    r"|husband|family|mum|mom|mother|sister|brother|children|voiture|bagnole|caise|maison|baraque|apart\w*|magasin"
    r"|comerce|boutique|cabinet|oficine|pharmacie|scooter|moto|garage|bureau|car|house|home|shop|store|ofice|practice"
    r"|clinic|restaurant|resto|permanence|vitrines?|windows|pneus|tyres|tires|carriere|career|job|boulot|taf)"
)
_SINISTER = (
    r"(?:en (?:rentrant|sortant|partant)|quand (?:tu|vous) (?:rentre|sort|pars|part)\w*|(?:le|ce) soir|la nuit"
    r"|seule?s?|tout seul|toute seule|dans (?:le|un) parking|at night|walking home|alone|on (?:your|ur|the) way"
    r"|when (?:you|u) (?:leave|go|walk|get) (?:home|out)|after (?:your|ur|the) shift"
    rf"|(?:to|a|pour|of|de|on) {_YOU} ?{_KIN}|{_YOU} {_KIN}|(?:tes|vos|your|ur) (?:arieres|back)|(?:what|who) (?:you|u) say)"
)
# weather, roads, tools, health: a warning that cares
_CARING = compile_normalised(
    r"(?<!\w)(?:verglas|neige|pluie|glisse\w*|route|routes|velo|casque|ceinture|sante|fievre|medicament|froid"
    r"|chaleur|soleil|ice|icy|snow|rain|roads?|slippery|wet|traffic|helmet|seatbelt|health|cold|flu|covid|virus"
    r"|tired|fatigue|knife|couteau|oven|four|stairs are|marches sont|bisous|love you|je t'aime|prends soin|take care"
    r"|xx|xoxo|❤️|❤|💕|🥰)(?!\w)"
)
_INSINUATION = compile_normalised(
    r"(?<![\w'])(?:"
    # a warning put to someone, with harm or a sinister circumstance: « tu devrais faire attention en rentrant le
    # soir », « si j'étais toi je ferais attention », "you'd better watch your back", « méfie-toi »
    r"(?:tu devrais|tu ferais mieux de|vous devriez|vous feriez mieux de|t'as interet a|tu as interet a|vous avez"
    r" interet a|je te conseile de|je vous conseile de|j'espere que (?:tu|vous)|si j'etais (?:toi|vous),? je"
    r"|a (?:ta|votre) place,? je|fais|faites|je te previens,?) "
    r"(?:faire |fais |faites |ferais |ferai )?(?:bien |tres )?(?:atention|gafe)(?: [\w']+){0,4}? "
    + _SINISTER
    + r"|(?:you'?d better|you better|u better|better|you should|u should|you might want to|if i were you,? i'?d"
    r"|if i was you,? i'?d) (?:watch (?:your|ur|yo|his|her|their) (?:back|step)|watch (?:yourself|urself|out)"
    r"|look (?:over|behind) (?:your|ur|his|her) shoulder|sleep with one eye open|be (?:very )?careful(?: [\w']+){0,4}?"
    r" " + _SINISTER + r")"
    r"|(?:surveile|surveiler|surveilez) (?:tes|vos|ses) arieres|regarde (?:bien )?derriere toi"
    r"|sleep with one eye open|(?:keep )?look(?:ing)? over (?:your|ur) shoulder"
    # a shame if something happened: « ce serait dommage qu'il arrive quelque chose à ta fille », "it would be a shame
    # if something happened to your car"
    r"|(?:domage|bete|triste|shame|pity|too bad)(?: [\w']+){0,6}? (?:qu'il|qu'|s'il|si|if|que) ?(?:[\w']+ ){0,4}?"
    r"(?:ariv\w* (?:quelque chose|malheur|un accident|un truc|des ennuis)|(?:lui|te|t'|vous|leur) ariv\w*"
    r"|happen(?:ed|s)? to|(?:something|anything) (?:bad )?(?:happened|happens|were to happen|was to happen)"
    r"|got (?:hurt|scratched|burned|burnt|damaged|keyed|smashed)|(?:brul|cram|burn)\w*|prenait feu|caught fire)"
    # accidents happen: « un accident est vite arrivé », "accidents happen on the stairs"
    r"|(?:un |les )?accidents? (?:est|c'est|sont|ca) (?:si |tres |tellement )?(?:vite|facilement|vite fait) ariv\w*"
    r"|les accidents (?:ca )?arivent(?: vite| facilement| si vite| tout le temps| a tout le monde)?"
    r"|accidents (?:do |can |will )?happen|(?:an? )?accidents? (?:is|are) (?:so )?easy"
    r"|(?:pour que|so that) (?:t'|tu|vous|you|u) ?(?:aies|ayez|have) (?:un|an) accident"
    # knowledge of where someone lives, parks, works, what time they leave: « on sait où tu gares ta voiture »
    r"|(?:je|j'|on|nous|i|we|they|people|des gens|tout le monde|everyone|everybody)"
    r"(?: (?!(?:don't|dont|do not|not|pas|ne|never|jamais|didn't|doesn't)(?![\w']))[\w']+){0,1}?"
    r" (?:sais|sait|savons|savent|know|knows|conais|conait|conaisons)(?: tres bien| bien| exactly| exactement)?"
    r" (?:ou (?:ta|ton|tes|votre|vos|sa|son|ses)|ou (?:tu|t'|vous|il|elle|ils) ?(?:te |vous |se )?(?:(?:habit|vi[st]|viv|gare|bos|travail|dor|pase|va|alez"
    r"|sor|rentr|cache|mange|depose|emene|laise)\w*|(?:es|etes|est)(?![\w']))"
    r"|where (?:your|ur|his|her|their)|where (?:you|u|he|she|they) (?:live|work|park|sleep|go|study|hang|shop|drop"
    r"|pick|leave|walk|jog|run|stay|are|'re|re |is|'s)|which (?:door|house|car|school|street)|a quele heure (?:tu|vous|il|elle)|what time (?:you|u|he|she)"
    r"|quand (?:tu|vous) (?:finis|finisez|sors|sortez|rentres|rentrez|pars|partez)|when (?:you|u) (?:finish|leave|get off))"
    r"|(?:(?:je|on|nous|i|we)(?: [\w']+){0,1}? (?:a|ai|avons|have|got|have got)|j'ai|i'?ve(?: got)?|we'?ve(?: got)?)"
    r" (?:trouve |retrouve |found )?"
    r"(?:ton|ta|votre|your|ur|son|sa|his|her|leur|their) (?:adrese|address|plaque|workplace|lieu de travail|boite"
    r"|ecole|school|daily routine|routine|planing|emploi du temps|horaires|schedule)"
    r"|(?:je|j'|on|nous|i) (?:conais|conait|know) (?:l'ecole|la creche|the school|ton adrese|votre adrese|your address"
    r"|your (?:daily )?routine|(?:ton|ta|votre|son|sa) (?:cabinet|adrese|voiture|maison|ecole|boite|planing|emploi du temps"
    r"|routine|horaires))"
    # a fate for "people like you": "people like you end up in a ditch", « les gens comme toi finissent mal »
    r"|(?:people|guys|girls|folks|men|women|gens|mecs|filles|types|meufs|personnes|ceux|celes)(?: qui parlent trop)?"
    r" (?:like|comme) (?:you|u|toi|vous)(?:,? [\w']+){0,3}? (?:(?:end up|ends up|wind up|finisent|terminent)"
    r"(?: [\w']+){0,3}? (?:in a ditch|dans un fose|in (?:the )?hospital|a l'hopital|dead|morts?|mal|badly|sous terre"
    r"|six feet under|in a body bag|dans un sac|in the river|au fond|in a wheelchair|en fauteuil|hurt|blese\w*"
    r"|en morceaux|in pieces|missing|disparus?)|disapear|disparaisent|get hurt|have accidents|ont des accidents"
    r"|se font (?:tabaser|defoncer|buter|planter)"
    r"|on les retrouve|we find|seront les premiers a (?:payer|rendre des comptes|tomber))"
    r"|(?:les gens|people|those) (?:qui parlent trop|who talk too much|who snitch|qui balancent) (?:finisent|end up)"
    r"(?: [\w']+){0,2}? (?:mal|badly|dead|morts?|in a ditch|dans un fose|hurt|a l'hopital|in (?:the )?hospital)"
    # a dispute settled in person, not in words: « on va venir te rendre visite, et pas pour discuter »
    r"|(?:rendre (?:une petite )?visite|pay (?:you|u|him|her) a visit|venir (?:te|vous) voir|come (?:round|visit|see"
    r" you))(?: [\w',]+){0,6}? (?:et )?(?:pas pour (?:discuter|parler|papoter|rigoler|boire)|not (?:to|for) (?:talk|chat"
    r"|a chat|tea))"
    # formal: « nous saurons vous retrouver », « vous porterez seul la responsabilité de ce qui arrivera », « je ne
    # réponds plus de mes actes », « vous aurez affaire à moi »
    r"|(?:nous|je|on) (?:saurons|saurai|saura) (?:vous|te|t') ?(?:retrouver|trouver)"
    r"(?! (?:un|une|des|le|la|les|l'|du|de|d'|quelqu|ce|cet|cete|votre|vos|ton|ta|tes|son|sa|ses|a|au|aux|en))"
    r"|(?:we|they|people|nous|on|ils) (?:will|'l|are gonna|are going to)? ?(?:find (?:you|u)|(?:vous|te|t') ?"
    r"(?:retrouverons|retrouvera|retrouveront|trouverons|trouvera))(?=\s*(?:[.,!]|$|et |and |toi|,|one day|un jour"
    r"|toujours|always|eventually|tot ou tard|sooner or later))"
    r"|(?:vous|tu|you|u) (?:porterez|porteras|serez|seras|assumerez|assumeras|will (?:bear|be)|'l (?:bear|be))"
    r" (?:seule?s? |entierement |pleinement |personally |solely |fully )?(?:la |the )?(?:responsabilite|responsable"
    r"|responsibility|responsible)s? (?:de|des|for) (?:tout )?(?:ce qui (?:va |pourait |poura )?(?:arivera|ariver|se paser"
    r"|suivra)|la suite|what(?:ever)? (?:happens|comes next|follows))"
    r"|je (?:ne )?(?:reponds|repondrai|repondrais) plus de (?:mes actes|rien)|i (?:will not|won't|can't|cannot|can not)"
    r" be (?:held )?responsible for (?:my actions|what i do|what happens)"
    r"|(?:vous aurez|tu auras) afaire a (?:moi|nous)|(?:you'?ll|you will|u'?ll) (?:have to )?(?:deal|answer) (?:with|to) me"
    r"|i cannot guarantee (?:your|ur|his|her) safety|je ne (?:peux|peut) (?:plus )?(?:garantir|assurer) (?:votre|ta|sa) securite"
    r"|(?:ce n'est|c'est) pas une menace,? (?:c'est )?une promesse|(?:this|it)(?:'s| is) not a threat,? (?:it'?s |it is )?a promise"
    r"|il ne perd rien pour atendre|tu ne perds rien pour atendre|tu perds rien pour atendre|vous ne perdez rien pour atendre"
    # property on fire, asked or promised: « ton cabinet, il brûle bien ? », "your shop would burn nicely"
    r"|(?:ton|ta|tes|votre|vos|your|ur|son|sa|ses|his|her)(?: \w+)? "
    + _KIN
    + r"(?: [\w']+){0,3}?,? (?:il |ele |ils |eles"
    r" |it |that )?(?:brule bien|crame bien|flambe bien|brulerait|cramerait|flamberait|brulera|cramera|prend(?:ra|rait)"
    r" (?:feu|facilement feu)|burns? (?:nicely|well|easy|easily)|would (?:burn|look (?:nice|good|better) on fire)"
    r"|(?:va|risque d'|risque de) (?:avoir des (?:soucis|problemes|ennuis)|bruler|cramer)|tiene?n?t combien de temps"
    r"|(?:while|tant qu')(?:it's| it is|il est|ele est) (?:still|encore) (?:standing|debout))"
    # what the speaker will see to personally: « je m'occuperai personnellement de vos enfants », "I'll make sure your
    # car doesn't start", "you won't get home in one piece", "we're coming for you", « je lui fais passer l'envie »
    r"|je m'ocuperai (?:personelement )?(?:de (?:toi|vous|lui|ton cas|(?:ta|sa|votre) (?:file|famile|femme|mere|soeur"
    r"|carriere)|(?:ton|son|votre) (?:fils|frere|mari|cas)|(?:tes|vos|ses) (?:enfants|gosses))|du fils|de la file|d'ele)"
    r"|(?:i'?l|i will|we'?l|we will) make sure (?:you|u|your|ur|he|she|his|her|they|their)(?: [\w']+){0,4}? (?:regret|never|doesn't"
    r"|don't|won't|can't|gets? (?:very )?(?:slow|hurt)|pays?|suffers?)"
    r"|(?:won't|will not|wont|never) (?:get|make it|go|walk) (?:back )?home (?:in one piece|alive|on (?:your|ur) own feet)"
    r"|won't be (?:working|walking|around|breathing) (?:there |here )?(?:much )?(?:longer|for long)"
    r"|(?:we'?re|we are|i'?m|i am|they'?re|they are) coming for (?:you|u|him|her|them)|we'?l come knocking"
    r"|on (?:finira|va finir) par (?:te|vous) (?:trouver|retrouver)|(?:attends?|atendez) (?:qu'on se croise|que je te croise)"
    r"|quand je (?:te|la|le|vous) croiserai|on viendra (?:frapper|sonner) (?:chez|a)"
    r"|(?:je|on) (?:te|lui|vous|leur) (?:fais|ferai|fera|ferais|vais faire|va faire) paser l'envie"
    r"|(?:va|vas|vont|alez) comprendre (?:sa|ta|leur|votre) douleur"
    r"|(?:soucis|problemes|ennuis) (?:avec|de) (?:ses|tes|vos|sa|ta|votre|son|ton) (?:pneus|vitrines?|voiture|bagnole"
    r"|freins|maison|tyres|brakes)"
    # teens: "ur getting jumped after practice", « tu vas te faire défoncer »
    r"|(?:ur|you're|youre|you are|u r|u are|your) (?:getting|gonna get|going to get|gona get) (?:jumped|beat up|beaten"
    r"|stabbed|smacked|rocked|merked|shot|battered|done in|bodied)"
    r"|(?:tu vas|tu va|vous allez|il va|ele va) (?:te|vous|se) (?:faire|fair) (?:tabaser|defoncer|demonter|eclater"
    r"|buter|planter|fumer|niquer ta|refaire le portrait|casser)"
    r")(?![\w'])"
)
# a hint alone is common speech; two of them in one message (or one with a warning) menace: « réfléchissez bien »,
# « je connais des gens », "you've been warned", « on se reverra », "I never forget a face", "while you still can"
_HINT = compile_normalised(
    r"(?<![\w'])(?:reflechis(?:ez)? bien|think (?:carefuly|twice|very carefuly)|je conais des gens|on conait des gens"
    r"|i know (?:some )?people|i'?ve got friends (?:who|that)|j'ai des amis qui|(?:t'es|tu es|vous etes|vous voila)"
    r" prevenue?s?|(?:you'?ve been|you have been|consider (?:yourself|this)) (?:warned|a (?:friendly )?(?:warning|reminder))"
    r"|dernier avertisement|last warning|final warning|on se reverra|we'?ll meet again|see you (?:soon|around)"
    r"|a (?:tres )?bientot|i never forget a face|j'oublie jamais un visage|je n'oublierai jamais (?:ton|votre) visage"
    r"|while you (?:still )?can|tant (?:que tu|qu'il|que vous) (?:peux|peut|pouvez) encore|dors bien|sleep (?:tight|well)"
    r"|tick tock|tic tac|bonne chance (?:lundi|demain|ce soir|pour la suite)|good luck (?:tomorow|tonight|on monday)"
    r"|enjoy (?:your|ur) (?:last|remaining)|profite(?:z)? bien de (?:tes|vos) derniers|c'est (?:pas|loin d'etre) fini"
    r"|this (?:isn't|is not|ain't) over|je n'en resterai pas la|i won't let this go|il le sait|on ne sait jamais qui"
    r"|vous ne savez pas a qui vous avez afaire|you don't know who you'?re dealing with|et pas que(?: ca)?"
    r"|je dis ca je dis rien|just saying|one way or another|d'une maniere ou d'une autre)(?![\w'])"
)
_PICKUP = compile_normalised(
    r"(?<!\w)(?:passe te (?:prendre|chercher)|pick (?:you|u) up|viens te chercher|t'amene|te ramene|colis|parcel"
    r"|livr\w*|deliver\w*|cadeau surprise|anniversaire|birthday|je t'ai (?:envoye|laise)|moi aussi|me too(?! \w))(?!\w)"
)  # session 13: "me too" squeezes to "me to": not "told me to …", "asked me to …"
_NOT_BEFORE = compile_normalised(
    r"(?:\b(?:pas|ne|not|dunno|no|jamais|never|si|if)\b|n't|\?)\W*(?:\w+\W+){0,2}$"
)


# révision 16c (s13-formal): calls for violence said without a call word or by euphemism. Each needs its own
# structure: a punishment put on a person's family or neighbourhood with a modal or a subjunctive of intent
# (« leurs familles devraient payer aussi », « que tout leur quartier trinque », "their families should suffer too");
# a death wished to a kind of person (« mort aux traîtres », "death to traitors"; pests and things are not persons);
# an imperative of violence at the head of a clause (« Brûlez-les », "Burn it down", "kill them all"); a bullet each;
# radical measures, a clean-up or a Kärcher where a coded designation of people stands (« cette population », « ces
# gens-là », "these people"), unless the message helps them; people "dealt with once and for all".
_KIN_FR = (
    r"(?:leurs?|toute (?:leur|la|sa)|tout (?:leur|le|son)|ses|sa|son) (?:familles?|proches|enfants|gosses|quartiers?"
    r"|vilages?|communautes?|cites?|peuple|clan|tribu)(?: entier(?:e|s|es)?)?"
)
_KIN_EN = (
    r"(?:their|his|her|the|these|those) (?:whole |entire )?(?:families|family|relatives|kids|children|community"
    r"|communities|vilage|neighbou?rhood|people|clan|tribe)"
)
_NOT_MONEY = (
    r"(?! (?:l'|d'|(?:un|une|des|les|du|la|leur|leurs|le (?:loyer|solde|reste)|cher pour|en|par|de|a|an|the|their"
    r"|rent|bils?|tax|taxes|for (?:the|their|a|an|colege|school|rent|his|her)|atention|respects|tribute|up|of|back"
    r"|from|with)(?!\w)))"
)
_COLLECTIVE = compile_normalised(
    rf"(?<![\w']){_KIN_FR}(?: [\w']+){{0,3}}? (?:doi(?:t|vent)|devr(?:ait|aient|a|ont)|merit(?:e|ent) de|vont|va)"
    rf"(?: (?:aussi|tous|toutes|egalement|le))? (?:payer|soufrir|trinquer|etre puni(?:e|s|es)?|y paser|morfler"
    rf"|en baver){_NOT_MONEY}"
    rf"|(?<![\w'])qu(?:e |')(?:{_KIN_FR})(?: [\w']+){{0,3}}? (?:paie|paye|paient|payent|soufre|soufrent|trinque"
    rf"|trinquent|y pase|y pasent|soi(?:t|ent) puni(?:e|s|es)?){_NOT_MONEY}"
    rf"|(?<![\w']){_KIN_EN}(?: too| as wel)? (?:should|must|need to|deserve to|ought to|have to)(?: al| also| too)?"
    rf" (?:pay|sufer|be punished|burn|hang|die|be made to pay){_NOT_MONEY}"
    rf"|(?<![\w']){_KIN_EN}(?: too| as wel)? (?:wil|'l) (?:pay|be made to pay) for (?:this|it|that|what)"
)
_DEATH_TO = compile_normalised(
    r"(?<![\w'])(?:mort|a mort) aux (?:traitres|flics|keufs|poulets|vaches|juges|colabos|infideles|mecreants"
    r"|apostats|koufars|kafirs|elus|deputes|politiciens|politicards|riches|bourgeois|patrons|journalistes|journaleux"
    r"|gauchistes|fachos|fascistes|sionistes|islamistes|communistes|cocos|ecolos|bobos|boomers|vieux|pedes|gouines"
    r"|travelos|trans|blancs|keblas|babtous|chretiens|catholiques|cathos|mecs|hommes|femmes|feministes|profs)(?!\w)"
    r"|(?<![\w'])death to (?:al )?(?:the )?(?:traitors|cops|pigs|infidels|kufar|kafirs|apostates|zionists"
    r"|journalists|politicians|rich|landlords|tories|fascists|commies|liberals|lefties|boomers|whites|christians"
    r"|gays|trannies|feminists|men|women)(?!\w)"
)
_IMPERATIVE = compile_normalised(
    r"(?:^|[.!?:;]\s*|\n)(?:brulez|cramez|tabassez|frappez|tuez|butez|pendez|lynchez|fusillez|gazez|egorgez"
    r"|incendiez|caillassez|abattez)(?:-| )(?:les|le|la|tout|tous|toutes|leur|lui|y|moi ca)(?![\w'])"
    r"|(?:^|[.!?:;]\s*|\n)(?:burn|torch|raze|firebomb) (?:it|them|that|this|the|their|every|al)(?: [\w']+){0,3}?"
    r" (?:down|to the ground|alive)(?!\w)(?!\s*\?)"
    r"|(?<![\w'])(?:burn|kil|hang|shoot|gas|lynch) (?:them|em) al(?!\w)"
    r"|(?:^|[.!?:;]\s*|\n)(?:string up|gas|hang|shoot) (?:the|those|these|al|every|them)(?!\w)"
    r"|(?<![\w'])(?:euthanasie (?:obligatoire|forcee|systematique|generalisee)|(?:mandatory|forced|compulsory)"
    r" euthanasia)(?!\w)"
    r"|(?<![\w'])(?:deserves? (?:a (?:good |proper )?(?:beating|kicking|hiding|thrashing|bulet)|acid)"
    r"|meritent? (?:une (?:bone )?(?:raclee|rouste|bastonade|bale)|de l'acide))(?!\w)"
    r"|(?<![\w'])(?:une bale (?:chacun|pour chacun|dans la tete de chacun)|a bulet (?:each|for each|for every one))"
)
_PEOPLE = compile_normalised(
    r"(?<![\w'])(?:(?:cete|ces|those|these|such) (?:population|populations|gens|gens-la|gens la|individus|engeance"
    r"|racaile|racailes|people|types|elements|creatures|vermine|nuisibles|parasites)|ce genre de (?:personnes|gens"
    r"|population))(?!\w)"
)
_RADICAL = compile_normalised(
    r"(?<![\w'])(?:(?:mesures?|solutions?|methodes?|moyens) (?:radicales?|drastiques?|definitives?|expeditives?"
    r"|musclees?|extremes?|finales?)|(?:radical|drastic|permanent|final|extreme|forceful) (?:measures|solution"
    r"|solutions|methods)|(?:un|une) (?:bon|bone|grand|grande|vrai|vraie) (?:netoyage|epuration|purge|coup de balai"
    r"|coup de karcher)|karcher|(?:dealt with|taken care of|sorted out|regles?|reglees?) (?:[\w']+ ){0,2}?"
    r"(?:once and for al|for good|permanently|une bone fois pour toutes|definitivement|pour de bon))(?!\w)"
)
_DEAL_THEM = compile_normalised(
    r"(?<![\w'])(?:deal with|take care of|sort out|get rid of) them,? (?:permanently|for good|once and for al)"
    r"|(?:s'ocuper d'eux|se debarasser d'eux|regler leur compte|les regler) (?:definitivement|une bone fois pour toutes"
    r"|pour de bon)(?!\w)"
)
_HELPS = compile_normalised(
    r"(?<![\w'])(?:aider|aide|proteger|protection|secourir|soutenir|soutien|acueil\w*|loger|integrer|integration"
    r"|soigner|vaciner|help|helping|protect|support|house|housing|welcome|save|rescue|care)(?!\w)"
)


_CLAUSE_END_16C = re.compile(r"[.!?\n]")
# a force said as "by any means" is a lawyer's phrase too ("we will pursue it by any means necessary in court")
_MEANS = compile_normalised(r"^by (?:any|al|whatever) means")
_LEGAL = compile_normalised(
    r"(?<![\w'])(?:court|courts|tribunal|tribunaux|legal|legaly|legaux|legale|lawyers?|avocats?|recours|plainte"
    r"|juridique|ombudsman|complaint|appeal|vote|voter|elections?|petition)(?!\w)"
)


# révision 16c: threats in courteous wording (the formal register): a misfortune that "would be regrettable", a safety
# the writer "cannot guarantee", advice given "for your own safety" about a dispute (a complaint, a testimony, a
# review), "some people might react badly" to it, a responsibility declined for what "might happen to you", knowing
# the address of someone's child's school. Advice and disclaimers without a dispute (fire notices, cloakrooms, drugs
# that some patients tolerate badly) are not read.
_YOUR_KIN = r"(?:votre|vos|ta|tes|ton|your) (?:famile|enfants?|fils|file|femme|mari|epouse|proches|children|kids?|son|daughter|wife|husband)"
_FORMAL_MENACE = compile_normalised(
    r"(?<![\w'])(?:(?:il serait|ce serait|il seroit) (?:tres |bien |vraiment )?(?:regretable|facheux|malheureux|dommage"
    r"|triste|bete) qu'il (?:arive|arivat|se pase|survienne) (?:quelque chose|malheur|un malheur|un acident|quoi que ce"
    r" soit)"
    r"|it would be (?:most |such a |a real |very |rather )?(?:unfortunate|regretable|a pity|a shame|sad|terible)"
    r" (?:if|should) (?:something|anything|any harm|harm)(?: (?:were|was) to| should)? (?:happen|befal|come to)"
    r"|(?:je ne (?:saurais|peux|pourai|pourais|puis)|nous ne (?:saurions|pouvons|pourons|pourions)) (?:plus )?"
    r"(?:garantir|asurer|repondre de) (?:votre|ta|leur|sa|la) (?:securite|integrite|tranquilite|sante)"
    r"|(?:i|we) (?:canot|can't|can no longer|won't be able to|wil not be able to) (?:guarantee|vouch for|answer for)"
    r" (?:your|his|her|their|the) (?:safety|wel-?being|security|family's safety)"
    r"|(?:ne (?:pourons|pourai|saurions|saurais|serons|serai)|canot be|can't be|won't be|wil not be) (?:pas )?"
    r"(?:etre )?(?:tenue?s? )?(?:responsables?|held responsible|liable) (?:de|for) (?:ce qui|what)"
    r" (?:pourait|peut|poura|might|may|could) (?:vous|t'|te|lui|leur|happen to (?:you|your))"
    r"|(?:nous|on|je) (?:conaisons|conait|conais|savons|sait|sais) (?:tres bien |parfaitement |bien )?"
    r"(?:l'adrese|les horaires|le trajet|le domicile)(?: [\w']+){0,3}? (?:de |d')?"
    rf"{_YOUR_KIN})(?!\w)"
)
# advice "for your own safety", or people who "might react badly": menaces only about a dispute the person is in
_SAFETY_ADVICE = compile_normalised(
    r"(?<![\w'])(?:pour (?:votre|ta) (?:propre )?(?:securite|sante|tranquilite)|pour (?:votre|ton) bien et celui de"
    r" (?:vos|tes) enfants"
    r"|for (?:your|the sake of your) (?:own )?(?:safety|health|wel-?being|family|kids|children)|for the sake of your"
    r" (?:family|children|kids)|si (?:vous tenez|tu tiens) a (?:votre|ta|vos|tes) (?:famile|peau|tranquilite|securite"
    r"|enfants)|if you value your (?:family|safety|kids|children|life)"
    r"|(?:certaines personnes|des gens|certains habitants|certains membres|certains voisins|some people|certain people"
    r"|people around here|some (?:members|residents|neighbours|of us)) (?:pouraient|risquent de|may|might|could)"
    r" (?:mal reagir|ne pas apprecier|perdre patience|s'enerver|not take (?:it )?kindly|lose (?:their )?patience"
    r"|react badly|take maters into their own hands))(?!\w)"
)
_DISPUTE = compile_normalised(
    r"(?<![\w'])(?:plainte|plaintes|complaint|complaints|temoignage|testimony|temoigner|testify|candidature|avis"
    r"|review|signalement|report|article|enquete|investigation|proces|lawsuit|deposition|petition|recours|position"
    r"|demande|presence|venue|pursue|maintenez|maintiens|retirer|retirez|withdraw|drop)(?!\w)"
)


# révision 16c: vigilantism, the state's task taken over "ourselves" or "not gently" (« si l'État ne les expulse pas, les
# citoyens devront s'en charger eux-mêmes », « ce sera aux citoyens de faire le ménage, et pas gentiment », "if the
# police won't, we'll take matters into our own hands"): the task and, in the message, the state's failure or a
# manner outside the law
_VIGILANTE_TASK = compile_normalised(
    r"(?<![\w'])(?:s'en (?:charger|chargeront|chargera|chargerons|ocuper|ocupera|ocuperont|ocuperons)"
    r"|(?:faire|fera|ferons|feront|ferai|ferait) le (?:boulot|travail|menage|necesaire)|(?:se )?faire justice|take (?:maters|the law) into (?:our|their)"
    r" own hands|do the job (?:ourselves|themselves)|deal with (?:it|them) ourselves)(?!\w)"
)
_VIGILANTE_WHY = compile_normalised(
    r"(?<![\w'])(?:que l'etat ne fait pas|(?:si|puisque|comme) (?:l'etat|la police|le gouvernement|la justice)"
    r" ne|a la place de l'etat|eux-memes|nous-memes|et pas gentiment|pas avec des mots|sans prendre de gants"
    r"|if the (?:state|police|government|courts|law) (?:won't|wil not|doesn't|does not|can't)|since the (?:state"
    r"|police|government) (?:won't|wil not|doesn't)|ourselves|themselves|and not nicely|and not gently)(?!\w)"
)

# … about people to be driven out or dealt with (the riverside residents who "will see to the pavement themselves" are
# no vigilantes)
_VIGILANTE_TARGET = compile_normalised(
    r"(?<![\w'])(?:expuls\w*|renvo\w*|vire[rz]?|degag\w*|chas(?:er|e|ent)|deport\w*|migrants?|clandos?|etrangers"
    r"|immigres|sans-papiers|roms|gitans|gens du voyage|travel+ers|gypsies|ilegals|racailes?|dealers|squat+(?:eu)?rs"
    r"|them ourselves|with them|les migrants)(?!\w)"
)


def euphemisms(t: str) -> list[tuple[int, int]]:
    """Révision 16c: spans of calls for violence said without a call word or by euphemism, and of threats in
    courteous wording (normalised text ``t``)."""
    out = [(m.start(), m.end()) for rx in (_COLLECTIVE, _DEATH_TO, _FORMAL_MENACE) for m in rx.finditer(t)]
    if _DISPUTE.search(t) is not None:
        out += [(m.start(), m.end()) for m in _SAFETY_ADVICE.finditer(t)]
    if _VIGILANTE_WHY.search(t) is not None and _VIGILANTE_TARGET.search(t) is not None:
        out += [(m.start(), m.end()) for m in _VIGILANTE_TASK.finditer(t)]
    if _THING.search(t) is not None:
        return out  # « les pigeons du balcon, faut s'en débarrasser pour de bon », "burn the old files"
    out += [(m.start(), m.end()) for m in _DEAL_THEM.finditer(t)]
    for m in _IMPERATIVE.finditer(t):
        end = _CLAUSE_END_16C.search(t, m.end())
        if end is None or end.group() != "?":  # "Gas the lot of them? Nah, gas bills are the real criminals"
            out.append((m.start(), m.end()))
    if _PEOPLE.search(t) is not None and _HELPS.search(t) is None:
        out += [(m.start(), m.end()) for m in _RADICAL.finditer(t)]
    return out


def insinuations(t: str) -> list[tuple[int, int]]:
    """Révision 15c: spans of threats said as consequences, hints or insinuations (normalised text ``t``)."""
    out: list[tuple[int, int]] = []
    for m in _INSINUATION.finditer(t):
        if _NOT_BEFORE.search(t, max(0, m.start() - 25), m.start()) and not m.group().startswith(
            ("si ", "if ")
        ):
            continue  # « je sais pas où tu es », "I don't know where you live", « on sait jamais »
        out.append((m.start(), m.end()))
    hints = [(m.start(), m.end()) for m in _HINT.finditer(t)]
    if len(hints) >= 2 or (hints and out):
        out += hints
    if out and (_CARING.search(t) or _PICKUP.search(t)):
        return []
    return out


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
    " coule_ coulez couler_ coules manu_militari a_coup fourche gourdin machete pitchfork baseball means_necesary means_needed"
    " means_required by_force sink_ sunk punish punir punition round_them round_em nuke piquer_come put_them_down"
    " put_him_down put_her_down acid_ acide_ a_lesson lecon_qu"
    " mots si_tu si_t si_vous if_you if_u keep next_time prochaine_fois de_force let_them let_him let_her hiding thrashing gas_them gas_him gas_her la_tete"
)


def _needed(words: str) -> re.Pattern[str]:
    """A trie of the words a structure needs (``_`` joins the words of one entry), squeezed like the text."""
    return re.compile(trie_pattern(squeeze_pattern(w.replace("_", " ")) for w in words.split()))


_NEEDED = _needed(_NEEDED_WORDS)
# révision 15c: the words the insinuations and hints need
_NEEDED_15C_WORDS = (
    "devrais devriez feriez ferais interet conseile j'espere si_j'etais a_ta_place a_votre_place fais_atention"
    " fais_gafe fais_bien faites_atention previens better should might_want were_you was_you arieres derriere_toi"
    " one_eye shoulder domage shame pity quelque_chose malheur t'ariv lui_ariv vous_ariv leur_ariv te_ariv happen"
    " acident sais_ou sait_ou savons_ou savent_ou sais_a sait_a sais_quand sait_quand know_where knows_where"
    " know_which knows_which know_what knows_what know_when exactement exactly tres_bien adrese address ecole creche"
    " school routine planing emploi horaires schedule plaque workplace lieu_de_travail boite like_you like_u"
    " comme_toi comme_vous parlent_trop talk_too snitch balancent pas_pour not_to_talk not_to_chat not_for saurons"
    " saurai saura retrouverons retrouvera retrouveront trouverons trouvera find_you find_u responsab mes_actes"
    " afaire_a deal_with_me answer_to_me guarantee garantir securite promesse promise perds_rien perdez_rien"
    " perd_rien brule_bien crame_bien flambe_bien brulerait cramerait flamberait brulera cramera prendra prendrait"
    " burns_nicely burn_nicely burns_well burn_well burn_easy burns_easy on_fire tiens tient tienen standing debout"
    " avoir_des risque getting_ get_jumped get_beat get_stabbed get_smacked get_rocked get_merked get_shot"
    " get_battered get_done get_bodied tabaser defoncer demonter eclater buter planter fumer refaire_le casser"
    " ocuperai make_sure in_one_piece home_alive own_feet working_there walking_there much_longer for_long"
    " coming_for knocking finira va_finir croise croiserai frapper_chez sonner_chez paser_l douleur soucis_avec"
    " problemes_avec ennuis_avec soucis_de reflechis think_twice think_carefuly conais_des know_people know_some"
    " friends_who friends_that amis_qui prevenu warned warning reminder avertis reverra meet_again see_you_soon"
    " see_you_around bientot forget oublie still_can peux_encore peut_encore pouvez_encore dors_bien sleep_tight"
    " sleep_well tick_tock tic_tac bonne_chance good_luck enjoy_your enjoy_ur profite pas_fini loin_d isn't_over"
    " is_not_over ain't_over resterai let_this_go il_le_sait on_ne_sait a_qui_vous dealing_with et_pas_que"
    " just_saying je_dis_ca one_way maniere plus_de_rien va_bruler va_cramer triste_qu bete_qu too_bad conait_ton"
    " conais_ton conait_ta conais_ta conait_votre conais_votre conait_l conais_l conais_la conait_la conait_son"
    " conais_son conait_sa conais_sa know_your know_the"
)
_NEEDED_15C = _needed(_NEEDED_15C_WORDS)


# révision 16c: the words the euphemisms need
_NEEDED_16C_WORDS = (
    "payer paie paye paient payent paiera should_pay should_al should_also should_sufer should_be must_pay must_sufer must_al to_pay to_sufer wil_pay 'l_pay soufr trinqu puni y_pas morfl baver mort_aux death_to"
    " brulez"
    " cramez tabassez frappez tuez butez pendez lynchez fusillez gazez egorgez incendiez caillassez abattez burn"
    " torch raze firebomb kil_them kil_em hang_them shoot_them gas_them lynch_them bale bulet radical drastic"
    " definitiv expeditiv musclee extreme_ solution_final solutions_final final_solution netoyage epuration purge"
    " coup_de_balai karcher permanently for_good"
    " once_and pour_de_bon bone_fois string_up gas_the gas_those gas_these gas_al gas_every hang_the hang_those"
    " hang_these hang_al shoot_the shoot_those shoot_these shoot_al euthanas deserve merite regretable facheux"
    " malheureux unfortunate garantir asurer_votre repondre_de guarantee vouch answer_for responsab liable"
    " held_responsible conaisons l'adrese pour_votre pour_ta for_your for_the_sake tenez_a tiens_a value_your"
    " mal_reagir pas_apprecier perdre_patience s'enerver take_kindly take_it_kindly lose_patience lose_their"
    " react_badly maters_into s'en_charg s'en_ocup le_boulot le_travail le_menage"
    " le_necesaire faire_justice the_law_into do_the_job with_it_ourselves with_them_ourselves"
)
_NEEDED_16C = _needed(_NEEDED_16C_WORDS)


def threat_clauses(t: str) -> list[tuple[int, int]]:
    """Spans (in normalised text ``t``) of clauses that call for violence or give someone a deadline to die."""
    out: list[tuple[int, int]] = insinuations(t) if _NEEDED_15C.search(t) else []
    if _NEEDED_16C.search(t) is not None:
        out += euphemisms(t)
    if _NEEDED.search(t) is None:
        return [] if out and (_GAME.search(t) or _IDIOM.search(t)) else out
    for m in _CLAUSE_CALL.finditer(t):
        if _DENIED.search(m.group("gap")) or _NOT_CALLED.search(t, max(0, m.start() - 20), m.start()):
            continue
        if _SELF_FUTURE.fullmatch(m.group("verb")) and _DYING.match(m.group("act")):
            continue  # « je vais crever », « on va tous crever au boulot », « jvais te tuer » (13d's entries' business)
        if _THING.search(t, max(0, m.start() - 80), min(len(t), m.end() + 60)):
            continue  # « faut tous les brûler ces vieux dossiers », « les moustiques, faut les exterminer »
        if _MEANS.match(m.group("act")) and _LEGAL.search(t):
            continue  # révision 16c: "we are entitled to pursue it by any means necessary in court"
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
