"""CanFulfillIntentRequest: Alexa asking, before it routes a request said without the skill's name,
whether the skill would take it. Answered from envelopes as Alexa sends them, for every intent of
every English model, with no side effects of any kind."""

import copy
import json
import logging
from pathlib import Path

import lambda_function
import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill import persistence
from skill.app import create_skill, handle_event
from skill.handlers import CannotFulfillExceptionHandler

TESTS = Path(__file__).resolve().parent
MODELS_DIR = TESTS.parent / "interaction_model" / "interactionModels" / "custom"
MODELS = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    for path in sorted(MODELS_DIR.glob("en-*.json"))
}
# The decision (skill/handlers.py, CanFulfillHandler): what a person can start with, with no
# conversation behind it. Every other intent of a model is answered NO.
STANDALONE = {
    "CrampNowIntent", "PreventionIntent", "CausesIntent", "SeeDoctorIntent",
    "StretchRoutineIntent", "TipIntent",
}  # fmt: skip
YES = {"canUnderstand": "YES", "canFulfill": "YES"}
NOT_OURS = {"canUnderstand": "NO", "canFulfill": "NO"}


def request_file(name: str) -> dict:
    """A request envelope saved as Alexa sends it (tests/requests/)."""
    return json.loads((TESTS / "requests" / f"{name}.json").read_text(encoding="utf-8"))


def asking(intent: str, slots: dict | None = None, locale: str = "en-US") -> dict:
    """A CanFulfillIntentRequest for ``intent``, as Alexa sends one: no session."""
    event = request_file("can_fulfill_cramp_calf")
    event["request"]["locale"] = locale
    event["request"]["intent"] = {"name": intent, "slots": slots or {}}
    return event


def declared_slots(locale: str, intent: str) -> dict:
    """Every slot the intent declares, unfilled: Alexa sends them all, with no value."""
    declared = next(i for i in MODELS[locale]["intents"] if i["name"] == intent)
    return {slot["name"]: {"name": slot["name"]} for slot in declared.get("slots", [])}


def heard(slot: str, value: str, resolution: dict | None) -> dict:
    """A slot with a value, resolved (or not) the way Alexa's entity resolution reports it."""
    filled = {"name": slot, "value": value, "confirmationStatus": "NONE"}
    if resolution is not None:
        filled["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return {slot: filled}


def matched(value_id: str, name: str) -> dict:
    return {
        "authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.test.TYPE",
        "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": name, "id": value_id}}],
    }


def no_match() -> dict:
    return {
        "authority": "amzn1.er-authority.echo-sdk.amzn1.ask.skill.test.TYPE",
        "status": {"code": "ER_SUCCESS_NO_MATCH"},
    }


def answer(skill, event: dict) -> dict:
    """The canFulfillIntent of the response, after checking the response holds nothing else."""
    envelope = handle_event(skill, event)
    assert envelope["version"] == "1.0"
    assert set(envelope["response"]) == {"canFulfillIntent"}, "nothing said, shown or ended"
    return envelope["response"]["canFulfillIntent"]


def slot_intents(locale: str):
    """(intent, slot, slot type values) for every intent that declares a custom-typed slot."""
    types = {slot_type["name"]: slot_type["values"] for slot_type in MODELS[locale]["types"]}
    for intent in MODELS[locale]["intents"]:
        for slot in intent.get("slots", []):
            if slot["type"] in types:
                yield intent["name"], slot["name"], types[slot["type"]]


EVERY_INTENT = [
    (locale, intent["name"]) for locale, model in MODELS.items() for intent in model["intents"]
]


def test_there_is_an_english_model_and_every_standalone_intent_is_in_it():
    assert "en-US" in MODELS
    for model in MODELS.values():
        assert {intent["name"] for intent in model["intents"]} >= STANDALONE


@pytest.mark.parametrize(("locale", "intent"), EVERY_INTENT)
def test_every_intent_of_the_model_is_answered_as_decided(skill, locale, intent):
    reply = answer(skill, asking(intent, declared_slots(locale, intent), locale))
    assert reply == {"canFulfill": "YES" if intent in STANDALONE else "NO"}


@pytest.mark.parametrize("intent", ["OrderPizzaIntent", "AMAZON.ShuffleOnIntent", ""])
def test_an_intent_the_skill_does_not_know_is_no(skill, intent):
    assert answer(skill, asking(intent)) == {"canFulfill": "NO"}


