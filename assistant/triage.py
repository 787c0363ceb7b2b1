"""The self-reliance ladder, complexity and multi-need logic, as plain functions.

Why a separate, pure module: the same decisions are made in three places (the action server
choosing what to say, the evaluation CLI scoring the bot, the unit tests) and must agree. No
rasa_sdk import, no state: every function takes text and data and returns a value (the only I/O is
the handoff classifier reading its examples once, at the first complexity judgement).

The ladder (lowest first): ``zelf`` -> ``netwerk`` -> ``voorliggend_veld`` -> ``sociaal_loket``.
A catalogue entry says per rung what a resident can do there (``None`` = not applicable for that
entry). The municipalities' own policy says "eerst kijken wat u zelf kunt, wat u binnen uw eigen
netwerk kunt organiseren" (Oldambt), so we start low, but we *skip* what the resident already says
they tried or cannot do ("mijn kinderen kunnen niet helpen"), and we go straight to the Sociaal
Loket when someone explicitly asks for a municipal provision: sending them to "tips" after they
asked "hoe vraag ik een traplift aan?" would be patronising and wastes their time.

Beside the ladder: ``urgent`` (see :mod:`assistant.safety_detector`) and ``complex`` (several life
domains at once, safety of children, threatened homelessness, an exhausted mantelzorger): a
person is better than a bot there, so those cases go to staff.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Mapping, Optional, Pattern, Sequence, Tuple

from assistant import handoff_classifier
from assistant.message import Message, MessageLike
from assistant.safety_detector import detect
from assistant.spelling import standardised

from assistant.vocabulary import RUNGS
from assistant.topics import OUT_OF_SCOPE, TOPICS

logger = logging.getLogger(__name__)

__all__ = [
    "RUNGS",
    "Complexity",
    "tried_rungs",
    "first_rung",
    "next_rung",
    "assess_complexity",
    "detect_needs",
    "handoff_expected",
    "first_ladder_label",
    "is_explicit_municipal_request",
    "is_general_question",
    "TOPIC_KEYWORDS",
]

_RUNG_INDEX: Dict[str, int] = {r: i for i, r in enumerate(RUNGS)}


def _c(pattern: str) -> Pattern[str]:
    return re.compile(pattern)


# ---------------------------------------------------------------------------------------------
# Rungs the resident already tried or cannot use
# ---------------------------------------------------------------------------------------------

_NETWORK_NOUN = (
    r"(?:kinderen|kind|zoon|zonen|dochter|dochters|familie|familieleden|buren|buurman|buurvrouw|"
    r"vrienden|vriend|vriendin|vriendinnen|partner|man|vrouw|broer|broers|zus|zussen|kennissen|"
    r"omgeving|netwerk|schoonzoon|schoondochter|neef|nicht|kleinkinderen|mantelzorger)"
)

_TRIED_PATTERNS: Mapping[str, Tuple[str, ...]] = {
    "netwerk": (
        # "mijn kinderen kunnen niet helpen", "mijn dochter kan niet meer komen"
        r"\b(?:mijn|onze|de|me) " + _NETWORK_NOUN + r" (?:[a-z]+ ){0,3}(?:kan|kunnen|wil|willen|kon|konden|wilden|hebben|heeft) (?:[a-z]+ ){0,2}(?:niet|geen|niks|nooit)\b(?! alleen)",
        r"\b(?:heb|hebben|heeft) (?:[a-z]+ ){0,2}(?:geen|weinig) (?:familie|kinderen|vrienden|netwerk|kennissen|mensen om me heen|mantelzorger|contact met (?:mijn )?familie)\b",
        r"\bniemand (?:in (?:mijn|de|onze) (?:omgeving|buurt|familie)|om (?:me|mij|ons) heen|die (?:me|mij|ons) (?:kan|wil) helpen|kan (?:me |mij |ons )?helpen|die kan helpen|die helpt)\b",
        r"\b" + _NETWORK_NOUN + r" (?:woont|wonen) (?:te |heel |erg )?(?:ver|ver weg|in het buitenland|aan de andere kant)\b",
        r"\bsta (?:er|ik) (?:helemaal )?alleen (?:voor)?\b|\bik ben (?:helemaal )?alleen\b(?! (?:thuis|op) )",
        r"\b(?:kan|kunnen) (?:niet|nergens) (?:meer )?(?:op (?:mijn |onze )?" + _NETWORK_NOUN + r"|op iemand) (?:rekenen|terugvallen)\b",
        r"\b(?:netwerk|familie) (?:is|kan) (?:te klein|er niet|niet helpen|weg|uitgeput|overbelast)\b",
        r"\b(?:wehelpen|buren) (?:al )?(?:geprobeerd|gevraagd)\b",
        r"\b" + _NETWORK_NOUN + r" (?:zijn|is) (?:overleden|te druk|zelf ziek|er niet)\b",
    ),
    "zelf": (
        r"\b(?:kan|kunnen|lukt|red) (?:het |ik |we |me |mij )*(?:zelf|alleen) (?:niet|nie)(?: meer)?\b",
        r"\b(?:kan|kunnen) (?:het |ik |we )?(?:niet|nie) (?:meer )?(?:zelf|alleen)\b",
        r"\blukt (?:me|mij|ons|het) (?:[a-z]+ ){0,2}niet (?:meer )?(?:alleen|zelf)\b",
        r"\b(?:red|redt|redden) (?:het|ik het|me|mij|ons) (?:[a-z]+ ){0,2}niet (?:meer )?(?:alleen|zelf)?\b",
        r"\b(?:kan|kunnen|kon) (?:het|dat|dit) (?:[a-z]+ ){0,2}niet (?:meer )?(?:betalen|opbrengen|zelf betalen|bekostigen)\b",
        r"\bgeen geld (?:voor|om)\b|\bte duur (?:voor mij|voor ons|om zelf)\b|\bniet (?:zelf )?te betalen\b",
        r"\b(?:zelf|alles) (?:al )?(?:geprobeerd|gedaan|uitgezocht)\b|\bheb (?:het )?(?:al )?(?:zelf )?(?:alles )?geprobeerd\b",
        r"\bzelf (?:niet|nie) meer\b|\bniet meer zelfstandig\b",
        r"\b(?:tips|website|folder|uitleg) (?:helpen|hielpen|helpt|hielp) (?:niet|me niet|mij niet)\b",
    ),
    "voorliggend_veld": (
        r"\b(?:bij|naar|met|van|via) (?:de |het |een )?" + r"(?P<org>WELZIJN) " + r"(?:[a-z]+ ){0,3}(?:geweest|gegaan|gebeld|gesproken|gemaild|geholpen|contact|al hulp|geprobeerd|kon|konden|kan niet|kunnen niet|helpt al|helpen al|verwezen|aangemeld|ingeschreven)\b",
        r"\b(?:WELZIJN) (?:[a-z]+ ){0,3}(?:helpt|helpen|hielp|hielpen|komt|kwam|kan|kon|kunnen|konden) (?:al|me al|mij al|ons al|niet|me niet|mij niet|ons niet|niet verder|niet meer)\b",
        r"\b(?:krijg|krijgen|heb|hebben) (?:al )?(?:hulp|een maatje|ondersteuning|begeleiding) (?:van|via|bij) (?:de |het |een )?(?:WELZIJN)\b",
        r"\b(?:al|ook al) (?:een )?(?:schuldhulpmaatje|maatje|vrijwilliger|thuisadministratie|formulierenbrigade|ouderenadviseur)\b",
    ),
}
_WELZIJN = (
    r"(?:welzijn\w*|buurthuis|buurtcentrum|wijkcentrum|dorpshuis|vrijwilligers\w*|vrijwilliger|"
    r"schuldhulpmaatje\w*|maatje|humanitas|ouderenadviseur\w*|ouderenwerk\w*|maatschappelijk werk\w*|"
    r"maatschappelijk werker|formulierenbrigade|formulierenhulp|thuisadministratie|voedselbank|"
    r"steunpunt mantelzorg|mantelzorgsteunpunt|mantelzorgconsulent|buurtcoach|opbouwwerk\w*|"
    r"inloopspreekuur|sociaal raadslied\w*|sociaal raadsman|geldfit|zonnebloem|rode kruis|kerk|diaconie|"
    r"stichting [a-z]+)"
)


@lru_cache(maxsize=1)
def _tried_rx() -> Mapping[str, Tuple[Pattern[str], ...]]:
    return {
        rung: tuple(_c(p.replace("(?P<org>WELZIJN)", _WELZIJN).replace("WELZIJN", _WELZIJN)) for p in pats)
        for rung, pats in _TRIED_PATTERNS.items()
    }


def tried_rungs(text: MessageLike) -> FrozenSet[str]:
    """Rungs the resident says they already tried or cannot use.

    Why: a resident who writes "mijn kinderen wonen in het buitenland en ik kan het zelf niet
    meer" should not be told to ask their children or to read tips. ``sociaal_loket`` is never
    returned: the Sociaal Loket is the last rung and always stays available.
    """
    norm = Message.of(text).normalised
    if not norm.strip():
        return frozenset()
    return frozenset(rung for rung, rxs in _tried_rx().items() if any(rx.search(norm) for rx in rxs))


# ---------------------------------------------------------------------------------------------
# Explicit municipal requests and general questions
# ---------------------------------------------------------------------------------------------

# Verbs of applying: these mean "I want the provision", even inside a how-question.
_APPLY_VERB = (
    r"\bhoe (?:vraag|vragen|vraagt) (?:ik|je|u|we|wij|men|mijn [a-z]+) (?:[a-z]+ ){0,6}aan\b"
    r"|\b(?:wil|willen|wilt|moet|moeten|kan|kunnen|mag|ga|gaan|zou) (?:[a-z]+ ){0,6}aan ?vragen\b"
    r"|\baan ?vragen (?:bij|via) (?:de |het )?(?:gemeente|sociaal loket|wijkteam|wmo)\b"
    r"|\b(?:aanvraag|melding) (?:doen|indienen|maken|aanmaken|starten)\b"
    r"|\b(?:een |de )?(?:wmo ?)?melding (?:doen|maken) (?:bij|voor)\b"
    r"|\bwaar (?:vraag|kan) (?:ik|je|u|we) (?:[a-z]+ ){0,5}aan(?:vragen)?\b"
    r"|\b(?:via|bij|van) de gemeente (?:regelen|krijgen|aanvragen|vergoed)\b"
    r"|\b(?:wil|willen|graag) (?:een )?(?:gesprek|afspraak) (?:met|bij) (?:de gemeente|het sociaal loket|het wijkteam|een consulent|iemand van de gemeente)\b"
)
# Nouns of the formal procedure: a strong sign, unless the message is a general question.
_APPLY_NOUN = (
    r"\bindicatie\w*|\bherindicatie\w*|\bbeschikking\w*|\bkeukentafel ?gesprek\w*|\bwmo ?voorziening\w*"
    r"|\bmaatwerk ?voorziening\w*|\bwmo ?(?:melding|aanvraag)\b|\baanvraag (?:bij|via) de gemeente\b"
    r"|\bhulp (?:van|via) de gemeente (?:nodig|krijgen|aanvragen)\b"
)
_GENERAL = (
    r"^ (?:hoe werkt|hoe zit het|wat is|wat zijn|wat houdt|wat betekent|wat doet|wat kost|wat kosten|hoeveel|"
    r"wie (?:bepaalt|betaalt)|waarom|bestaat er|is er|zijn er|geldt|klopt het)\b"
    r"|\bhoe werkt\b|\bwat houdt (?:[a-z]+ ){0,4}in\b|\bwat (?:betekent|is) (?:een|het|de) \w+\b(?= ?$)"
    r"|\bin het algemeen\b|\balgemene (?:vraag|informatie)\b|\bik wil (?:graag )?weten hoe (?:het|dat|dit) werkt\b"
    # the term first, the question after it: "beslagvrije voet, wat is dat?"
    r"|\b(?:wat is|wat betekent|wat houdt|hoe werkt) (?:dat|dit|dat precies|dat eigenlijk)(?: in)? ?$"
)


# The resident already has municipal support and something is wrong with it: only the Sociaal
# Loket (or the consulent) can look at that.
_EXISTING_SERVICE = (
    r"\b(?:mijn|zijn|haar|onze|de) (?:uren|indicatie|beschikking|uitkering|begeleider|begeleiding|hulp|thuiszorg|huishoudelijke hulp|taxipas|wmo ?pas|pgb) "
    r"(?:[a-z]+ ){0,4}(?:verlaagd|verminderd|minder|stopt|gestopt|stopgezet|ingetrokken|afgepakt|niet (?:meer )?(?:betaald|binnen|gekomen|overgemaakt)|van \d+ naar \d+)\b"
    r"|\b(?:aanvraag|melding) (?:gedaan|ingediend)\b(?= (?:[a-z]+ ){0,8}(?:niemand|niks|niets|geen (?:reactie|antwoord|bericht)))"
)
# Free, general provisions named by the resident: the voorliggend veld is the right start.
_FREE_OFFER = (
    r"\bzonder indicatie\b|\binloop\w*|\bmaatje\b|\blotgeno\w*|\bandere jongeren\b|\bop de koffie\b"
    r"|\b(?:iemand|een vrijwilliger) (?:die|om) (?:[a-z]+ ){0,4}(?:langs|op bezoek|meegaat|mee te gaan|mee kan)\b"
    r"|\b(?:lenen|uitlenen)\b|\bvoedselbank\b|\bbuurthuis\b|\bsamen met anderen\b"
)


def is_existing_service_problem(text: MessageLike) -> bool:
    """A problem with support the resident already gets ("mijn uren zijn verlaagd")."""
    return re.search(_EXISTING_SERVICE, Message.of(text).normalised) is not None


def asks_for_free_offer(text: MessageLike) -> bool:
    """The resident asks for something the voorliggend veld offers (inloop, maatje, lenen)."""
    return re.search(_FREE_OFFER, Message.of(text).normalised) is not None


def is_explicit_municipal_request(text: MessageLike) -> bool:
    """True when the resident explicitly asks for a municipal provision or the formal procedure.

    "Hoe vraag ik een scootmobiel aan", "ik wil een indicatie", "wanneer krijg ik mijn
    beschikking", "ik wil een keukentafelgesprek": the Sociaal Loket is the right first rung.
    A general question about the same noun ("wat is een keukentafelgesprek?") is not.
    """
    norm = Message.of(text).normalised
    if re.search(_APPLY_VERB, norm):
        return True
    return bool(re.search(_APPLY_NOUN, norm)) and not is_general_question(text)


def is_general_question(text: MessageLike) -> bool:
    """True for a question on how something works in general ("Hoe werkt de eigen bijdrage?")."""
    norm = Message.of(text).normalised
    return bool(re.search(_GENERAL, norm)) and not re.search(_APPLY_VERB, norm)


def _available(ladder: Mapping[str, Optional[str]], rung: str) -> bool:
    value = ladder.get(rung)
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def first_rung(text: MessageLike, ladder: Mapping[str, Optional[str]]) -> Optional[str]:
    """The rung to start at for this message and this catalogue entry's ladder.

    Order of the rules, and why:
    1. An explicit request for a municipal provision starts at ``sociaal_loket`` (if the entry has
       one): the resident already knows what they want.
    2. A general "how does it work" question starts at ``zelf`` (information the resident can read
       and use), even if they mention they tried other things.
    3. Otherwise the lowest rung that has content, above every rung the resident says they
       already tried. The ladder is climbed in order, so "ik ben al bij de welzijnsorganisatie
       geweest" implies they are past tips and their network too: offering those again would
       feel like not being listened to.
    4. If every rung with content was tried, ``sociaal_loket`` if present (the last resort stays
       open), else ``None``.
    A rung is unavailable when the ladder maps it to ``None`` (or lacks it).
    """
    if not ladder:
        return None
    if ((is_explicit_municipal_request(text) or is_existing_service_problem(text))
            and _available(ladder, "sociaal_loket")):
        return "sociaal_loket"
    tried = tried_rungs(text)
    if (asks_for_free_offer(text) and "voorliggend_veld" not in tried
            and _available(ladder, "voorliggend_veld")):
        return "voorliggend_veld"
    if is_general_question(text) and _available(ladder, "zelf"):
        return "zelf"
    floor = max((_RUNG_INDEX[r] + 1 for r in tried), default=0)
    for rung in RUNGS[floor:]:
        if _available(ladder, rung):
            return rung
    return "sociaal_loket" if _available(ladder, "sociaal_loket") else None


def next_rung(
    current: Optional[str],
    ladder: Mapping[str, Optional[str]],
    skipped: Iterable[str] = (),
) -> Optional[str]:
    """The next available rung above ``current``; ``None`` when the ladder is exhausted.

    ``current=None`` means "not on the ladder yet" and returns the lowest available rung.
    ``skipped`` are rungs the resident said they tried (from :func:`tried_rungs`) or that were
    already offered; rungs with ``None`` content are not applicable and skipped too.
    ``urgent``/``complex`` are beside the ladder: there is no next rung after them.
    Raises ``ValueError`` for an unknown rung name, because a typo there would silently send
    every resident to the wrong place.
    """
    if current in ("urgent", "complex"):
        return None
    if current is not None and current not in _RUNG_INDEX:
        raise ValueError(f"unknown ladder rung: {current!r}")
    skip = set(skipped)
    start = 0 if current is None else _RUNG_INDEX[current] + 1
    for rung in RUNGS[start:]:
        if rung not in skip and _available(ladder, rung):
            return rung
    return None


# ---------------------------------------------------------------------------------------------
# Topic keywords (distinct needs in one message, complexity)
# ---------------------------------------------------------------------------------------------

#: Compact, typo-tolerant stems per topic over normalised text. Only used *together* with the NLU
#: ranking (or alone when no ranking is available), never to override the model's top topic.
TOPIC_KEYWORDS: Mapping[str, str] = {
    "huishoudelijke_hulp": r"\bhuishoud\w*|\bschoonma\w*|\bpoetsen|\bstofzuig\w*|\bhuishoudelijk\w*|\bhulp in (?:het|huis)\b|\bwas(?:goed)? doen\b|\bboodschappen\b|\bthuiszorg\b",
    "begeleiding_dagbesteding": r"\bbegeleid\w*|\bdagbesteding\w*|\bdagopvang\b|\bdag ?activiteit\w*|\bstructuur in (?:mijn|zijn|haar) (?:dag|leven)\b|\bbeschermd wonen\b(?=.*begeleid)",
    "hulpmiddelen_woningaanpassing": r"\bhulpmiddel\w*|\brolstoel\w*|\bscootmobiel\w*|\btraplift\w*|\brollator\w*|\btillift\b|\bwoning ?aanpassing\w*|\b(?:huis|badkamer|douche|woning) (?:aanpassen|aangepast|verbouwen)\b|\bdrempel\w*|\bdouchestoel\b|\bhoog ?laag ?bed\b",
    "vervoer": r"\bvervoer\w*|\bregiotaxi\b|\bdeeltaxi\b|\btaxi\w*|\bvalys\b|\bleerlingenvervoer\b|\bparkeerkaart\b|\bgehandicaptenparkeer\w*|\bnaar het ziekenhuis (?:rijden|brengen)\b",
    "mantelzorg": r"\bmantelzorg\w*|\bzorg voor mijn (?:man|vrouw|moeder|vader|partner|ouders|zoon|dochter|kind)\b|\bzorg(?:en)? (?:al jaren )?voor (?:hem|haar)\b|\brespijtzorg\b|\bontlasten\b|\bverzorg (?:mijn|hem|haar)\b",
    "jeugdhulp_opvoeden": r"\bjeugd ?hulp\w*|\bopvoed\w*|\bspijbel\w*|\bpuber\w*|\btiener\w*|\bzoon\b|\bdochter\b|\bkind(?:eren)?\b|\badhd\b|\bautis\w*|\bdyslex\w*|\bschool\b|\bleerplicht\w*|\bcjg\b|\bjeugdconsulent\b",
    "bijstand_uitkering": r"\bbijstand\w*|\buitkering\w*|\bparticipatiewet\b|\bgeen inkomen\b|\bioaw\b|\bbbz\b",
    "werk_reintegratie": r"\bwerk\b|\bbaan\b|\bsolliciter\w*|\bsollicitatie\w*|\bre ?integratie\w*|\bwerkloos\b|\bjob ?coach\b|\bwerkervaring\w*|\bbeschut werk\b|\bwerk zoeken\b|\bbijbaan\w*",
    "schulden_geldzorgen": r"\bschuld\w*|\bgeldzorg\w*|\bachterstand\w*|\bdeurwaarder\w*|\bincasso\w*|\baanmaning\w*|\brood staan\b|\bbetalingsachterstand\w*|\bbudget(?:ter|coach)\w*|\bkan (?:de |mijn )?(?:rekening\w*|huur|energie) niet (?:meer )?betalen\b|\bgeen geld\b|\bgeldfit\b",
    "minimaregelingen_toeslagen": r"\bminima\w*|\btoeslag\w*|\bkwijtschelding\w*|\bstadspas\w*|\bregeling\w* (?:voor )?(?:een )?laag inkomen\b|\bbijzondere bijstand\b|\bmeedoenregeling\w*|\bindividuele inkomenstoeslag\b|\bzorgverzekering (?:via|van) de gemeente\b|\bvoedselbank\b|\bsportregeling\b|\bkindpakket\b|\benergietoeslag\b",
    "eenzaamheid_meedoen": r"\beenza\w*|\balleen (?:en|sinds)\b|\bniemand om mee te praten\b|\bmeedoen\b|\bsociale contacten\b|\bactiviteit\w* in de buurt\b|\bvrijwilligerswerk\b|\bnieuwe mensen\b|\bmaatje\b",
    "wonen_beschermd_wonen_opvang": r"\bdakloos\w*|\bopvang\b|\bnachtopvang\b|\bbeschermd wonen\b|\bhuisuitzetting\b|\buit ?zetting\b|\bontruiming\w*|\buit huis (?:gezet|zetten|moeten)\b|\bop straat\b|\bgeen (?:woning|huis|dak)\b|\burgentie\w*|\bwoning ?zoek\w*|\bhuurwoning\b|\bslaapplek\b|\bbankslap\w*",
    "huiselijk_geweld_veiligheid": r"\bhuiselijk geweld\b|\bgeweld\b|\bmishandel\w*|\bveilig thuis\b|\bonveilig\b|\bslaat (?:me|mij)\b|\bbedreig\w*|\bvrouwenopvang\b",
    "psychische_problemen_crisis": r"\bpsychisch\w*|\bdepress\w*|\bsomber\w*|\bangst\w*|\bpaniek\w*|\bburn ?out\b|\bggz\b|\bpsycholo\w*|\bpsychiat\w*|\bverslav\w*|\bpsychose\b|\boverspannen\b",
    "eigen_bijdrage_kosten": r"\beigen bijdrage\w*|\bcak\b|\babonnementstarief\b|\bwat kost\b|\bkosten (?:van|voor) (?:de |het )?(?:hulp|wmo|huishoudelijke|zorg)\b",
    "pgb": r"\bpgb\w*|\bpersoonsgebonden budget\w*|\bbudgethouder\w*|\bsvb\b|\bzorg in natura\b",
    "bezwaar_klacht": r"\bbezwaar\w*|\bklacht\w*|\bberoep (?:aantekenen|instellen)\b|\boneens met\b|\bniet eens met\b|\bafgewezen\b|\bgeweigerd\b|\bombudsman\b",
    "clientondersteuning": r"\bclient ?ondersteun\w*|\bonafhankelijk\w* (?:advies|ondersteun\w*|client\w*)\b|\biemand die (?:met me |met mij )?(?:meedenkt|meegaat)\b|\bmeegaan naar het gesprek\b",
    "sociaal_loket_contact": r"\bsociaal loket\b|\bwijkteam\b|\bsociaal team\b|\bopeningstijden\b|\btelefoonnummer (?:van )?de gemeente\b|\bafspraak (?:maken|met de gemeente)\b",
    "out_of_scope_municipal": r"\bpaspoort\w*|\brijbewijs\w*|\bid ?kaart\b|\bparkeervergunning\w*|\bafval\w*|\bgrofvuil\b|\bcontainer\w*|\bbouwvergunning\w*|\bomgevingsvergunning\w*|\bverhuizing doorgeven\b|\buittreksel\b|\bgemeentelijke belasting\w*|\bozb\b|\blantaarnpaal\w*",
    "out_of_scope_other": r"\bweer (?:van|morgen)\b|\brecept\w*|\bvoetbal\w*|\bvakantie\w*|\bbelastingdienst\b|\bhuurtoeslag\b",
}


@lru_cache(maxsize=1)
def _topic_rx() -> Mapping[str, Pattern[str]]:
    return {t: _c(p) for t, p in TOPIC_KEYWORDS.items()}


def keyword_topics(text: MessageLike) -> List[str]:
    """Topics whose keywords occur in ``text``, in order of first appearance (clause by clause)."""
    found: List[str] = []
    rx = _topic_rx()
    for clause in Message.of(text).clauses:
        hits = sorted(
            ((m.start(), t) for t, r in rx.items() for m in [r.search(clause)] if m is not None),
        )
        for _, topic in hits:
            if topic not in found:
                found.append(topic)
    return found


def _is_topic(label: Optional[str]) -> bool:
    return label in TOPICS


def _real(label: Optional[str]) -> bool:
    return _is_topic(label) and label not in OUT_OF_SCOPE


def detect_needs(
    text: MessageLike,
    ranking: Sequence[Tuple[str, float]],
    min_score: float = 0.2,
) -> List[str]:
    """Topic labels of the distinct needs in one message, the NLU top topic first.

    A topic other than the top one counts only when the NLU gives it at least ``min_score`` AND
    one of its keywords occurs in the text: either signal alone is too noisy (the model spreads
    probability over neighbours; keywords like "kind" occur in many stories). Without a ranking
    (tools, tests), the keyword hits alone are used, in text order.
    Out-of-scope labels are never returned together with real topics: "paspoort verlengen en ik
    heb schulden" is a schulden question for this assistant. Non-topic intents (greet, affirm,
    nlu_fallback, ...) in the ranking are ignored.
    """
    ranked = [(label, float(score)) for label, score in (ranking or []) if _is_topic(label)]
    keyword_hits = keyword_topics(text)
    if not ranked:
        needs = keyword_hits
    else:
        ranked.sort(key=lambda ls: -ls[1])
        top = ranked[0][0]
        needs = [top]
        hits = set(keyword_hits)
        for label, score in ranked[1:]:
            if score >= min_score and label in hits and label not in needs:
                needs.append(label)
    real = [n for n in needs if _real(n)]
    if real:
        return real
    return needs[:1]


# ---------------------------------------------------------------------------------------------
# Complexity
# ---------------------------------------------------------------------------------------------

#: Complexity reasons for a material need that cannot wait until tomorrow.
ACUTE_NEEDS = ("geen eten vandaag", "gas, stroom of water afgesloten", "geen slaapplek vannacht")


@dataclass(frozen=True)
class Complexity:
    """Whether a case is better handled by a person, with short Dutch reasons for staff."""

    complex: bool
    reasons: Tuple[str, ...] = ()

    @property
    def acute(self) -> bool:
        """Same-day help is needed (food, a bed tonight, energy cut off)."""
        return any(reason in ACUTE_NEEDS for reason in self.reasons)


_CARE_TOPICS = frozenset({
    "huishoudelijke_hulp", "begeleiding_dagbesteding", "hulpmiddelen_woningaanpassing", "mantelzorg",
    "psychische_problemen_crisis", "wonen_beschermd_wonen_opvang", "pgb", "eigen_bijdrage_kosten",
})
_DEBT_RX = r"\bschuld\w*|\bdeurwaarder\w*|\bincasso\w*|\baanmaning\w*|\bbetalingsachterstand\w*|\bhuurachterstand\w*|\bachterstand\w*|\brekeningen (?:niet|stapelen)|\bkan (?:de |mijn )?(?:rekening\w*|huur|energie) niet (?:meer )?betalen\b"
_CARE_RX = r"\bzorg\b|\bthuiszorg\b|\bhuishoud\w*|\bbegeleid\w*|\bdagbesteding\b|\bmantelzorg\w*|\bdement\w*|\bziek\w*|\bgehandicapt\w*|\bbeperking\w*|\brolstoel\w*|\bscootmobiel\w*|\bggz\b|\bpsychisch\w*|\bdepress\w*"
_CHILD_RX = r"\bkind\w*|\bzoon\w*|\bdochter\w*|\bpuber\w*|\btiener\w*|\bbaby\b|\bjeugd\w*|\bschool\b|\bspijbel\w*"
_EVICTION_RX = (
    r"\bhuisuitzetting\w*|\bhuis uit (?:te )?(?:zetten|gezet)\b|\buit huis (?:te )?(?:zetten|gezet)\b|\buit ?zetting\w*|\bontruim\w*|\bvonnis\b|\buit (?:mijn |ons |het )?huis (?:gezet|zetten|moeten|geknikkerd)\b"
    r"|\b(?:mijn|ons|het) huis uit moeten\b|\bmoet(?:en)? (?:mijn |ons |het )?huis uit\b|\bop straat (?:te )?(?:staan|komen|belanden|terecht)\b|\bstaan? (?:straks )?op straat\b"
    r"|\bdakloos\w*|\bgeen dak boven\b|\bhuur (?:wordt )?opgezegd\b|\bhuurcontract (?:wordt )?(?:opgezegd|ontbonden)\b|\bslaap (?:nu )?(?:in (?:mijn|de) auto|bij vrienden op de bank|buiten)\b"
    # Leaving prison, a clinic or care soon without a home to go to.
    r"|\b(?:kom|komt) (?:[a-z0-9]+ ){0,3}(?:vrij|uit de (?:gevangenis|bajes|kliniek|instelling|opvang))\b(?= (?:[a-z]+ ){0,10}geen (?:woning|huis|onderdak|adres|kamer|plek)\b)"
)
_EXHAUSTED_RX = (
    r"\bkan (?:het )?niet meer\b|\b(?:ik ben|ben ik|ben) (?:helemaal |echt |compleet |totaal |gewoon )?op\b(?! (?:zoek|de|het|een|tijd|weg|bezoek|straat|school|vakantie|reis|pad|mijn|zijn|haar|hun|dit|dat|deze|die|wachtlijst|werk|kantoor|tijd)\b)|\boverbelast\w*|\buitgeput\b|\bopgebrand\b"
    r"|\btrek het niet (?:meer)?\b|\btrekt (?:het|dit|de zorg|alles)(?: [a-z]+){0,6} niet meer\b|\bhou (?:het )?niet (?:meer )?vol\b|\bhoud (?:het )?niet (?:meer )?vol\b|\bben (?:helemaal )?kapot\b|\bop van de zorg\b|\bop mijn tandvlees\b|\baan het eind van mijn latijn\b|\bten einde raad\b"
    r"|\bgeen (?:tijd|energie) meer voor mezelf\b|\bmijn grens (?:is )?bereikt\b|\bvalt me zwaar\b|\bwordt me te veel\b|\bis me te veel\b|\bte zwaar\b"
)
_MANTELZORG_RX = (
    r"\bmantelzorg\w*|\bzorg (?:al [a-z]+ (?:jaar|jaren) )?(?:voor|om) (?:mijn|hem|haar)\b|\bverzorg (?:mijn|hem|haar)\b"
    r"|\b(?:mijn )?(?:man|vrouw|moeder|vader|partner|ouders|zoon|dochter) (?:[a-z]+ ){0,3}(?:dement\w*|alzheimer|parkinson|ziek|verzorgen)\b"
)
_CHILD_SAFETY_RX = (
    r"\b(?:kind\w*|zoon\w*|dochter\w*|baby|puber\w*|kleintjes?) (?:[a-z]+ ){0,6}(?:niet veilig|onveilig|in gevaar|verwaarloos\w*|geslagen|mishandel\w*|drugs|ondergedoken|vermist|weggelopen|criminel\w*)\b"
    r"|\b(?:niet veilig|onveilig|gevaar|huiselijk geweld|geweld thuis)\b(?= (?:[a-z]+ ){0,8}(?:kind\w*|zoon|dochter|baby))"
    r"|\bondertoezichtstelling\b|\b(?:jeugdbescherming|raad voor de kinderbescherming|veilig thuis)\b(?= (?:[a-z]+ ){0,8}(?:kind\w*|zoon|dochter))"
)
_ALL_WRONG_RX = (
    r"\balles (?:loopt|gaat) (?:mis|fout|tegelijk mis)\b|\balles tegelijk\b|\bvan alles tegelijk\b|\bweet niet (?:meer )?waar ik (?:moet )?beginnen\b"
    r"|\bgroeit (?:me|mij) boven het hoofd\b|\bboven (?:mijn|het) hoofd\b|\bhet ene na het andere\b|\bchaos\b|\bstort (?:alles )?in\b|\bmijn leven (?:is )?een puinhoop\b"
)
_PERSON_RX = (
    r"\b(?:wil|graag|liefst|kan ik) (?:[a-z]+ ){0,3}(?:iemand spreken|met iemand praten|een mens|een medewerker|persoonlijk contact|een echt persoon)\b"
    r"|\bmet iemand (?:van de gemeente |van het loket |van jullie )?(?:bellen|praten|spreken)\b|\bniet met een (?:robot|computer|bot|chatbot)\b"
    r"|\b(?:ik wil|wil ik|ik zou|graag) (?:\w+ ){0,2}(?:praten|spreken) met (?:iemand|een mens|een medewerker|een persoon|een consulent)\b"
    r"|\b(?:een mens|een persoon|iemand|een medewerker) (?:[a-z]+ ){0,2}(?:spreken|zien|aan de lijn) in plaats van (?:een |de |die )?(?:computer|robot|bot|chatbot)\b"
    r"|\bteruggebeld (?:worden|word)\b|\b(?:kan|kunt|wil|wilt) (?:iemand |u |jullie |de gemeente |het wijkteam )?(?:mij|me) (?:terug)?bellen\b"
)
_HOMELESS_NOW_RX = (
    r"\b(?:geslapen|slaap|sliep|slapen) (?:[a-z0-9]+ ){0,4}(?:in (?:een|de|het|mijn) (?:bushokje|auto|park|portiek|tent|trappenhuis|fietsenstalling)|op straat|buiten|bij (?:een |mijn )?(?:vriend|vriendin|vrienden|kennis|kennissen) op (?:de|de bank|een matras))\b"
    r"|\beruit gegooid\b|\bop straat gezet\b|\bgeen (?:slaapplek|plek om te slapen|onderdak)\b|\bnergens (?:meer )?(?:om |kan ik )?(?:te )?slapen\b|\bzonder verwarming\b"
    r"|\b(?:no place|nowhere) to sleep\b|\b(?:sleep|slept|sleeping) (?:[a-z]+ ){0,3}(?:on the street|in (?:my|the|a) car|in the park|outside)\b"
)
# "Na 38 jaar bij de drukkerij op straat gezet": fired from a job, not put out of one's home.
_FIRED_RX = re.compile(
    r"\b(?:baas|werkgever|bedrijf|fabriek|drukkerij|zaak|werk|baan|jaar bij (?:[a-z]+ ){1,2})"
    r"(?:[a-z0-9]+ ){0,4}op straat gezet\b"
    r"|\bop straat gezet (?:[a-z]+ ){0,3}(?:door|bij) (?:mijn |de |het |hun )?(?:baas|werkgever|bedrijf)\b")
_CARE_LOST_RX = (
    r"\b(?:die|wie) (?:voor (?:hem|haar|mij|ons) )?zorgde (?:[a-z]+ ){0,3}(?:overleden|opgenomen|weg|gestorven)\b"
    r"|\bmantelzorger (?:is )?(?:overleden|weggevallen|opgenomen|ziek geworden)\b"
)
_ADDICTION_RX = r"\bdrink (?:te veel|veel te veel|teveel)\b|\bverslaaf\w*|\bverslaving\w*|\bgok(?:t|ken|verslaving)?\b|\bdrugs\b|\bdrank\w*|\balcohol\w*"
_NO_INCOME_RX = r"\bgeen (?:inkomen|uitkering|loon|geld (?:meer )?voor (?:eten|luiers|de huur|boodschappen))\b|\balles kwijt\b"
_AGGRESSION_WITH_CHILDREN_RX = (
    r"\b(?:agressief|gewelddadig|dreigend)\b(?= (?:[a-z]+ ){0,12}(?:kind\w*|kleine|baby))"
    r"|\b(?:kind\w*|kleine kinderen|baby)\b(?= (?:[a-z]+ ){0,12}(?:agressief|gewelddadig|dreigend))"
)
# Material need today: no food, no roof tonight, energy or water cut off. Same-day help comes
# before anything else, and the ticket gets a high urgency.
_ACUTE_RX = {
    "geen eten vandaag": (
        r"\bgeen (?:eten|boodschappen|melk|luiers|brood)\b(?= (?:[a-z]+ ){0,6}(?:vandaag|vanavond|meer in huis|in huis|voor (?:de|mijn|onze) (?:kinderen|kids|kleine|baby)))"
        r"|\b(?:vandaag|vanavond) (?:[a-z]+ ){0,4}geen (?:eten|geld voor eten|boodschappen)\b|\bniks (?:meer )?te eten\b|\bniets (?:meer )?te eten\b"
        r"|\b(?:kinderen|kids|baby) (?:[a-z]+ ){0,4}honger\b|\bhonger (?:en|maar) geen geld\b"
        # English and Afrikaans, as newcomers and labour migrants write it
        r"|\bno (?:food|money for food)\b(?= (?:[a-z]+ ){0,6}(?:today|tonight|in the house|for the (?:kids|children|baby)))"
        r"|\bnothing (?:left )?to eat\b|\b(?:kids|children|baby) (?:are |is )?hungry\b"
        r"|\bvandag (?:[a-z]+ ){0,4}(?:geen|niet? meer) kos\b|\bniet? meer kos in (?:die|het|de) huis\b"),
    "gas, stroom of water afgesloten": (
        r"\b(?:gas|stroom|elektriciteit|water|energie)\b(?= (?:[a-z]+ ){0,4}(?:afgesloten|afsluiten|afgesneden|eraf))"
        r"|\bafgesloten van (?:het |de )?(?:gas|stroom|water|energie)\b"),
    "geen slaapplek vannacht": (
        r"\b(?:vannacht|vanavond) (?:[a-z]+ ){0,4}(?:geen (?:slaapplek|plek|dak)|nergens)\b"
        r"|\bgeen (?:slaapplek|plek om te slapen|dak boven (?:mijn|ons) hoofd) (?:voor )?vannacht\b"
        r"|\b(?:tonight|this night) (?:[a-z]+ ){0,5}(?:no place|nowhere|on the street)\b"
        r"|\b(?:no place|nowhere|no room|no bed) (?:[a-z]+ ){0,3}(?:to sleep|for the night)\b(?= (?:[a-z]+ ){0,8}tonight)"
        r"|\b(?:leave|out of) (?:the|my|our) (?:house|room|caravan|home|flat) tonight\b"),
}

# A concrete decision about someone's help or income was cut, refused or stopped: a person
# explains it and helps with a bezwaar, which has a deadline.
_DECISION_CUT_RX = (
    r"\b(?:afgewezen|geweigerd|stopgezet|stop ?gezet|ingetrokken|beeindigd|teruggevorderd|verlaagd|gekort|afgebouwd|minder uren|niet verlengd|stopt per)\b"
    # the help told as stopped: "mijn jeugdhulp is gestopt toen ik 18 werd"
    r"|\b(?:is|wordt|werd) (?:\w+ )?gestopt\b(?! met)"
    # the refusal told as the municipality's will: "de gemeente wil mij geen pgb geven"
    r"|\b(?:gemeente|consulent|wijkteam|ze|zij) (?:wil|willen|weigert|weigeren) (?:mij|me|ons|hem|haar|mijn [a-z]+) (?:geen|niet langer|niet meer)\b"
    # less help than before: "nog maar anderhalf uur in plaats van drie"
    r"|\bnog maar\b(?:\s+\S+){0,6}?\s+(?:in plaats van|ipv)\b"
    # the decision told as what the municipality says: "de gemeente zegt dat ik met de bus kan"
    r"|\b(?:(?:gemeente|consulent|wijkteam) (?:zegt|vindt|heeft besloten|besloot)|(?:zegt|vindt|besloot) (?:de |het )?(?:gemeente|consulent|wijkteam)) (?:nu )?dat (?:ik|hij|zij|ze|we|wij) (?:\w+ ){0,4}(?:gewone bus|het zelf|zelf kan|zelf kunnen|niet meer|geen)\b"
    # money asked back: "de gemeente wil 1.400 euro terug"
    r"|\b(?:wil|willen|eist|eisen|vordert|vorderen) (?:[a-z0-9]+ ){0,3}(?:euro|geld|bedrag|pgb|budget)\w* (?:\w+ ){0,3}terug\b"
)
_SERVICE_RX = (
    r"\bwmo\b|\bindicatie\w*|\bhuishoudelijke hulp\b|\bthuishulp\b|\bhulp (?:in|bij) het huishouden\b|\bpgb\b|\bjeugdhulp\b|\bbegeleiding\b|\bdagbesteding\b"
    r"|\bhulpmiddel\w*|\bscootmobiel\w*|\brolstoel\w*|\btraplift\w*|\bwoningaanpassing\w*|\bvervoer\w*|\bregiotaxi\b|\bleerlingenvervoer\b|\bzorg\b|\buren\b"
)
# An objection against a concrete decision ("niet eens met het besluit", "bezwaar tegen de
# beschikking"): a person explains the decision and the deadline. Only for social decisions: the
# topic or a service word must say so (a parking fine is not ours).
_DISPUTE_RX = (
    r"\bniet eens met (?:het|de|dit|dat|mijn|hun|jullie) (?:[a-z]+ )?(?:besluit|beslissing|beschikking|brief|uitkomst|indicatie)\b"
    r"|\bbezwaar (?:maken |aantekenen |indienen )?tegen (?:het|de|dit|mijn|hun) (?:[a-z]+ )?(?:besluit|beslissing|beschikking|afwijzing|indicatie)\b"
    r"|\b(?:besluit|beslissing|beschikking) (?:[a-z]+ ){0,4}(?:klopt niet|onterecht|oneerlijk)\b"
    # a complaint about how a staff member treated the resident
    r"|\bklacht\w* (?:\w+ ){0,6}(?:over|tegen) (?:\w+ ){0,4}(?:consulent|medewerker|wijkcoach|wijkteam|klantmanager|keukentafelgesprek)\b"
    # an objection that points at the decision just told: "kan ik hier bezwaar tegen maken"
    r"|\b(?:hier|daar) (?:\w+ )?bezwaar (?:tegen )?(?:maken|aantekenen|indienen)\b|\bbezwaar (?:\w+ )?(?:hiertegen|daartegen|ertegen)\b"
)
# Threats that come with a date: beslag, a bailiff, a cut-off, an eviction.
_DEBT_THREAT_RX = (
    r"\bbeslag\w*|\bdeurwaarder\w*|\bloonbeslag\b|\bbeslaglegging\b|\bdwangbevel\w*|\bincassobureau\w*|\bafsluit\w*|\bafgesloten\b|\bexecutie\w*"
)
# Someone (often an older or confused person) who no longer looks after himself.
# A stench beside rubbish, mould or empty bottles, in either order: a home that has got out of hand.
_STENCH = r"(?:stinkt|stank|zure lucht|vieze lucht|rare lucht)"
_MESS = r"(?:vuilniszak\w*|afval|rommel|troep|lege (?:blikjes|flessen)|schimmel\w*|vuil)"
_SELF_NEGLECT_RX = (
    r"\bverwaarloo\w*|\bvervuil\w*|\bverloeder\w*|\b(?:eet|drinkt|wast) (?:zich )?(?:[a-z]+ ){0,2}(?:niet|nauwelijks) meer\b"
    r"|\b(?:komt|kwam) (?:[a-z]+ ){0,2}(?:de deur|het huis|zijn huis|haar huis) niet (?:meer )?uit\b|\bdoet (?:de deur )?niet (?:meer )?open\b|\bpost (?:[a-z]+ ){0,3}niet (?:meer )?open\b"
    r"|\bstapels (?:post|vuil|afval)\b|\bpost (?:\w+ )?(?:stapelt|hoopt) (?:zich )?op\b|\blaat (?:niemand|nooit iemand) (?:meer )?binnen\b|\bniemand (?:meer )?binnenlaat\b|\bhuis (?:is |staat )?(?:vol|vies|smerig)\b|\bkijkt niet (?:meer )?naar zichzelf\b"
    rf"|\b{_STENCH}\b(?=.*\b{_MESS}\b)|\b{_MESS}\b(?=.*\b{_STENCH}\b)"
    # and the person who says he needs nothing
    r"|\bzegt (?:steeds |altijd )?dat (?:hij|ze|zij) (?:niks|niets|geen hulp) nodig (?:heeft|hebben)\b"
)

# A decision that stops or refuses someone's income: money is needed now, and a bezwaar has a term.
_REJECTED_RX = r"\b(?:afgewezen|geweigerd|stopgezet|stop ?gezet|ingetrokken|beeindigd|teruggevorderd)\b"
_INCOME_RX = r"\bbijstand\w*|\buitkering\w*|\bvoorschot\w*|\bleefgeld\b|\binkomen\b"
# A sanction on benefits, threatened or given ("als ik weiger krijg ik een maatregel").
_SANCTION_RX = (
    r"\b(?:krijg|kreeg|krijgt|dreigt|dreigen) (?:ik |hij |zij |ze |we )?(?:een )?(?:maatregel|sanctie|korting op (?:mijn |de |zijn |haar )?(?:uitkering|bijstand))\b"
    r"|\b(?:maatregel|sanctie) (?:krijg|krijgt|krijgen|opgelegd|gekregen)\b|\bgekort op (?:mijn |de )?(?:uitkering|bijstand)\b"
)
# Life domains a message touches; three or more at once is a case for a person.
_DOMAIN_RX = {
    "geld": _DEBT_RX + "|" + _NO_INCOME_RX + r"|\buitkering (?:is )?(?:nog )?niet (?:rond|betaald|binnen)\b",
    "zorg": _CARE_RX,
    "kinderen": _CHILD_RX,
    "wonen": _EVICTION_RX + "|" + _HOMELESS_NOW_RX + r"|\bcaravan\b|\bhuis kwijt\b",
    "verslaving": _ADDICTION_RX,
    "werk": r"\bwerk kwijt\b|\bontslagen\b|\bwerkloos\b|\bbaan kwijt\b|\bkan (?:ik |hij |zij )?niet meer werken\b|\barbeidsongeschikt\w*",
}


# The life domain of each topic: several topics of one domain (a wheelchair, the taxi and the
# escort's seat; household help and its eigen bijdrage) are one question about care, not a
# tangle for the social team. Procedural topics (the loket, bezwaar, cliëntondersteuning) are
# no life domain.
_TOPIC_DOMAIN = {
    "huishoudelijke_hulp": "zorg", "hulpmiddelen_woningaanpassing": "zorg", "vervoer": "zorg",
    "begeleiding_dagbesteding": "zorg", "pgb": "zorg", "eigen_bijdrage_kosten": "zorg",
    "mantelzorg": "zorg",
    "bijstand_uitkering": "geld", "minimaregelingen_toeslagen": "geld", "schulden_geldzorgen": "geld",
    "werk_reintegratie": "werk", "jeugdhulp_opvoeden": "kinderen",
    "wonen_beschermd_wonen_opvang": "wonen", "psychische_problemen_crisis": "psychische gezondheid",
    "huiselijk_geweld_veiligheid": "veiligheid", "eenzaamheid_meedoen": "meedoen",
}


def _topic_domains(topics: Sequence[str]) -> List[str]:
    """The life domains of the message's topics, in order."""
    return list(dict.fromkeys(_TOPIC_DOMAIN[t] for t in topics if t in _TOPIC_DOMAIN))


