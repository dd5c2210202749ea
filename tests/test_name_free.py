"""Reaching the skill without its name: the ingress points each English model offers Alexa,
checked against Amazon's rules for the _nameFreeInteraction container, and what a person routed in
that way hears first."""

import copy
import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from skill import content as skill_content
from skill.app import create_skill, handle_event
from skill.persistence import SqliteAdapter

TESTS = Path(__file__).resolve().parent
PACKAGE = TESTS.parent / "interaction_model"
MODEL_FILES = sorted((PACKAGE / "interactionModels" / "custom").glob("en-*.json"))
# The intents a person can be routed straight into (issue 14).
INGRESS_INTENTS = {"CrampNowIntent", "PreventionIntent", "SeeDoctorIntent", "StretchRoutineIntent"}
MAX_PHRASES = 5
# As for sample utterances: letters, spaces, apostrophes and periods; spelled-out numbers.
PHRASE = re.compile(r"[A-Za-z][A-Za-z.' ]*[A-Za-z.]")
LAUNCH_WORDS = {"ask", "open", "tell", "launch", "start", "begin", "load", "run", "use", "enable"}


def normalize(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]


def ingress_points(path: Path) -> list[dict]:
    return load(path)["_nameFreeInteraction"]["ingressPoints"]


def phrases(point: dict) -> list[str]:
    return [utterance["value"] for utterance in point["sampleUtterances"]]


def sample_pattern(intent: dict, sample: str, slot_forms: dict[str, list[str]]) -> re.Pattern:
    """A sample as Alexa hears it: each slot filled by any value or synonym of its type."""
    types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    pieces = []
    for piece in re.split(r"(\{\w+\})", sample):
        slot = re.fullmatch(r"\{(\w+)\}", piece)
        if slot:
            forms = slot_forms.get(types[slot[1]], [])
            pieces.append("(?:" + "|".join(map(re.escape, forms)) + ")" if forms else ".+")
        elif normalize(piece):
            pieces.append(re.escape(normalize(piece)))
    return re.compile(" ".join(pieces))


def test_there_is_an_english_model():
    assert PACKAGE / "interactionModels" / "custom" / "en-US.json" in MODEL_FILES


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_the_container_is_beside_the_language_model_and_last(path):
    """Where Amazon's schema puts it, and last, so edits to intents and types never touch it."""
    model = load(path)
    assert list(model)[-1] == "_nameFreeInteraction"
    assert "languageModel" in model
    assert list(model["_nameFreeInteraction"]) == ["ingressPoints"]


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_one_launch_point_and_one_point_per_intent_for_the_chosen_intents(path):
    points = ingress_points(path)
    launches = [point for point in points if point["type"] == "LAUNCH"]
    assert len(launches) == 1
    assert "name" not in launches[0]
    intents = [point for point in points if point["type"] != "LAUNCH"]
    assert {point["type"] for point in intents} == {"INTENT"}
    names = [point["name"] for point in intents]
    assert len(names) == len(set(names))
    assert set(names) == INGRESS_INTENTS


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_intent_points_name_custom_intents_of_this_model(path):
    declared = {intent["name"] for intent in load(path)["languageModel"]["intents"]}
    for point in ingress_points(path):
        if point["type"] == "INTENT":
            assert point["name"] in declared
            assert not point["name"].startswith("AMAZON.")


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_each_point_has_one_to_five_raw_text_sentences_without_slots(path):
    for point in ingress_points(path):
        assert set(point) == {"type", "sampleUtterances"} | ({"name"} if "name" in point else set())
        assert 1 <= len(point["sampleUtterances"]) <= MAX_PHRASES, point.get("name", "LAUNCH")
        for utterance in point["sampleUtterances"]:
            assert utterance == {"format": "RAW_TEXT", "value": utterance["value"]}
            value = utterance["value"]
            assert "{" not in value and "}" not in value, f"a slot in {value!r}"
            assert PHRASE.fullmatch(value) and "  " not in value, value
            assert len(value.split()) >= 3, f"not a complete sentence: {value!r}"
            assert not set(normalize(value).split()) & LAUNCH_WORDS, value


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_phrases_are_unique_across_ingress_points(path):
    counts = Counter(normalize(p) for point in ingress_points(path) for p in phrases(point))
    assert [phrase for phrase, count in counts.items() if count > 1] == []


