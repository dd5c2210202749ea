"""The interaction models against Alexa's published rules, and against the skill.

Every test here runs for every locale's model in interaction_model/interactionModels/custom/:
an illegal sample in any locale fails.
"""

import json
import re
from collections import Counter
from typing import NamedTuple

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope

from console import envelopes
from console.nlu import MODELS_DIR, Match, built_in_utterances, normalize
from skill import content as skill_content
from skill import handlers


class Language(NamedTuple):
    """What the rules below need to know of a language."""

    invocation_name: str
    #: Words Alexa reserves for starting a skill; they may not be in an invocation name.
    launch_words: frozenset[str]
    #: Words that start the skill in the middle of a sentence (Alexa, and virtual-alexa in the
    #: tests, read them so): no sample may contain one.
    starts_the_skill: frozenset[str]
    #: Letters a sample or an invocation name may use, besides spaces, apostrophes and periods.
    letters: str
    #: How a sample that simply states a symptom of the calf begins.
    calf_statement: str


GERMAN_LAUNCH_WORDS = frozenset({
    "öffne", "öffnen", "starte", "starten", "frag", "frage", "fragen", "sag", "sage", "sagen",
    "bitte", "spiel", "spiele", "aktiviere", "aktivieren", "beginne", "lade", "benutze", "nutze",
    "verwende", "rede", "sprich", "lass",
})  # fmt: skip
ENGLISH_LAUNCH_WORDS = frozenset({
    "ask", "open", "tell", "launch", "start", "begin", "load", "play", "resume", "run", "use",
    "talk", "enable", "go",
})  # fmt: skip
FRENCH_LAUNCH_WORDS = frozenset({
    "ouvre", "ouvrir", "lance", "lancer", "démarre", "démarrer", "commence", "commencer",
    "demande", "demander", "dis", "dire", "joue", "jouer", "active", "activer", "utilise",
    "utiliser", "parle", "parler", "reprends", "reprendre", "charge", "exécute",
})  # fmt: skip
SPANISH_LAUNCH_WORDS = frozenset({
    "abre", "abrir", "inicia", "iniciar", "empieza", "empezar", "comienza", "comenzar", "lanza",
    "ejecuta", "carga", "juega", "usa", "pide", "pídele", "pregunta", "pregúntale", "dile",
    "habla", "activa",
})  # fmt: skip
LANGUAGES = {
    # German launch phrases: "öffne", "starte", "frage ... nach", "sag ..., dass". "frage" and
    # "sag" are everyday words too ("ich habe eine Frage"); no sample uses them, nor "öffne".
    "de": Language(
        invocation_name="krampf coach",
        launch_words=GERMAN_LAUNCH_WORDS,
        starts_the_skill=frozenset({"öffne", "starte", "frag", "frage", "sag", "sage"}),
        letters="A-Za-zÄÖÜäöüß",
        calf_statement="meine wade ist",
    ),
    "en": Language(
        invocation_name="cramp coach",
        launch_words=ENGLISH_LAUNCH_WORDS,
        starts_the_skill=frozenset({"ask", "open", "tell", "launch"}),
        letters="A-Za-z",
        calf_statement="my calf is",
    ),
    # French launch phrases: "ouvre", "lance", "demande à ...", "dis à ... que". "dis" is an
    # everyday word too ("dis moi", "dis m'en plus"); no sample says "dis à", nor opens or asks.
    "fr": Language(
        invocation_name="coach crampes",
        launch_words=FRENCH_LAUNCH_WORDS,
        starts_the_skill=frozenset({"ouvre", "ouvrir", "lance", "lancer", "démarre", "demande"}),
        letters="A-Za-zÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸàâæçéèêëîïôœùûüÿ",
        calf_statement="mon mollet est",
    ),
    # Spanish launch phrases: "abre", "inicia", "pide a ... que", "pregunta a", "dile a ... que".
    # "pide" and "pregunta" also have everyday uses ("pide una ambulancia"); their forms that
    # only ever address someone (pídele, pregúntale, dile) and "abre" may not be in a sample.
    "es": Language(
        invocation_name="entrenador de calambres",
        launch_words=SPANISH_LAUNCH_WORDS,
        starts_the_skill=frozenset({"abre", "abrir", "dile", "pídele", "pregúntale"}),
        letters="A-Za-zÁÉÍÓÚÜÑáéíóúüñ",
        calf_statement="tengo la pantorrilla",
    ),
}
#: The calf's everyday name in a locale, which its model must know.
REGIONAL_CALF_WORDS = {
    "de-DE": "wadenkrampf",
    "en-US": "charley horse",
    "es-ES": "gemelo",
    "es-MX": "chamorro",
    "es-US": "pantorrilla",
    "fr-CA": "mollet",
    "fr-FR": "mollet",
}
# An invocation name may not name the device or the platform either.
RESERVED_NAME_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}
REQUIRED_BUILT_INS = {
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
    "AMAZON.MoreIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
}  # fmt: skip
MINIMUM_SAMPLES = {
    "CrampNowIntent": 40, "CrampGoneIntent": 20, "CrampPersistsIntent": 20,
    "PreventionIntent": 25, "CausesIntent": 25, "SeeDoctorIntent": 25,
    "StretchRoutineIntent": 25, "TipIntent": 25, "CallForHelpIntent": 10,
    "CrampEasingIntent": 10, "SetReminderIntent": 25, "CancelReminderIntent": 10,
}  # fmt: skip
BODY_PART_IDS = {
    "FOOT", "TOES", "ARCH", "CALF", "THIGH", "HAMSTRING", "LEG", "SHIN", "ANKLE", "ACHILLES",
    "TOP_OF_FOOT", "SOLE", "HEEL", "BOTH_LEGS", "BACK_OF_LEG", "FRONT_OF_THIGH",
}  # fmt: skip
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
LOCALES = sorted(path.stem for path in MODELS_DIR.glob("*.json"))


