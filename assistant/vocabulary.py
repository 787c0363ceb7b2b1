"""The assistant's words for its own things: topics, ladder rungs, channels, ticket urgencies.

Why one module: the NLU data, the domain, the catalogue schema, the evaluation files, the tickets
and the channels must all use the same labels. Each list is defined here once; a test checks
that the Rasa domain's intents and the catalogue schema agree with it.
"""
from __future__ import annotations

from typing import Mapping, Tuple

TOPICS: Tuple[str, ...] = (
    "huishoudelijke_hulp", "begeleiding_dagbesteding", "hulpmiddelen_woningaanpassing", "vervoer",
    "mantelzorg", "jeugdhulp_opvoeden", "bijstand_uitkering", "werk_reintegratie",
    "schulden_geldzorgen", "minimaregelingen_toeslagen", "eenzaamheid_meedoen",
    "wonen_beschermd_wonen_opvang", "huiselijk_geweld_veiligheid", "psychische_problemen_crisis",
    "eigen_bijdrage_kosten", "pgb", "bezwaar_klacht", "clientondersteuning", "sociaal_loket_contact",
    "out_of_scope_municipal", "out_of_scope_other",
)
OUT_OF_SCOPE: Tuple[str, ...] = ("out_of_scope_municipal", "out_of_scope_other")
IN_SCOPE: Tuple[str, ...] = tuple(t for t in TOPICS if t not in OUT_OF_SCOPE)

# Dutch names for buttons and messages ("Gaat uw vraag over ...?").
TOPIC_NAMES: Mapping[str, str] = {
    "huishoudelijke_hulp": "hulp in het huishouden",
    "begeleiding_dagbesteding": "begeleiding of dagbesteding",
    "hulpmiddelen_woningaanpassing": "hulpmiddelen of uw huis aanpassen",
    "vervoer": "vervoer",
    "mantelzorg": "mantelzorg",
    "jeugdhulp_opvoeden": "opvoeden en hulp voor kinderen",
    "bijstand_uitkering": "bijstand of een uitkering",
    "werk_reintegratie": "werk zoeken",
    "schulden_geldzorgen": "schulden en geldzorgen",
    "minimaregelingen_toeslagen": "regelingen voor een laag inkomen",
    "eenzaamheid_meedoen": "eenzaamheid en meedoen",
    "wonen_beschermd_wonen_opvang": "wonen, opvang of dakloosheid",
    "huiselijk_geweld_veiligheid": "huiselijk geweld en veiligheid",
    "psychische_problemen_crisis": "psychische problemen",
    "eigen_bijdrage_kosten": "de eigen bijdrage en kosten",
    "pgb": "het persoonsgebonden budget (pgb)",
    "bezwaar_klacht": "bezwaar maken of een klacht",
    "clientondersteuning": "iemand die met u meedenkt (cliëntondersteuning)",
    "sociaal_loket_contact": "contact met het Sociaal Loket",
    "out_of_scope_municipal": "andere zaken van de gemeente",
    "out_of_scope_other": "iets anders",
}

#: The self-reliance ladder, lowest rung first: what you can do yourself, your own network, the
#: free provisions of the voorliggend veld, the Sociaal Loket.
RUNGS: Tuple[str, ...] = ("zelf", "netwerk", "voorliggend_veld", "sociaal_loket")
#: The first step a desk worker would offer, as evaluation files label it: a rung, the urgent
#: route, or n/a for a question that is not ours.
LADDER_VALUES: Tuple[str, ...] = RUNGS + ("urgent", "n/a")

#: Channels a conversation can come in on; the first three can receive pushed messages.
PUSH_CHANNELS: Tuple[str, ...] = ("webchat", "telegram", "whatsapp")
CHANNELS: Tuple[str, ...] = PUSH_CHANNELS + ("rest",)