def test_a_cramp_without_a_body_part_is_yes(skill):
    event = asking("CrampNowIntent", {"bodyPart": {"name": "bodyPart"}})
    assert answer(skill, event) == {"canFulfill": "YES"}


@pytest.mark.parametrize("locale", sorted(MODELS))
def test_every_value_and_synonym_of_every_slot_is_understood_and_fulfilled(skill, locale):
    """Entity resolution matched what was heard to one of the slot type's values."""
    checked = 0
    for intent, slot, values in slot_intents(locale):
        if intent not in STANDALONE:
            continue  # NO whatever its slots: test_every_intent_of_the_model_is_answered_as_decided
        for value in values:
            for spoken in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                resolution = matched(value["id"], value["name"]["value"])
                event = asking(intent, heard(slot, spoken, resolution), locale)
                assert answer(skill, event) == {"canFulfill": "YES", "slots": {slot: YES}}
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("intent", "slot", "spoken"),
    [
        ("CrampNowIntent", "bodyPart", "elbow"),
        ("CrampNowIntent", "bodyPart", "stomach"),
        ("PreventionIntent", "topic", "headaches"),
        ("SeeDoctorIntent", "symptom", "a sore throat"),
    ],
)
def test_a_value_that_is_not_ours_is_no(skill, intent, slot, spoken):
    """ "My elbow is cramping": Alexa heard a body part, and it matched none of ours."""
    reply = answer(skill, asking(intent, heard(slot, spoken, no_match())))
    assert reply == {"canFulfill": "NO", "slots": {slot: NOT_OURS}}


@pytest.mark.parametrize(
    "resolution",
    [
        None,
        {"authority": "amzn1.er-authority.echo-sdk.x", "status": {"code": "ER_ERROR_TIMEOUT"}},
        {"authority": "amzn1.er-authority.echo-sdk.x", "status": {"code": "ER_ERROR_EXCEPTION"}},
    ],
)
def test_a_value_without_a_resolution_to_go_by_is_maybe(skill, resolution):
    reply = answer(skill, asking("CrampNowIntent", heard("bodyPart", "calf", resolution)))
    assert reply == {
        "canFulfill": "MAYBE",
        "slots": {"bodyPart": {"canUnderstand": "MAYBE", "canFulfill": "NO"}},
    }


def without_user(event: dict) -> dict:
    event = copy.deepcopy(event)
    del event["context"]["System"]["user"]
    return event


def in_a_session(event: dict, attributes: dict) -> dict:
    event = copy.deepcopy(event)
    event["session"] = {
        "new": True,
        "sessionId": "amzn1.echo-api.session.can-fulfill",
        "application": event["context"]["System"]["application"],
        "attributes": attributes,
        "user": {"userId": "amzn1.ask.account.AGF7EXAMPLEUSERID3KQ"},
    }
    return event


@pytest.mark.parametrize(
    "event",
    [
        request_file("can_fulfill_cramp_calf"),
        without_user(request_file("can_fulfill_cramp_calf")),
        in_a_session(request_file("can_fulfill_cramp_calf"), {}),
        without_user(in_a_session(request_file("can_fulfill_cramp_calf"), {})),
    ],
    ids=["no session", "no user id", "in a session", "session without user id"],
)
def test_the_answer_needs_no_user_id_and_no_session(skill, event):
    if "session" in event:
        del event["session"]["user"]
    reply = answer(skill, event)
    assert reply == {"canFulfill": "YES", "slots": {"bodyPart": YES}}


def test_session_attributes_come_back_as_they_came(skill):
    """Nothing is settled, recalled or saved into them: the conversation state is not touched."""
    attributes = {"stage": "relief", "sequence": "elbow", "step": 9}
    event = in_a_session(request_file("can_fulfill_cramp_calf"), copy.deepcopy(attributes))
    assert handle_event(skill, event)["sessionAttributes"] == attributes