def _has(rx: str, norm: str) -> bool:
    return re.search(rx, norm) is not None


#: Life domains that make a case for a person when they meet in one message.
MULTI_DOMAIN_MIN = 3
#: Words a message needs before its life domains are counted: a short question that names the
#: words of several schemes ("mag ik vrijwilligerswerk doen met behoud van uitkering?") asks
#: about one rule, it does not tell of a tangle. Chosen on the calibration sets (never the frozen
#: one): the longest minimum at which no case for a person there was lost.
MULTI_DOMAIN_MIN_WORDS = 18
#: The handoff classifier's probability a life-domain count needs beside it when it is the only
#: reason. Chosen on the calibration sets (never the frozen one): at 0.5 half of the long plain
#: stories lost their unasked offer and no case for a person there was lost.
MULTI_DOMAIN_SUPPORT = 0.5
#: How the count reason ends ("3 levensgebieden tegelijk").
_COUNT_REASON = "levensgebieden tegelijk"


def assess_complexity(text: MessageLike, topics: Sequence[str], use_classifier: bool = True) -> Complexity:
    """Is this case better handled by a person? Returns short Dutch reasons for staff.

    Complex when several life domains meet (debts and care; debts and children), when housing is
    about to be lost, when a mantelzorger is at the end of their strength, when children may be
    unsafe, when three or more life domains are involved (money, care, children, housing,
    work ...; not three topics of one domain), or when the resident says everything goes
    wrong at once. These are the situations the seeds route to the Integraal Sociaal Team /
    wijkteam instead of a single product: one answer from a bot cannot cover them.
    ``topics`` are topic labels (e.g. from :func:`detect_needs`); out-of-scope labels are ignored.

    The rules decide first; when none fires, the learned classifier of
    :mod:`assistant.handoff_classifier` may still find a reason (residents describe these
    situations in words no rule foresees), unless the topics are only subjects outside the
    social domain or the message asks how something works in general ("wat doet een
    deurwaarder?"). ``use_classifier=False`` gives the rules alone, to measure each judge on its
    own. Acute needs stay rule-driven: the classifier never names one
    of :data:`ACUTE_NEEDS`, so same-day help lines never depend on a learned guess.
    """
    reasons = _rule_reasons(text, topics)
    if not use_classifier:
        return Complexity(bool(reasons), tuple(reasons))
    if reasons and all(r.endswith(_COUNT_REASON) for r in reasons):
        # A long story touches many subjects ("mijn man is geopereerd, ik werk fulltime, wie
        # doet de boodschappen?") without being a tangle; the count cannot tell them apart, the
        # classifier has read the difference. Below MULTI_DOMAIN_SUPPORT it is also below its
        # own threshold, so it has no reason of its own to add. If it cannot load, the count
        # stands.
        seen = _prediction(text)
        if seen is not None and seen.probability < MULTI_DOMAIN_SUPPORT:
            reasons = []
    elif not reasons and not _not_ours(topics) and not is_general_question(text):
        seen = _prediction(text)
        reasons = [seen.reason] if seen is not None and seen.reason else []
    return Complexity(bool(reasons), tuple(reasons))


