"""Every response in every reachable state keeps Alexa's rules.

Starting from a launch and from each one-shot cramp, every intent of the interaction model (with
each body part, and without) is sent in every conversation state reached, breadth first, until no
new state appears. Each answer is checked against tests/alexa_rules.py. A second pass does it all
again with a store wired in, and checks that no relief step ever touched it.
"""

import json
import re

import pytest
from alexa_rules import check_response
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from helpers import EMERGENCY_NUMBERS, language_model_of

from console import envelopes
from console.nlu import Match, SlotMatch
from skill.app import create_skill, handle_event
from skill.handlers import RELIEF_INTENTS
from skill.state import ADVICE_LISTS, FINISHED_RELIEF, LAST_VISIT, RELIEF, ROUTINE, START

MAX_TURNS = 30
# Fields that change the wording of an answer, or only whether the store is asked, not which
# answers are possible. The routine's resume point does decide what comes next: see state_key.
WORDING_ONLY = {"disclaimer_heard", "tips_heard", "last_speech", "last_reprompt", "kept", "memory"}
# Whether a daily reminder was offered only decides whether the offer is made, and the offer is
# reached from the states before it.
WORDING_ONLY |= {"reminder_offered"}


def every_request(language_model) -> list[Match]:
    """One Match per intent, and one per slot value for intents with slots."""
    types = {t["name"]: t["values"] for t in language_model.get("types", [])}
    matches = [Match("OrderPizzaIntent")]
    for intent in language_model["intents"]:
        declared = tuple(slot["name"] for slot in intent.get("slots", []))
        matches.append(Match(intent["name"], {}, declared))
        for slot in intent.get("slots", []):
            for value in types.get(slot["type"], []):
                filled = SlotMatch(
                    slot["name"], value["name"]["value"], value["id"], value["name"]["value"],
                    slot["type"],
                )  # fmt: skip
                matches.append(Match(intent["name"], {slot["name"]: filled}, declared))
    return matches


def state_key(attributes: dict) -> str:
    """Where the conversation is; wording-only fields would multiply the states past any useful
    count without reaching a new answer. Outside the routine, which stretch it would resume at
    only picks a routine state that the routine reaches by itself: whether there is one counts."""
    key = {k: v for k, v in attributes.items() if k not in WORDING_ONLY}
    if key.get("stage") != ROUTINE:
        key["routine_step"] = key["routine_resume_at"] = bool(key.get("routine_resume_at"))
    return json.dumps(key, sort_keys=True)


def other_countries_numbers(locale: str) -> re.Pattern:
    """Every emergency number a person in ``locale`` must never hear, as a whole phrase."""
    own = set(EMERGENCY_NUMBERS[locale])
    others = {number for numbers in EMERGENCY_NUMBERS.values() for number in numbers} - own
    return re.compile("|".join(rf"\b{re.escape(number)}\b" for number in sorted(others)))


def heard(response: dict) -> str:
    """What the person hears of a response, speech and reprompt, lowercased and without SSML."""
    speech = response["response"].get("outputSpeech", {}).get("ssml", "")
    reprompt = response["response"].get("reprompt", {}).get("outputSpeech", {}).get("ssml", "")
    return re.sub(r"<[^>]+>", " ", f"{speech} {reprompt}").lower()


def explore(skill, language_model, after_each=None, locale="en-US"):
    """Every answer in every reachable state keeps Alexa's rules and names no other country's
    emergency number; ``after_each`` adds a check of its own."""
    requests = every_request(language_model)
    never_heard = other_countries_numbers(locale)
    checked = 0
    frontier = [{}]
    seen = {state_key({})}
    for _ in range(MAX_TURNS):
        next_frontier = []
        for attributes in frontier:
            session = envelopes.Session(attributes=attributes, new=not attributes, locale=locale)
            kinds = [envelopes.launch_request(session), envelopes.session_ended_request(session)]
            kinds += [envelopes.intent_request(session, match) for match in requests]
            for request in kinds:
                request_type = request["request"]["type"]
                response = handle_event(skill, request)
                check_response(response, request_type)
                named = never_heard.search(heard(response))
                assert named is None, f"{locale} hears {named.group()}: {heard(response)}"
                if after_each is not None:
                    after_each(request, response)
                checked += 1
                if response["response"].get("shouldEndSession") is False:
                    after = response["sessionAttributes"]
                    if state_key(after) not in seen:
                        seen.add(state_key(after))
                        next_frontier.append(after)
        frontier = next_frontier
        if not frontier:
            return checked, [json.loads(key) for key in seen]
    pytest.fail(f"states still appearing after {MAX_TURNS} turns")


def test_every_response_in_every_state(skill, language_model, content):
    checked, states = explore(skill, language_model)
    assert len(states) > 20
    assert checked > 1000
    stages = {state.get("stage", START) for state in states}
    assert stages == {START, RELIEF, FINISHED_RELIEF, *ADVICE_LISTS, ROUTINE}
    stretches = {state["routine_step"] for state in states if state.get("stage") == ROUTINE}
    assert stretches == set(range(len(content.routine.stretches)))


class Remembering(AbstractPersistenceAdapter):
    """An in-memory store holding one person's record part-way through a routine, that notes
    every call made of it."""

    def __init__(self):
        self.calls: list[str] = []

    def get_attributes(self, request_envelope):
        self.calls.append("get_attributes")
        record = {"disclaimer_heard": True, "tips_heard": [0], "routine_resume_at": 2}
        return {**record, LAST_VISIT: "2026-01-01"}

    def save_attributes(self, request_envelope, attributes):
        self.calls.append("save_attributes")

    def delete_attributes(self, request_envelope):
        self.calls.append("delete_attributes")


def is_relief_step(request: dict, response: dict) -> bool:
    """A cramp intent, or any intent answered in the relief stage but "forget me", which is
    answered by deleting the record, as the person asked."""
    if request["request"]["type"] != "IntentRequest":
        return False
    intent = request["request"]["intent"]["name"]
    stage_after = response.get("sessionAttributes", {}).get("stage")
    return intent in RELIEF_INTENTS or (stage_after == RELIEF and intent != "DeleteDataIntent")


def test_every_response_with_a_store_and_no_relief_step_touches_it(language_model):
    store = Remembering()
    touched = []

    def relief_never_waits(request, response):
        if is_relief_step(request, response) and store.calls:
            touched.append((request["request"]["intent"]["name"], list(store.calls)))
        store.calls.clear()

    skill = create_skill(persistence_adapter=store)
    checked, states = explore(skill, language_model, after_each=relief_never_waits)
    assert checked > 1000
    assert touched == []
    assert {state.get("stage", START) for state in states} >= {RELIEF, ROUTINE}


#: Locales whose own conversation tests walk every state, with their language's checks.
WALKED_WITH_THEIR_LANGUAGE = {"en-US", "es-ES", "es-MX", "de-DE", "fr-FR", "fr-CA"}


@pytest.mark.parametrize(
    "locale", sorted(set(EMERGENCY_NUMBERS) - WALKED_WITH_THEIR_LANGUAGE), ids=str
)
def test_every_response_in_every_state_in_the_other_locales(locale):
    """The regional English locales and es-US differ from a walked locale only in their facts
    and samples: every answer keeps Alexa's rules with them too."""
    checked, states = explore(create_skill(), language_model_of(locale), locale=locale)
    assert checked > 1000 and len(states) > 20