class Watched(AbstractPersistenceAdapter):
    """A store that notes every call, and fails or takes its time (on a stand-in clock)."""

    def __init__(self, behaviour: str, monkeypatch):
        self.behaviour = behaviour
        self.calls: list[str] = []
        self.now = 0.0
        monkeypatch.setattr(persistence, "clock", lambda: self.now)

    def _called(self, name: str):
        self.calls.append(name)
        if self.behaviour == "fails":
            raise RuntimeError(f"{name}: the table is gone")
        self.now += 5.0  # slow: five seconds of the request's budget, on the stand-in clock
        return {}

    def get_attributes(self, request_envelope):
        return self._called("get_attributes")

    def save_attributes(self, request_envelope, attributes):
        self._called("save_attributes")

    def delete_attributes(self, request_envelope):
        self._called("delete_attributes")


@pytest.mark.parametrize("behaviour", ["fails", "slow"])
@pytest.mark.parametrize("intent", sorted(STANDALONE | {"AMAZON.NextIntent", "DeleteDataIntent"}))
def test_the_store_is_never_touched(monkeypatch, behaviour, intent):
    store = Watched(behaviour, monkeypatch)
    skill = create_skill(persistence_adapter=store)
    for event in (asking(intent), in_a_session(asking(intent), {})):
        reply = answer(skill, event)
        assert reply == {"canFulfill": "YES" if intent in STANDALONE else "NO"}
    assert store.calls == []
    # The same store is read by a request that does touch it: the watch itself works.
    handle_event(skill, request_file("launch"))
    assert store.calls == ["get_attributes"]


def test_nothing_is_logged(skill, caplog):
    event = in_a_session(request_file("can_fulfill_cramp_calf"), {})
    with caplog.at_level(logging.DEBUG):
        answer(skill, event)
        answer(skill, asking("SeeDoctorIntent", heard("symptom", "a sore throat", no_match())))
    assert caplog.records == []


def test_the_lambda_entry_answers_it():
    reply = lambda_function.lambda_handler(request_file("can_fulfill_cramp_calf"), None)
    assert reply["response"] == {
        "canFulfillIntent": {"canFulfill": "YES", "slots": {"bodyPart": YES}}
    }


def test_a_failure_answers_no_never_relief_speech(skill, monkeypatch, caplog):
    """Relief speech is no valid answer to this request; the log says where, not what was said."""

    def broken(slots):
        raise RuntimeError("heard: my calf is swollen and red")

    monkeypatch.setattr("skill.handlers.can_fulfill", broken)
    event = request_file("can_fulfill_cramp_calf")
    with caplog.at_level(logging.ERROR):
        reply = answer(skill, event)
    assert reply == {"canFulfill": "NO"}
    assert event["request"]["requestId"] in caplog.text
    assert "RuntimeError" in caplog.text
    assert "swollen" not in caplog.text


def test_a_failing_safety_net_still_answers_no(skill, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("the safety net tore")

    monkeypatch.setattr("skill.handlers.can_fulfill", broken)
    monkeypatch.setattr(CannotFulfillExceptionHandler, "handle", broken)
    event = request_file("can_fulfill_cramp_calf")
    with caplog.at_level(logging.ERROR):
        reply = answer(skill, event)
    assert reply == {"canFulfill": "NO"}
    assert event["request"]["requestId"] in caplog.text
    assert "safety net" not in caplog.text


@pytest.mark.parametrize(
    "request_part",
    [
        {"type": "CanFulfillIntentRequest", "intent": 7},
        {"type": "CanFulfillIntentRequest", "intent": {"name": "CrampNowIntent", "slots": 7}},
    ],
)
def test_an_unreadable_can_fulfill_request_is_no(skill, request_part):
    event = {"version": "1.0", "request": request_part}
    assert answer(skill, event) == {"canFulfill": "NO"}


def test_a_failure_in_any_other_request_still_gives_relief(skill, content, monkeypatch):
    """The relief guarantee is untouched: only this request type answers NO on failure."""

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("skill.replies.start_relief", broken)
    reply = handle_event(skill, request_file("cramp_calf_one_shot"))
    assert content.sequences["general"].steps[0].do in reply["response"]["outputSpeech"]["ssml"]


def test_the_manifest_declares_the_interface():
    """Without it Alexa never sends the request (developer console: Build, Interfaces)."""
    manifest = json.loads((MODELS_DIR.parent.parent / "skill.json").read_text(encoding="utf-8"))
    interfaces = manifest["manifest"]["apis"]["custom"]["interfaces"]
    assert {"type": "CAN_FULFILL_INTENT_REQUEST"} in interfaces