@pytest.mark.parametrize("path", MODEL_FILES, ids=lambda path: path.stem)
def test_no_phrase_is_a_sample_utterance_of_another_intent(path):
    """Not even with a slot filled: "my foot is cramping" may be CrampNowIntent's own
    "my {bodyPart} is cramping", but no other intent's, and a launch phrase no intent's."""
    language_model = load(path)["languageModel"]
    slot_forms = {
        slot_type["name"]: [
            normalize(form)
            for value in slot_type["values"]
            for form in [value["name"]["value"], *value["name"].get("synonyms", [])]
        ]
        for slot_type in language_model.get("types", [])
    }
    samples = [
        (intent["name"], sample, sample_pattern(intent, sample, slot_forms))
        for intent in language_model["intents"]
        for sample in intent.get("samples", [])
    ]
    assert len(samples) > 400
    for point in ingress_points(path):
        for phrase in phrases(point):
            copies = [
                f"{name}: {sample!r}"
                for name, sample, pattern in samples
                if name != point.get("name") and pattern.fullmatch(normalize(phrase))
            ]
            assert copies == [], f"{phrase!r} is a sample of {copies}"


def test_the_check_for_copies_would_see_one():
    """The pattern fills a slot with its type's values and synonyms, and only with those."""
    intent = {"name": "X", "slots": [{"name": "bodyPart", "type": "BODY_PART"}]}
    pattern = sample_pattern(intent, "my {bodyPart} is cramping", {"BODY_PART": ["foot", "calf"]})
    assert pattern.fullmatch(normalize("My foot is cramping."))
    assert not pattern.fullmatch(normalize("my elbow is cramping"))


# --- Routed in without the name: the first words ----------------------------------------------


def request_file(name: str) -> dict:
    return json.loads((TESTS / "requests" / f"{name}.json").read_text(encoding="utf-8"))


def spoken(ssml: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", ssml)).split())


@pytest.mark.parametrize(
    ("cramp", "sequence"), [("cramp_calf_one_shot", "calf"), ("cramp_without_slot", "general")]
)
def test_a_first_ever_visitor_routed_in_hears_what_to_do_first(tmp_path, cramp, sequence):
    """Alexa asks (CanFulfillIntentRequest), then sends the cramp in a new session, for someone
    the skill has never met: the first step comes first, the disclaimer is on the card."""
    text = skill_content.for_locale("en-US")
    store = tmp_path / "memory.sqlite3"
    skill = create_skill(persistence_adapter=SqliteAdapter(store))
    question = request_file("can_fulfill_cramp_calf")
    question["request"]["intent"] = copy.deepcopy(request_file(cramp)["request"]["intent"])
    assert handle_event(skill, question)["response"]["canFulfillIntent"]["canFulfill"] == "YES"

    event = request_file(cramp)
    assert event["session"]["new"] is True
    response = handle_event(skill, event)["response"]
    first = text.sequences[sequence].steps[0].do
    said = spoken(response["outputSpeech"]["ssml"])
    assert said.startswith(f"{text.phrase('first_step_opener')} {first}")
    assert text.phrase("disclaimer") not in said
    assert response["shouldEndSession"] is False
    card = response["card"]
    assert card["title"] == text.relief_text("card_title", area=text.sequences[sequence].area)
    assert first in card["content"]
    assert card["content"].endswith(text.relief_text("card_disclaimer"))
    assert not store.exists(), "a person in a cramp never waits on the store"
