"""The conversation state read back from session attributes anyone can write (issue 12).

Every field settles to what it can hold, whatever arrives: its default's type, a count from 0,
text of a bounded length, one of a few words where it names a stage, a question or the store's
standing, and nothing nested deeper than one level is ever read.
"""

import logging

import pytest
from helpers import said
from hypothesis import given, settings
from hypothesis import strategies as st

from console import envelopes
from console.nlu import Understanding
from skill.app import create_skill, handle_event
from skill.nesting import MAX_NESTING
from skill.state import (
    CAUSES,
    LAST_VISIT,
    MAX_COUNT,
    MAX_TEXT,
    MEMORY_KEPT,
    MEMORY_UNREAD,
    RELIEF,
    START,
    Conversation,
)


def nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"kept": value}
    return value


def answer(attributes: dict, utterance: str, caplog) -> dict:
    """The answer to ``utterance`` in a session holding ``attributes``; no failure logged."""
    session = envelopes.Session(attributes=attributes, new=False)
    event = envelopes.intent_request(session, Understanding().understand(utterance))
    with caplog.at_level(logging.ERROR):
        response = handle_event(create_skill(), event)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    return response


@pytest.mark.parametrize("escalation", [-1, -4, -(10**9), True, 2.0, "1", None, 10**30])
def test_a_crafted_escalation_starts_at_the_first_measure(content, caplog, escalation):
    """Past the last step, with the safety check answered: the measures, from the first."""
    last = len(content.sequences["calf"].steps) - 1
    attributes = {
        "stage": RELIEF,
        "sequence": "calf",
        "step": last,
        "checked": True,
        "escalation": escalation,
    }
    response = answer(attributes, "it still hurts", caplog)
    assert content.persists[0].do in said(response)
    assert response["sessionAttributes"]["escalation"] == 1


def test_an_escalation_past_the_last_measure_gives_the_red_flags(content, caplog):
    last = len(content.sequences["calf"].steps) - 1
    attributes = {
        "stage": RELIEF,
        "sequence": "calf",
        "step": last,
        "checked": True,
        "escalation": len(content.persists),
    }
    response = answer(attributes, "it still hurts", caplog)
    assert said(response) == f"{content.phrase('red_flags')} {content.phrase('keep_going_ask')}"
    assert response["response"]["shouldEndSession"] is False


def test_a_record_nested_as_deep_as_the_door_lets_in_is_answered_like_any_other(content, caplog):
    depth = MAX_NESTING - 5  # deeper is refused at the door (skill/nesting.py)
    attributes = {
        "stage": RELIEF,
        "sequence": "calf",
        "kept": nested(depth),
        "other": nested(depth),
    }
    response = answer(attributes, "next", caplog)
    assert said(response).startswith(content.sequences["calf"].steps[1].do)
    assert response["sessionAttributes"]["kept"] == {}
    assert "other" not in response["sessionAttributes"]


def test_every_field_settles_to_its_default_when_it_cannot_hold_what_arrives():
    crafted = {
        "stage": "nowhere",
        "sequence": "x" * (MAX_TEXT + 1),
        "step": True,
        "escalation": -1,
        "question": "what_is_the_time",
        "disclaimer_heard": 1,
        "advice_first": MAX_COUNT + 1,
        "routine_step": 1.5,
        "routine_paused": "yes",
        "routine_resume_at": -3,
        "tips_heard": [0, -1, True, "2", 3, [4], MAX_COUNT + 1],
        "last_speech": ["<speak>"],
        "kept": {"disclaimer_heard": "yes", "routine_resume_at": 2, LAST_VISIT: 7, "x": 1},
        "memory": "kept please",
    }
    conversation = Conversation.from_attributes(crafted)
    defaults = Conversation()
    for name in Conversation.FIELDS:
        if name not in ("tips_heard", "kept"):
            assert getattr(conversation, name) == getattr(defaults, name), name
    assert conversation.tips_heard == [0, 3]
    assert conversation.kept == {"disclaimer_heard": False, "routine_resume_at": 2, LAST_VISIT: ""}


def test_a_state_that_fits_reads_back_as_it_was():
    attributes: dict = {}
    Conversation(
        stage=CAUSES,
        advice_step=2,
        disclaimer_heard=True,
        tips_heard=[3, 1],
        kept={"disclaimer_heard": True, "tips_heard": [3], LAST_VISIT: "2026-11-23"},
        memory=MEMORY_KEPT,
    ).save_to(attributes)
    again: dict = {}
    Conversation.from_attributes(attributes).save_to(again)
    assert again == attributes


def test_a_stored_record_settles_the_same_way():
    conversation = Conversation()
    conversation.recall(
        {"disclaimer_heard": 1, "tips_heard": [2, -2, "x"], "routine_step": -1, LAST_VISIT: 5}
    )
    assert conversation.disclaimer_heard is False
    assert conversation.tips_heard == [2]
    assert conversation.routine_resume_at == 0
    assert conversation.kept[LAST_VISIT] == ""


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner),
    max_leaves=20,
)
field_values = st.one_of(
    json_values,
    st.sampled_from([START, RELIEF, CAUSES, MEMORY_UNREAD, "calf", "", -1, 0, 1, MAX_COUNT]),
)


@settings(max_examples=300, deadline=None)
@given(
    attributes=st.dictionaries(
        st.sampled_from([*Conversation.FIELDS, LAST_VISIT, "unknown"]), field_values
    )
    | json_values
)
def test_whatever_arrives_every_field_holds_what_its_default_is(attributes):
    conversation = Conversation.from_attributes(attributes)
    for name, default in Conversation.FIELDS.items():
        value = getattr(conversation, name)
        assert type(value) is type(default), name
        assert Conversation.settled(name, value) == value, name
        if isinstance(value, str):
            assert len(value) <= MAX_TEXT
            assert value in Conversation.CHOICES.get(name, (value,))
    assert all(0 <= index <= MAX_COUNT for index in conversation.tips_heard)
    for name, value in conversation.kept.items():
        assert Conversation.settled(name, value) == value, name