def _not_ours(topics: Sequence[str]) -> bool:
    """Only subjects outside the social domain ("bezwaar tegen mijn WOZ-waarde", a parking
    fine): no case for the social team, so the classifier is not asked."""
    labels = set(topics or ())
    return any(t in OUT_OF_SCOPE for t in labels) and not any(_real(t) for t in labels)


def _prediction(text: MessageLike) -> Optional[handoff_classifier.Prediction]:
    """The handoff classifier's view of the message, or None when the model cannot load (never
    raises: the rules must keep working without it)."""
    try:
        return handoff_classifier.predict(Message.of(text).text)
    except Exception:  # noqa: BLE001
        logger.exception("handoff classifier unavailable; complexity rules only")
        return None


def _rule_reasons(text: MessageLike, topics: Sequence[str]) -> List[str]:
    """The reasons the complexity rules find, in a fixed order. The rules read the message and,
    beside it, its standard Dutch form (dialect and chat words, :mod:`assistant.spelling`)."""
    norm = Message.of(text).normalised
    own_words = len(norm.split())  # the resident's words, not their standard copy beside them
    standard = standardised(norm)
    if standard.split() != norm.split():
        norm = f"{norm} # {standard} "
    real = [t for t in dict.fromkeys(topics or ()) if _real(t)]
    tset = set(real)
    reasons: List[str] = []

    debts = "schulden_geldzorgen" in tset or _has(_DEBT_RX, norm)
    care = bool(tset & _CARE_TOPICS) or _has(_CARE_RX, norm)
    children = "jeugdhulp_opvoeden" in tset or _has(_CHILD_RX, norm)
    # "Wat doet een deurwaarder?", "hoe werkt een huisuitzetting?": a question about how things
    # work, not a measure that threatens this resident.
    general = is_general_question(text)

    if debts and care:
        reasons.append("schulden en zorg tegelijk")
    if debts and children:
        reasons.append("schulden en zorgen om kinderen")
    if _has(_EVICTION_RX, norm) and not general:
        reasons.append("dreigend verlies van woning")
    if ("mantelzorg" in tset or _has(_MANTELZORG_RX, norm)) and _has(_EXHAUSTED_RX, norm):
        reasons.append("mantelzorger overbelast")
    if _has(_CHILD_SAFETY_RX, norm):
        reasons.append("veiligheid van kinderen")
    long_enough = own_words >= MULTI_DOMAIN_MIN_WORDS
    life = _topic_domains(real) if long_enough else []
    if len(life) >= MULTI_DOMAIN_MIN:
        reasons.append(f"{len(life)} {_COUNT_REASON}")
    if _has(_ALL_WRONG_RX, norm):
        reasons.append("inwoner zegt dat alles misloopt")
    if _has(_PERSON_RX, norm):
        reasons.append("inwoner wil een persoon spreken")
    if (_has(_HOMELESS_NOW_RX, _FIRED_RX.sub(" # ", norm))
            and "dreigend verlies van woning" not in reasons):
        reasons.append("inwoner heeft geen slaapplek")
    if _has(_CARE_LOST_RX, norm):
        reasons.append("mantelzorg valt weg")
    if _has(_REJECTED_RX, norm) and _has(_INCOME_RX, norm):
        reasons.append("inkomen afgewezen of gestopt")
    if _has(_SANCTION_RX, norm) and not general:
        reasons.append("maatregel op de uitkering")
    reasons += [need for need, rx in _ACUTE_RX.items() if _has(rx, norm)]
    if (_has(_DECISION_CUT_RX, norm) and _has(_SERVICE_RX, norm)
            and "inkomen afgewezen of gestopt" not in reasons):
        reasons.append("besluit over hulp afgewezen of verlaagd")
    if (_has(_DISPUTE_RX, norm) and ("bezwaar_klacht" in tset or _has(_SERVICE_RX, norm))
            and "besluit over hulp afgewezen of verlaagd" not in reasons):
        reasons.append("bezwaar tegen een besluit")
    if (_has(_DEBT_THREAT_RX, norm) and (debts or _has(r"\bbeslag\w*|\bdeurwaarder\w*", norm))
            and not general):
        reasons.append("dreigende maatregel bij schulden")
    if _has(_SELF_NEGLECT_RX, norm):
        reasons.append("iemand zorgt niet meer voor zichzelf")
    if _has(_AGGRESSION_WITH_CHILDREN_RX, norm) and "veiligheid van kinderen" not in reasons:
        reasons.append("agressie in een gezin met kinderen")
    domains = [name for name, rx in _DOMAIN_RX.items() if _has(rx, norm)]
    if len(domains) >= MULTI_DOMAIN_MIN and len(life) < MULTI_DOMAIN_MIN and long_enough:
        reasons.append("problemen op " + ", ".join(domains))
    return reasons


