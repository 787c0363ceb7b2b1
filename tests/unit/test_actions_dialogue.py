"""The actions' behaviour, called directly with Rasa SDK trackers (no servers needed).

They use the real catalogue and the real ticket store, each in a temporary SQLite database.
"""
from __future__ import annotations


import pytest

from actions import core, handoff, knowledge as knowledge_actions, safety, triage
from actions.common import catalogue
from tests.support.dialogue import (SUNDAY_EVENING, available as _available,
                                    make_tracker, run, texts)

pytestmark = pytest.mark.usefixtures("databases")



def test_topic_answer_starts_with_short_answer_then_first_rung():
    msgs, slots = run(knowledge_actions.ActionAnswerTopic(),
                      make_tracker("ik kan mijn huis niet meer schoonmaken na mijn operatie"))
    entry = catalogue().entry(slots["entry_id"])
    assert entry.topic == "huishoudelijke_hulp"
    assert entry.short_answer.split(".")[0] in texts(msgs)
    assert slots["ladder_rung"] == "zelf" and slots["awaiting"] == "ladder"
    assert (entry.ladder["zelf"] or "").split(".")[0] in texts(msgs)
    payloads = [b["payload"] for m in msgs for b in m.get("buttons") or []]
    assert {"/ladder_helps", "/ladder_fails", "/request_human"} <= set(payloads)


def test_ladder_walk_goes_up_one_rung_and_skips_what_was_tried():
    entry = catalogue().entries_for_topic("huishoudelijke_hulp")[0]
    base = {"entry_id": entry.id, "topic": entry.topic, "ladder_rung": "zelf", "awaiting": "ladder"}
    _, slots = run(triage.ActionLadderNext(), make_tracker("dat lukt niet", "ladder_fails", base))
    assert slots["ladder_rung"] == "netwerk"
    _, slots = run(triage.ActionLadderNext(),
                   make_tracker("mijn kinderen kunnen niet helpen en ik heb geen familie", "ladder_fails", base))
    assert slots["ladder_rung"] == "voorliggend_veld"
    assert "netwerk" in slots["rungs_skipped"]


def test_ladder_exhausted_hands_over_live_in_office_hours():
    entry = catalogue().entries_for_topic("vervoer")[0]
    slots_in = {"entry_id": entry.id, "topic": entry.topic, "ladder_rung": "sociaal_loket",
                "awaiting": "loket_offer"}
    msgs, slots = run(triage.ActionLadderNext(), make_tracker("dat lukt ook niet", "ladder_fails", slots_in))
    assert slots["takeover"] is True and slots["ticket_id"]
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.reason == "ladder_exhausted" and ticket.mode == "live"
    assert "Sociaal Loket" in ticket.summary or "sociaal" in ticket.summary.lower()
    assert "medewerker" in texts(msgs)


def test_ladder_helps_closes_and_offers_the_pending_need():
    entry = catalogue().entries_for_topic("schulden_geldzorgen")[0]
    msgs, slots = run(triage.ActionLadderHelps(), make_tracker(
        "dat helpt", "ladder_helps", {"entry_id": entry.id, "pending_topics": ["jeugdhulp_opvoeden"]}))
    assert slots["awaiting"] == "pending_topic"
    assert "opvoeden" in texts(msgs)


def test_callback_outside_office_hours_keeps_contact_only_in_the_ticket(monkeypatch):
    monkeypatch.setenv("ASSISTANT_NOW", SUNDAY_EVENING)
    msgs, slots = run(handoff.ActionHandoff(), make_tracker("ik wil een medewerker", "request_human"))
    assert slots["awaiting"] == "consent" and "takeover" not in slots
    msgs, slots = run(handoff.ActionContactMethod(), make_tracker(
        '/contact_method{"contact_method":"telefoon"}', "contact_method", {"awaiting": "consent"},
        entities=[{"entity": "contact_method", "value": "telefoon"}]))
    assert slots["awaiting"] == "contact_value"
    msgs, slots = run(handoff.ActionCollectContact(), make_tracker(
        "mijn nummer is 06-12345678", "out_of_scope_other",
        {"awaiting": "contact_value", "contact_method": "telefoon", "handoff_reason": "request"},
        history=["ik wil een medewerker"]))
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.mode == "callback" and ticket.consent and ticket.contact_value == "06-12345678"
    assert "06-12345678" not in ticket.summary
    assert all("06-12345678" not in str(v) for v in slots.values())
    assert "maandag" in texts(msgs)  # told when: the next opening after Sunday evening


