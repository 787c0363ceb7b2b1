"""Turns inside a conversation: explain simpler, explain a word, what can I do myself, what now."""
from __future__ import annotations

import pytest

from actions import conversation, knowledge as knowledge_actions
from assistant.acknowledge import acknowledgement
from knowledge import get_glossary
from tests.support.dialogue import make_tracker, run, texts

pytestmark = pytest.mark.usefixtures("databases")


def _with_bot(tracker, text: str):
    tracker.events.insert(-1, {"event": "bot", "text": text, "timestamp": 0})
    return tracker


def test_not_understood_says_it_simpler_and_explains_the_hard_words() -> None:
    tracker = _with_bot(make_tracker("ik snap het niet", "not_understood", {"awaiting": "ladder"}),
                        "U kunt een maatwerkvoorziening aanvragen bij het Sociaal Loket. "
                        "Dan krijgt u een indicatie.")
    msgs, slots = run(conversation.ActionExplain(), tracker)
    answer = texts(msgs)
    assert "eenvoudiger" in answer and "maatwerkvoorziening:" in answer and "indicatie:" in answer
    assert slots == {}  # the ladder question stays open
    assert [b["payload"] for b in msgs[-1]["buttons"]][:2] == ["/ladder_helps", "/ladder_fails"]


def test_a_word_the_assistant_used_is_explained_in_plain_dutch() -> None:
    msgs, _ = run(conversation.ActionExplain(), make_tracker("wat is een indicatie?", "not_understood"))
    assert texts(msgs).startswith("indicatie:")
    term = get_glossary().asked_meaning("Wat betekent voorliggend veld eigenlijk?")
    assert term is not None and term.explain


def test_what_can_i_do_myself_goes_to_the_first_rung_of_the_subject() -> None:
    msgs, slots = run(conversation.ActionSelfHelp(), make_tracker(
        "wat kan ik dan zelf doen", "ask_self_help",
        {"entry_id": "hulp-bij-het-huishouden", "ladder_rung": "voorliggend_veld", "awaiting": None}))
    assert slots == {"ladder_rung": "zelf", "awaiting": "ladder"}
    assert texts(msgs).strip()


def test_what_now_sums_up_the_choices() -> None:
    msgs, slots = run(conversation.ActionWhatNow(), make_tracker(
        "en nu?", "what_now", {"entry_id": "hulp-bij-het-huishouden", "ladder_rung": "zelf"}))
    answer = texts(msgs)
    assert "medewerker" in answer and "Sociaal Loket" in answer and slots == {}


def test_what_the_resident_told_is_acknowledged_before_advice() -> None:
    msgs, _ = run(knowledge_actions.ActionAnswerTopic(), make_tracker(
        "krijg ik thuishulp als ik net een nieuwe heup heb? ik mag 6 weken niet bukken",
        "huishoudelijke_hulp"))
    assert texts(msgs).startswith("Wat vervelend dat u een operatie heeft gehad.")
    assert acknowledgement("wat kost de regiotaxi") is None


def test_a_definition_question_gets_the_meaning_then_the_answer() -> None:
    msgs, _ = run(knowledge_actions.ActionAnswerTopic(), make_tracker(
        "wat is kwijtschelding?", "minimaregelingen_toeslagen"))
    assert texts(msgs).lower().startswith("kwijtschelding:")


def test_the_next_rung_follows_from_what_the_resident_said() -> None:
    from assistant.ladder_text import RUNG_QUESTION, bridge, rung_message

    text = rung_message("voorliggend_veld", "Lukt het niet? Ga naar de thuiskamer.",
                        lead=bridge("mijn kinderen wonen te ver weg"), failed_before=True)
    assert text.startswith("U heeft niemand die kan helpen.")
    assert "Lukt het niet" not in text and text.count("?") == 1
    assert text.endswith(RUNG_QUESTION["voorliggend_veld"])
    assert len(set(RUNG_QUESTION.values())) == 4  # a different question per rung
    assert bridge("dat is te duur voor mij").startswith("Het kost u te veel")


def test_a_long_story_gets_a_one_line_summary_of_what_it_is_taken_to_be_about() -> None:
    story = ("Ik ben 81 en woon sinds vorig jaar alleen in ons oude huis. Mijn dochter woont in "
             "Utrecht en komt eens per maand. De trap is steeds lastiger en de ramen lap ik al lang "
             "niet meer. Vorige week ben ik bijna gevallen met de stofzuiger. Wat kan ik doen om "
             "hulp te krijgen bij het schoonmaken?")
    msgs, _ = run(knowledge_actions.ActionAnswerTopic(), make_tracker(story, "huishoudelijke_hulp"))
    assert "Ik begrijp dat uw vraag gaat over hulp in het huishouden." in texts(msgs)
