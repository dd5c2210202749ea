"""Every response in every reachable state keeps Alexa's rules.

Starting from a launch and from each one-shot cramp, every intent of the interaction model (with
each body part, and without) is sent in every conversation state reached, breadth first, until no
new state appears. Each answer is checked against tests/alexa_rules.py.
"""

import json

import pytest
from alexa_rules import check_response

from skill import envelopes
from skill.app import handle_event
from skill.nlu import Match, SlotMatch
from skill.state import ADVICE_LISTS, FINISHED_RELIEF, RELIEF, ROUTINE, START

MAX_TURNS = 30
# Fields that change the wording of an answer, not which answers are possible. Other remembered
# fields (the routine position) do decide what comes next, so they count as part of the state.
WORDING_ONLY = {"disclaimer_heard", "tips_heard", "last_speech", "last_reprompt"}


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
    count without reaching a new answer."""
    return json.dumps(
        {k: v for k, v in attributes.items() if k not in WORDING_ONLY}, sort_keys=True
    )


def explore(skill, language_model):
    requests = every_request(language_model)
    checked = 0
    frontier = [{}]
    seen = {state_key({})}
    for _ in range(MAX_TURNS):
        next_frontier = []
        for attributes in frontier:
            session = envelopes.Session(attributes=attributes, new=not attributes)
            kinds = [envelopes.launch_request(session), envelopes.session_ended_request(session)]
            kinds += [envelopes.intent_request(session, match) for match in requests]
            for request in kinds:
                request_type = request["request"]["type"]
                response = handle_event(skill, request)
                check_response(response, request_type)
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