def test_collect_contact_asks_again_for_something_that_is_no_phone_number():
    msgs, slots = run(handoff.ActionCollectContact(), make_tracker(
        "weet ik niet", "deny", {"awaiting": "contact_value", "contact_method": "telefoon"}))
    assert "nog een keer" in texts(msgs)
    assert handoff.ticket_store().open_for_conversation("resident-1") is None


def test_safety_gives_help_lines_and_puts_an_urgent_ticket_first():
    msgs, slots = run(safety.ActionSafety(), make_tracker(
        "ik wil niet meer leven, ik wil er een eind aan maken", "psychische_problemen_crisis"))
    answer = texts(msgs)
    assert "113" in answer and "0800-0113" in answer
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.urgency == "urgent" and ticket.reason == "urgent"
    assert handoff.ticket_store().queue()[0].id == ticket.id


def test_domestic_violence_gets_veilig_thuis():
    msgs, _ = run(safety.ActionSafety(), make_tracker("mijn man slaat mij en ik durf niet naar huis",
                                                      "huiselijk_geweld_veiligheid"))
    assert "0800-2000" in texts(msgs)


def test_complex_situation_offers_a_person_and_says_why():
    msgs, slots = run(knowledge_actions.ActionAnswerTopic(), make_tracker(
        "ik heb grote schulden, de deurwaarder komt, we worden uit huis gezet en mijn dochter "
        "gaat niet meer naar school", "schulden_geldzorgen"))
    assert slots["awaiting"] == "handoff_offer" and "takeover" not in slots
    assert "medewerker" in texts(msgs) and "huis" in texts(msgs)
    assert [b["payload"] for b in msgs[-1]["buttons"]] == ["/affirm", "/deny"]
    msgs, slots = run(core.ActionConfirm(), make_tracker("ja graag", "affirm", {
        "awaiting": "handoff_offer", "handoff_reason": "complex", "handoff_note": slots["handoff_note"],
        "topic": "schulden_geldzorgen"}))
    assert slots.get("takeover") is True
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.reason == "complex" and ticket.urgency == "high"


def test_declining_the_person_reads_on_alone():
    msgs, slots = run(core.ActionDecline(), make_tracker("nee", "deny", {
        "awaiting": "handoff_offer", "handoff_reason": "complex", "topic": "schulden_geldzorgen"}))
    assert "zelf" in texts(msgs) and slots.get("awaiting") in ("ladder", "loket_offer")
    assert handoff.ticket_store().open_for_conversation("resident-1") is None


def test_no_food_today_gets_same_day_help_and_a_high_ticket(monkeypatch):
    monkeypatch.setenv("ASSISTANT_NOW", SUNDAY_EVENING)
    msgs, slots = run(knowledge_actions.ActionAnswerTopic(), make_tracker(
        "we hebben schulden en er is vandaag geen eten voor de kinderen", "schulden_geldzorgen"))
    answer = texts(msgs)
    assert "voedselbank" in answer.lower() and "vandaag" in answer
    assert slots["awaiting"] == "handoff_offer"
    msgs, slots = run(core.ActionConfirm(), make_tracker("ja", "affirm", {
        "awaiting": "handoff_offer", "handoff_reason": "complex", "handoff_note": slots["handoff_note"]}))
    assert slots["awaiting"] == "consent"
    msgs, slots = run(handoff.ActionCollectContact(), make_tracker(
        "0612345678", "out_of_scope_other", {"awaiting": "contact_value", "contact_method": "telefoon",
                                             "handoff_reason": "complex",
                                             "handoff_note": "geen eten vandaag"}))
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.urgency == "high" and ticket.mode == "callback"


def test_after_danger_outside_office_hours_the_help_line_and_a_callback(monkeypatch):
    monkeypatch.setenv("ASSISTANT_NOW", SUNDAY_EVENING)
    msgs, slots = run(safety.ActionSafety(), make_tracker(
        "soms denk ik dat het beter is als ik er niet meer ben", "psychische_problemen_crisis"))
    answer = texts(msgs)
    assert "113" in answer and "geen medewerkers" in answer
    assert answer.index("113") < answer.index("geen medewerkers")  # the line comes first
    assert slots["awaiting"] == "consent" and slots["handoff_reason"] == "urgent"
    # The resident presses "Spreek een medewerker" anyway: the help line is repeated.
    msgs, slots = run(handoff.ActionHandoff(), make_tracker("/request_human", "request_human"))
    assert "112" in texts(msgs) and "113" in texts(msgs) and slots["awaiting"] == "consent"
    msgs, slots = run(handoff.ActionCollectContact(), make_tracker(
        "bel me op 06 12345678", "out_of_scope_other",
        {"awaiting": "contact_value", "contact_method": "telefoon", "handoff_reason": "urgent"}))
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.urgency == "urgent" and ticket.mode == "callback" and ticket.consent
    assert ticket.contact_value == "06 12345678" and ticket.reason == "urgent"