@pytest.fixture(params=LOCALES)
def locale(request):
    return request.param


@pytest.fixture
def language(locale) -> Language:
    return LANGUAGES[locale.partition("-")[0]]


@pytest.fixture
def language_model(locale) -> dict:
    """The locale's model (this module's own: conftest's is en-US's alone)."""
    model = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    return model["interactionModel"]["languageModel"]


def sample_pattern(language: Language) -> re.Pattern:
    """Letters, spaces, apostrophes, periods and {slot} references: no digits, no symbols."""
    return re.compile(rf"^(?:[{language.letters}.' ]|\{{[A-Za-z][A-Za-z0-9_]*\}})+$")


def test_every_locale_has_a_model():
    assert "en-US" in LOCALES


def all_samples(language_model):
    for intent in language_model["intents"]:
        for sample in intent.get("samples", []):
            yield intent, sample


def test_invocation_name(language_model, language):
    name = language_model["invocationName"]
    assert name == language.invocation_name
    letters = language.letters
    assert name == name.lower() and re.fullmatch(rf"[{letters}][{letters} .']*[{letters}]", name)
    words = name.split()
    assert len(words) >= 2
    assert not set(words) & (language.launch_words | RESERVED_NAME_WORDS)


def test_every_locale_has_the_same_intents_slots_and_value_ids_as_en_us(language_model):
    english = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))
    english = english["interactionModel"]["languageModel"]

    def shape(model):
        intents = [
            (i["name"], [(s["name"], s["type"]) for s in i.get("slots", [])], "samples" in i)
            for i in model["intents"]
        ]
        types = {t["name"]: sorted(v["id"] for v in t["values"]) for t in model["types"]}
        return intents, types

    assert shape(language_model) == shape(english)


def test_samples_use_only_allowed_characters(language_model, language):
    allowed = sample_pattern(language)
    for intent, sample in all_samples(language_model):
        assert allowed.fullmatch(sample), f"{intent['name']}: {sample!r}"
        assert sample == sample.strip() and "  " not in sample, sample
        # Alexa takes no possessive or other letters against a slot: "{bodyPart}'s" is refused.
        assert not re.search(r"\S\{|\}\S", sample), f"a slot must stand alone: {sample!r}"


def test_samples_are_unique_across_intents(language_model):
    counts = Counter(normalize(sample) for _, sample in all_samples(language_model))
    assert [sample for sample, count in counts.items() if count > 1] == []


def test_every_slot_in_a_sample_is_declared_and_every_declared_slot_used(language_model):
    custom_types = {slot_type["name"] for slot_type in language_model.get("types", [])}
    for intent in language_model["intents"]:
        declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        used = Counter()
        for sample in intent.get("samples", []):
            references = SLOT_REFERENCE.findall(sample)
            assert len(references) == len(set(references)), f"slot twice in {sample!r}"
            for reference in references:
                assert reference in declared, f"{intent['name']}: undeclared {{{reference}}}"
                used[reference] += 1
        for name, slot_type in declared.items():
            assert used[name], f"{intent['name']}: slot {name} is never used"
            assert slot_type in custom_types or slot_type.startswith("AMAZON.")


def test_required_built_ins_are_declared(language_model):
    names = {intent["name"] for intent in language_model["intents"]}
    assert names >= REQUIRED_BUILT_INS


@pytest.mark.parametrize(("intent_name", "minimum"), MINIMUM_SAMPLES.items())
def test_intents_have_enough_samples(language_model, intent_name, minimum):
    intent = next(i for i in language_model["intents"] if i["name"] == intent_name)
    assert len(intent["samples"]) >= minimum


def test_cramp_samples_work_with_and_without_the_body_part(language_model):
    intent = next(i for i in language_model["intents"] if i["name"] == "CrampNowIntent")
    with_slot = [s for s in intent["samples"] if "{bodyPart}" in s]
    assert len(with_slot) >= 15
    assert len(intent["samples"]) - len(with_slot) >= 15


def test_no_sample_contains_a_launch_word(language_model, language):
    """Alexa, and virtual-alexa in the tests, read these words as starting the skill."""
    for intent, sample in all_samples(language_model):
        words = set(normalize(sample).split())
        assert not words & language.starts_the_skill, f"{intent['name']}: {sample!r}"


