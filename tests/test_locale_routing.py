"""Every handler answers from the content of the request's own locale.

The English locales share most of their words, so a handler that always answered from another
locale's content would mostly sound right. Here a made-up language is shipped for the test: the
en-US content in capitals. Every answer to a request in that language, speech and reprompt, must
then be in capitals, and the same conversation in en-US must not be (so the check can fail).
"""

import re

import pytest
from helpers import person

from console import transcript
from console.nlu import Match, SlotMatch
from skill import content as skill_content
from skill import handlers

MARKED_LOCALE = "qq-QQ"  # no such language: its content is shipped by the fixture below
FIELD = re.compile(r"(\{\w+\})")
LOWERCASE = re.compile(r"[a-z]")

SCRIPTS = [
    ["open cramp coach", "help", "banana", "yes", "next", "back", "repeat", "start over",
     "it's getting better", "no", "pause", "resume", "help", "banana",
     "it still hurts", "it still hurts", "it still hurts", "it still hurts"],
    ["my calf is cramping", "it's gone", "help", "banana", "yes", "next", "back", "start over",
     "help", "banana", "stop"],
    ["open cramp coach", "no", "what causes cramps", "yes", "no"],
    ["when should I see a doctor", "stop"],
    ["I have chest pain"],
    ["my calf is swollen and red"],
    ["guide me through my stretches", "next", "back", "repeat", "pause", "yes", "start over",
     "help", "banana", "no", "resume", "stop"],
    ["give me a tip"],
    ["call an ambulance"],
    ["forget me"],
    ["my foot is cramping", "tips"],
]  # fmt: skip


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value).union(*(keys_of(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(item) for item in value))
    return set()


def in_capitals(value, names: frozenset[str]):
    """Every string in capitals, ``{fields}`` left as they are, except the ones that name
    another part of the content (a sequence, a sign, an urgency level: ``names``)."""
    if isinstance(value, dict):
        return {key: in_capitals(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [in_capitals(item, names) for item in value]
    if isinstance(value, str) and value not in names:
        return "".join(
            part if FIELD.fullmatch(part) else part.upper() for part in FIELD.split(value)
        )
    return value


@pytest.fixture
def marked_language(monkeypatch):
    """Ship one more language, "qq": the en-US content in capitals."""
    english = skill_content.composed("en-US", skill_content.read_source)
    marked = skill_content.Content(in_capitals(english, frozenset(keys_of(english))))
    shipped, load = skill_content.shipped(), skill_content.load
    monkeypatch.setattr(skill_content, "shipped", lambda: shipped | {"qq"})
    monkeypatch.setattr(
        skill_content, "load", lambda name="en": marked if name == "qq" else load(name)
    )


def answers(locale: str, utterances: list[str]) -> list[str]:
    """Everything said back, speech and reprompt, one conversation in ``locale``."""
    device = person(locale=locale)
    heard = []
    for utterance in utterances:
        turn = device.say(utterance)
        heard += [transcript.to_text(ssml) for ssml in (turn.speech, turn.reprompt) if ssml]
    return heard


@pytest.mark.parametrize("script", SCRIPTS, ids=[script[0] for script in SCRIPTS])
def test_every_answer_comes_from_the_requests_locale(marked_language, script):
    for text in answers(MARKED_LOCALE, script):
        assert not LOWERCASE.search(text), text
    for text in answers("en-US", script):
        assert LOWERCASE.search(text), text


def test_a_body_part_that_is_not_a_leg_is_answered_in_the_requests_locale(marked_language):
    device = person(locale=MARKED_LOCALE)
    elbow = SlotMatch("bodyPart", "elbow", None, None, "BODY_PART")
    turn = device.send_intent(
        "my elbow", Match("CrampNowIntent", {"bodyPart": elbow}, ("bodyPart",))
    )
    assert not LOWERCASE.search(transcript.to_text(turn.speech))


def test_relief_after_a_failure_is_given_in_the_requests_locale(marked_language, monkeypatch):
    def broken(self, handler_input):
        raise RuntimeError("a bug in the launch handler")

    monkeypatch.setattr(handlers.LaunchHandler, "handle", broken)
    turn = person(locale=MARKED_LOCALE).say("open cramp coach")
    text = transcript.to_text(turn.speech)
    assert text and not LOWERCASE.search(text), text