def test_two_needs_are_named_and_the_second_waits():
    tracker = make_tracker("ik heb hulp nodig bij het schoonmaken en ik wil ook graag "
                           "vrijwilligerswerk doen om mensen te ontmoeten", "huishoudelijke_hulp")
    tracker.latest_message["intent_ranking"] += [{"name": "eenzaamheid_meedoen", "confidence": 0.03}]
    msgs, slots = run(knowledge_actions.ActionAnswerTopic(), tracker)
    assert slots["pending_topics"] == ["eenzaamheid_meedoen"]
    assert "huishouden" in texts(msgs) and "meedoen" in texts(msgs)


def test_debts_and_a_truant_son_are_named_and_handed_over_as_complex():
    msgs, slots = run(knowledge_actions.ActionAnswerTopic(), make_tracker(
        "ik heb schulden en mijn zoon spijbelt", "schulden_geldzorgen"))
    assert "geldzorgen" in texts(msgs) and "kinderen" in texts(msgs)
    assert slots["awaiting"] == "handoff_offer"


def test_out_of_scope_names_the_product_and_where_to_go_once():
    msgs, _ = run(core.ActionOutOfScope(), make_tracker("paspoort verlengen", "out_of_scope_municipal"))
    answer = texts(msgs)
    assert "paspoort" in answer and "hethogeland.nl" in answer
    assert "Ik help u wel" not in answer  # the topic list only when asked what the bot can do


def test_a_weak_not_ours_guess_is_asked_about_not_refused():
    """The live bot acts as the evaluation counts: an unsure "not ours" asks which topic is meant."""
    tracker = make_tracker("ik heb een vraag over iets met geld van de gemeente, snap het niet",
                           "out_of_scope_municipal")
    tracker.latest_message["intent"]["confidence"] = 0.2
    tracker.latest_message["intent_ranking"] = [
        {"name": "out_of_scope_municipal", "confidence": 0.2},
        {"name": "minimaregelingen_toeslagen", "confidence": 0.18},
        {"name": "schulden_geldzorgen", "confidence": 0.15}]
    msgs, _ = run(core.ActionOutOfScope(), tracker)
    payloads = [b["payload"] for m in msgs for b in m.get("buttons") or []]
    assert any("choose_topic" in p for p in payloads), texts(msgs)
    assert "niet mee helpen" not in texts(msgs)


def test_clarify_offers_topic_buttons_then_a_person():
    tracker = make_tracker("hmm tja weet niet", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3}, {"name": "mantelzorg", "confidence": 0.2},
        {"name": "eenzaamheid_meedoen", "confidence": 0.18}]
    msgs, slots = run(core.ActionClarify(), tracker)
    payloads = [b["payload"] for m in msgs for b in m.get("buttons") or []]
    assert any("choose_topic" in p for p in payloads) and "/request_human" in payloads
    tracker.slots["fallback_count"] = slots["fallback_count"]
    msgs, slots = run(core.ActionClarify(), tracker)
    assert slots.get("takeover") is True  # second miss: a person takes over


def test_a_question_in_another_script_gets_the_languages_the_assistant_reads():
    """Topic buttons in Dutch do not help someone who writes Ukrainian; a person does."""
    tracker = make_tracker("Мне нужна помощь с арендой квартиры", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.3}, {"name": "out_of_scope_other", "confidence": 0.15}]
    msgs, _ = run(core.ActionClarify(), tracker)
    payloads = [b["payload"] for m in msgs for b in m.get("buttons") or []]
    assert "alleen Nederlands" in texts(msgs) and "only read Dutch" in texts(msgs)
    assert payloads == ["/request_human"]


def test_staff_message_carries_the_agent_name():
    msgs, slots = run(handoff.ActionStaffMessage(), make_tracker(
        "EXTERNAL: EXTERNAL_staff_message", "EXTERNAL_staff_message", {"takeover": True},
        entities=[{"entity": "agent", "value": "Anna"}, {"entity": "staff_text", "value": "Goedemiddag"}]))
    assert msgs[0]["text"] == "Goedemiddag" and msgs[0]["agent"] == "Anna"