def test_body_part_values_have_stable_ids_and_unique_synonyms(language_model, locale):
    content = skill_content.for_locale(locale)
    body_part = next(t for t in language_model["types"] if t["name"] == "BODY_PART")
    ids = {value["id"] for value in body_part["values"]}
    assert ids == BODY_PART_IDS
    assert ids == set(content.body_parts), "every body part needs steps in the content"
    spoken = Counter(
        normalize(form)
        for value in body_part["values"]
        for form in [value["name"]["value"], *value["name"]["synonyms"]]
    )
    assert [form for form, count in spoken.items() if count > 1] == []
    calf = next(v for v in body_part["values"] if v["id"] == "CALF")
    if locale in REGIONAL_CALF_WORDS:
        assert REGIONAL_CALF_WORDS[locale] in [calf["name"]["value"], *calf["name"]["synonyms"]]


def test_custom_samples_never_shadow_built_in_phrasings(language_model, locale):
    phrasings = built_in_utterances(locale)
    assert set(phrasings) <= REQUIRED_BUILT_INS
    built_in = {normalize(phrase) for phrases in phrasings.values() for phrase in phrases}
    clashes = {normalize(sample) for _, sample in all_samples(language_model)} & built_in
    assert clashes == set()


def test_every_declared_intent_has_its_own_handler(language_model, skill):
    for intent in language_model["intents"]:
        if intent["name"] == "AMAZON.FallbackIntent":
            continue
        request = envelopes.intent_request(envelopes.Session(), Match(intent["name"]))
        envelope = skill.serializer.deserialize(json.dumps(request), RequestEnvelope)
        handler_input = HandlerInput(envelope, AttributesManager(envelope))
        chosen = next(h for h in handlers.REQUEST_HANDLERS if h.can_handle(handler_input))
        assert not isinstance(chosen, handlers.FallbackHandler), intent["name"]


def test_a_slot_alexa_asks_for_has_samples_of_answers_and_a_dialog_model(locale, language):
    """Dialog.ElicitSlot (SetReminderIntent's time) needs the intent in the dialog model, and
    the answers people give ("at nine p.m.") as the slot's samples, under the same rules."""
    model = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    model = model["interactionModel"]
    language_model = model["languageModel"]
    in_dialog = {i["name"]: {s["name"] for s in i["slots"]} for i in model["dialog"]["intents"]}
    assert model["dialog"]["delegationStrategy"] == "SKILL_RESPONSE"  # the skill speaks
    elicited = {
        (intent["name"], slot["name"]): slot["samples"]
        for intent in language_model["intents"]
        for slot in intent.get("slots", [])
        if slot.get("samples")
    }
    assert set(elicited) == {("SetReminderIntent", "time")}
    for (intent, slot), samples in elicited.items():
        assert slot in in_dialog[intent]
        assert len(set(map(normalize, samples))) == len(samples) >= 5
        for sample in samples:
            assert sample_pattern(language).fullmatch(sample) and f"{{{slot}}}" in sample, sample
            assert not set(normalize(sample).split()) & language.starts_the_skill


def test_reminders_are_asked_for_with_and_without_a_time():
    """In en-US: each locale says it its own way."""
    language_model = json.loads((MODELS_DIR / "en-US.json").read_text(encoding="utf-8"))
    language_model = language_model["interactionModel"]["languageModel"]
    samples = {i["name"]: i["samples"] for i in language_model["intents"] if "samples" in i}
    set_reminder = samples["SetReminderIntent"]
    assert sum("{time}" in s for s in set_reminder) >= 15
    assert sum("{time}" not in s for s in set_reminder) >= 10
    assert "remind me to stretch every evening at {time}" in set_reminder
    assert "set a daily stretch reminder" in set_reminder
    cancel = samples["CancelReminderIntent"]
    assert {"stop reminding me to stretch", "cancel my stretch reminder"} <= set(cancel)


@pytest.mark.parametrize("slot_type", ["PREVENTION_TOPIC", "SYMPTOM", "SIDE"])
def test_advice_slot_values_have_ids_and_unique_synonyms(language_model, slot_type):
    values = next(t for t in language_model["types"] if t["name"] == slot_type)["values"]
    ids = [value["id"] for value in values]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Z_]+", i) for i in ids)
    spoken = Counter(
        normalize(form)
        for value in values
        for form in [value["name"]["value"], *value["name"]["synonyms"]]
    )
    assert [form for form, count in spoken.items() if count > 1] == []


def test_advice_intents_take_questions_and_statements(language_model, language):
    """A red flag can be asked about or just said; prevention can be asked with or without a
    topic."""
    samples = {i["name"]: i["samples"] for i in language_model["intents"] if "samples" in i}
    see_doctor = samples["SeeDoctorIntent"]
    assert sum("{symptom}" in s for s in see_doctor) >= 15
    assert sum("{symptom}" not in s for s in see_doctor) >= 15
    assert any(s.startswith(language.calf_statement) for s in see_doctor)
    prevention = samples["PreventionIntent"]
    assert sum("{topic}" in s for s in prevention) >= 15
    assert sum("{topic}" not in s for s in prevention) >= 15