# ---------------------------------------------------------------------------------------------
# Handoff and the evaluation label
# ---------------------------------------------------------------------------------------------

#: Intents that by themselves mean "a person, please".
HANDOFF_INTENTS: FrozenSet[str] = frozenset({"request_human"})


def handoff_expected(intent: Optional[str], safety_urgent: bool, complexity: Complexity) -> bool:
    """Should this turn lead to a person (ticket / takeover)?

    Yes for danger (after the help lines are shown), for complex cases and for an explicit
    request for a person. Everything else is answered by the bot first, with a person always
    offered in the text.
    """
    return bool(safety_urgent or (complexity is not None and complexity.complex) or intent in HANDOFF_INTENTS)


def first_ladder_label(
    text: str,
    topic: Optional[str],
    ladder: Optional[Mapping[str, Optional[str]]],
    intent: Optional[str] = None,
    confidence: float = 0.0,
) -> Optional[str]:
    """The expected first step for the evaluation CLI: ``"urgent"``, a rung, or ``None``.

    ``"urgent"`` when the safety detector fires (it always wins); ``None`` for out-of-scope or
    unknown topics and when there is no ladder; otherwise :func:`first_rung`. ``intent`` and
    ``confidence`` (the NLU prediction) feed the detector's intent-plus-light-cue rule; when only
    ``topic`` is given it is used as the intent with the given confidence.
    """
    if detect(text, intent if intent is not None else topic, confidence).urgent:
        return "urgent"
    if not _real(topic) or not ladder:
        return None
    return first_rung(text, ladder)