def test_greeting_says_it_is_a_bot_and_links_the_privacy_statement():
    msgs, _ = run(core.ActionGreet(), make_tracker("hallo", "greet"))
    assert "computerprogramma" in texts(msgs)
    assert any(link["url"].endswith("/privacy") for m in msgs for link in m.get("links") or [])


def test_greeting_with_a_story_also_answers_the_story():
    tracker = make_tracker("goedemiddag, ik heb hulp nodig bij het schoonmaken van mijn huis", "greet")
    tracker.latest_message["intent_ranking"] = [{"name": "greet", "confidence": 0.5},
                                                {"name": "huishoudelijke_hulp", "confidence": 0.45}]
    msgs, slots = run(core.ActionGreet(), tracker)
    assert "computerprogramma" in texts(msgs) and slots["ladder_rung"] == "zelf"


def test_lukt_niet_without_an_offered_rung_is_read_as_a_question():
    tracker = make_tracker("mijn kinderen helpen niet en ik kan de was en het stofzuigen niet meer doen",
                           "ladder_fails")
    tracker.latest_message["intent_ranking"] = [{"name": "ladder_fails", "confidence": 0.6},
                                                {"name": "huishoudelijke_hulp", "confidence": 0.35}]
    msgs, slots = run(triage.ActionLadderNext(), tracker)
    assert catalogue().entry(slots["entry_id"]).topic == "huishoudelijke_hulp"
    assert slots["ladder_rung"] != "netwerk"  # the children were already mentioned: skip that rung


def test_only_slot_changes_reach_rasa():
    from actions.common import only_changes

    tracker = make_tracker("x", slots={"topic": "pgb", "awaiting": None})
    events = [{"event": "slot", "name": "topic", "value": "pgb"},
              {"event": "slot", "name": "awaiting", "value": "ladder"},
              {"event": "slot", "name": "awaiting", "value": None}]
    assert only_changes(tracker, events) == []
    events.append({"event": "slot", "name": "topic", "value": "vervoer"})
    assert only_changes(tracker, events) == [{"event": "slot", "name": "topic", "value": "vervoer"}]


def test_urgent_ticket_names_the_danger_in_dutch():
    run(safety.ActionSafety(), make_tracker("ik wil niet meer leven", "psychische_problemen_crisis"))
    summary = handoff.ticket_store().open_for_conversation("resident-1").summary
    assert "zelfdoding" in summary and "suicide" not in summary


def test_when_only_the_classifier_fired_the_question_is_answered_too():
    # A worry the learned classifier is unsure about (and no reviewed phrase matches).
    text = "ik ben 19 en heb geen vrienden, soms denk ik dat niemand het zou merken als ik verdween"
    tracker = make_tracker(text, "eenzaamheid_meedoen")
    tracker.latest_message["intent"]["confidence"] = 0.42  # answered, but not sure
    tracker.latest_message["intent_ranking"][0]["confidence"] = 0.42
    result = safety.detect(text, "eenzaamheid_meedoen", 0.42)
    assert result.urgent and safety.only_learned(result, "eenzaamheid_meedoen")
    msgs, slots = run(safety.ActionSafety(), tracker)
    answer = texts(msgs)
    assert answer.startswith("Misschien lees ik het verkeerd")
    assert "113" in answer and "Over uw vraag zelf:" in answer
    assert slots.get("topic") == "eenzaamheid_meedoen"
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.urgency == "urgent" and "onzeker" in ticket.summary


def test_a_reviewed_phrase_still_gets_the_full_safety_answer():
    msgs, slots = run(safety.ActionSafety(), make_tracker("ik wil niet meer leven",
                                                          "psychische_problemen_crisis"))
    assert "Over uw vraag zelf" not in texts(msgs) and "Misschien" not in texts(msgs)


def _away(name: str = "dienst") -> None:
    from sqlalchemy import select

    from kcc.models import Staff
    from kcc.presence import PresenceBoard
    from knowledge.settings import database_url

    board = PresenceBoard(database_url(None))
    with board._session() as s:
        staff_id = s.execute(select(Staff.id).where(Staff.username == name)).scalar_one()
    board.set_status(staff_id, "away")


