"""Formatting rules of the Telegram channel: splitting, composing, keyboards, callback keys."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from channels.telegram.format import (
    MAX_CALLBACK_BYTES,
    CallbackPayloads,
    build_keyboard,
    compose_text,
    split_text,
    utf16_len,
)


def test_short_text_is_one_chunk() -> None:
    assert split_text("  Goedemorgen.  ") == ["Goedemorgen."]
    assert split_text("   ") == []


def test_split_prefers_paragraphs() -> None:
    first, second = "A" * 3000, "B" * 3000
    assert split_text(f"{first}\n\n{second}") == [first, second]


def test_split_falls_back_to_sentences_then_words() -> None:
    sentence = "Dit is een korte zin. "
    chunks = split_text(sentence * 400)
    assert len(chunks) == 3
    assert all(chunk.endswith(".") for chunk in chunks)
    words = split_text("woord " * 1000)
    assert all(not c.startswith(" ") and c.split()[-1] == "woord" for c in words)


def test_single_huge_word_is_cut_hard() -> None:
    assert [len(c) for c in split_text("x" * 5000)] == [4096, 904]


def test_emoji_count_double() -> None:
    chunks = split_text("😀" * 3000)
    assert all(utf16_len(c) <= 4096 for c in chunks)
    assert "".join(chunks) == "😀" * 3000


@given(st.text(alphabet=st.sampled_from("ab .\n😀é"), max_size=12000))
def test_split_never_exceeds_limit_or_loses_words(text: str) -> None:
    chunks = split_text(text, limit=500)
    assert all(0 < utf16_len(c) <= 500 for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_compose_staff_prefix_and_links() -> None:
    message = {
        "text": "Ik bel u morgen.",
        "agent": "Anna",
        "links": [{"title": "Wmo", "url": "https://example.nl/wmo"}, {"title": "leeg"}],
    }
    assert (
        compose_text(message)
        == "Anna (medewerker): Ik bel u morgen.\n\nWmo: https://example.nl/wmo"
    )


def test_compose_links_only_and_nothing() -> None:
    assert compose_text({"text": None, "links": [{"url": "https://a.nl"}]}) == "https://a.nl"
    assert compose_text({"text": None}) == ""


def test_short_payload_is_its_own_callback_data() -> None:
    payloads = CallbackPayloads()
    assert payloads.encode("/affirm") == "/affirm"
    assert payloads.decode("/affirm") == "/affirm"


def test_long_payload_gets_short_stable_key() -> None:
    payloads = CallbackPayloads()
    payload = '/choose_entry{"entry_id": "' + "huishoudelijke_hulp_" * 5 + '"}'
    key = payloads.encode(payload)
    assert len(key.encode()) <= MAX_CALLBACK_BYTES
    assert payloads.encode(payload) == key
    assert payloads.decode(key) == payload


def test_unknown_or_evicted_key_decodes_to_none() -> None:
    payloads = CallbackPayloads(capacity=2)
    keys = [payloads.encode(f'/details{{"entry_id": "{i:070d}"}}') for i in range(3)]
    assert payloads.decode(keys[0]) is None
    assert payloads.decode(keys[2]) is not None
    assert payloads.decode("~nonsense") is None


def test_keyboard_one_button_per_row_skips_incomplete() -> None:
    payloads = CallbackPayloads()
    keyboard = build_keyboard(
        [
            {"title": "Ja", "payload": "/affirm"},
            {"title": "Geen payload"},
            {"title": "Nee", "payload": "/deny"},
        ],
        payloads,
    )
    assert [[b.text for b in row] for row in keyboard.inline_keyboard] == [["Ja"], ["Nee"]]
    assert keyboard.inline_keyboard[1][0].callback_data == "/deny"
    assert build_keyboard([{"title": "", "payload": ""}], payloads) is None