def test_in_office_hours_with_nobody_available_the_callback_is_offered_at_once():
    _away()
    msgs, slots = run(handoff.ActionHandoff(), make_tracker("ik wil een medewerker", "request_human"))
    assert not slots.get("takeover") and slots["awaiting"] == "consent"
    assert "geen medewerker beschikbaar" in texts(msgs)
    assert "Dat gebeurt zo snel mogelijk" in texts(msgs)  # not "from tomorrow": it is open now
    assert [b["title"] for b in msgs[-1]["buttons"]][:2] == ["Ja, bel mij", "Ja, mail mij"]
    assert handoff.ticket_store().open_for_conversation("resident-1") is None


def test_in_office_hours_the_resident_hears_whether_anyone_is_there():
    _away()
    staff_id = _available()
    msgs, slots = run(handoff.ActionHandoff(), make_tracker("ik wil een medewerker", "request_human"))
    assert slots["takeover"] is True
    assert "1 medewerker beschikbaar" in texts(msgs) and "eerste in de wachtrij" in texts(msgs)
    assert msgs[-1]["buttons"][0]["title"] == "Bel mij liever terug"
    # The worker goes away while the resident waits: the next message says so.
    from kcc.presence import PresenceBoard
    from knowledge.settings import database_url

    PresenceBoard(database_url(None)).set_status(staff_id, "away")
    msgs, _ = run(handoff.ActionHandoffWaiting(), make_tracker("hallo?", "greet", {"takeover": True}))
    assert "geen medewerker beschikbaar" in texts(msgs)
    # Choosing the callback ends the wait; the number then goes onto the same ticket.
    msgs, slots = run(handoff.ActionContactMethod(), make_tracker(
        '/contact_method{"contact_method":"telefoon"}', "contact_method",
        {"takeover": True, "agent": None}, entities=[{"entity": "contact_method", "value": "telefoon"}]))
    assert slots["takeover"] is False and slots["awaiting"] == "contact_value"
    run(handoff.ActionCollectContact(), make_tracker(
        "06 12345678", "out_of_scope_other", {"awaiting": "contact_value", "contact_method": "telefoon",
                                               "handoff_reason": "request"}))
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.mode == "callback" and ticket.contact_value == "06 12345678"


def test_with_staff_available_the_place_and_the_wait_are_told():
    from datetime import timedelta

    from kcc.models import utcnow
    from kcc.tickets import TicketDraft

    _available("anna")  # and "dienst"
    store = handoff.ticket_store()
    # Picked up in the last hour after 4 and 6 minutes: the median is 6 (the upper of two).
    for n, minutes in enumerate((4, 6)):
        done, _ = store.create(TicketDraft(conversation_id=f"earlier-{n}", episode=1,
                                           channel="webchat", municipality="het-hogeland"))
        store.claim(done.id, "anna", "Anna")
        with store.session() as s, s.begin():
            row = s.get(type(done), done.id)
            row.created_at = utcnow() - timedelta(minutes=minutes + 1)
            row.claimed_at = utcnow() - timedelta(minutes=1)
    for n in range(2):  # two residents wait already
        store.create(TicketDraft(conversation_id=f"ahead-{n}", episode=1, channel="webchat",
                                 municipality="het-hogeland"))
    msgs, slots = run(handoff.ActionHandoff(), make_tracker("ik wil een medewerker", "request_human"))
    said = texts(msgs)
    assert "Er zijn nu 2 medewerkers beschikbaar" in said and "nummer 3 in de wachtrij" in said
    assert "ongeveer 9 minuten" in said  # 6 minutes x place 3 / 2 available
    # Staff of another municipality do not count for this one.
    store2 = handoff.ticket_store()
    assert store2.staff_available("oldambt") == 0


def test_a_waiting_resident_is_told_again_what_to_expect():
    _away()
    msgs, _ = run(handoff.ActionHandoffWaiting(), make_tracker("hallo?", "greet", {"takeover": True}))
    assert texts(msgs).startswith("Uw bericht is bewaard.") and "beschikbaar" in texts(msgs)
    assert msgs[-1]["buttons"][0]["title"] == "Bel mij liever terug"


def test_a_whatsapp_callback_ticket_says_how_the_reply_may_go(monkeypatch):
    monkeypatch.setenv("ASSISTANT_NOW", SUNDAY_EVENING)
    run(handoff.ActionCollectContact(), make_tracker(
        "06 12345678", "out_of_scope_other", {"awaiting": "contact_value", "contact_method": "telefoon",
                                               "handoff_reason": "request"}, channel="whatsapp"))
    ticket = handoff.ticket_store().open_for_conversation("resident-1")
    assert ticket.channel == "whatsapp" and "24 uur" in ticket.summary
