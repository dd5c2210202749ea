"""Whole conversations in German, as people in Germany say them: each utterance is understood with
the de-DE interaction model and sent as a real de-DE request envelope.

What the skill should say is written here in German, not read from the content, so a reply that
drifts into English, loses its number or its first instruction fails.
"""

import json

import pytest
from alexa_rules import check_response
from helpers import person, said
from test_content_de import ENGLISH
from test_every_response import every_request, state_key

from console import envelopes
from console.nlu import MODELS_DIR
from skill.app import create_skill, handle_event

LOCALE = "de-DE"
CALF_FIRST_STEP = "Streck das Bein aus, und zieh die Zehen zu dir, Richtung Schienbein."
EMERGENCY = "ruf sofort die eins eins zwei an"


@pytest.fixture
def german():
    return person(locale=LOCALE)


def test_a_calf_cramp_starts_with_what_to_do_in_german(german):
    turn = german.say("ich habe einen wadenkrampf")
    assert turn.request["request"]["locale"] == LOCALE
    assert said(turn).startswith(f"Alles klar. {CALF_FIRST_STEP}")
    assert "zehn Sekunden" in said(turn) and "dreißig" in said(turn)
    assert not turn.session_ended
    assert turn.card["title"] == "Schritte bei einem Krampf in der Wade"
    assert "Im Notfall ruf die eins eins zwei an." in turn.card["content"]
    check_response(turn.response)


@pytest.mark.parametrize(
    ("utterance", "sequence", "first_words"),
    [
        ("mein fuß krampft", "foot", "Zieh die Zehen und den Fußrücken zu dir"),
        ("meine zehen krampfen", "toes", "Zieh die Zehen nach oben"),
        ("krampf im fußgewölbe", "arch", "Zieh die Zehen zu dir, Richtung Schienbein, damit"),
        ("mir krampft die wade", "calf", "Streck das Bein aus"),
        ("mein oberschenkel krampft", "thigh", "Halt dich an etwas Festem fest"),
        ("ich habe einen krampf hinten im oberschenkel", "hamstring", "Setz dich"),
        ("mein bein krampft", "general", "Stopp. Streck das Bein aus"),
        ("ich hab nen krampf", "general", "Stopp. Streck das Bein aus"),
    ],
)
def test_each_body_part_gets_its_own_steps(german, utterance, sequence, first_words):
    turn = german.say(utterance)
    assert said(turn).startswith(f"Alles klar. {first_words}")
    assert turn.response["sessionAttributes"]["sequence"] == sequence


def test_relief_through_to_the_end_in_german(german):
    german.say("meine wade krampft")
    step = german.say("weiter")
    assert said(step).startswith("Wenn du stehen kannst: Stell dich vor eine Wand")
    worse = german.say("es tut noch weh")
    assert said(worse).startswith("Versuchen wir etwas anderes. Leg etwas Warmes auf den Muskel")
    assert "Warm, nicht heiß" in said(worse)
    gone = german.say("er ist weg")
    assert said(gone).startswith("Gut, schön, dass er sich gelöst hat.")
    assert "Im Notfall ruf die eins eins zwei an." in said(gone)
    assert said(gone).endswith("Möchtest du ein paar Tipps, damit er nicht wiederkommt?")
    done = german.say("nein danke")
    assert said(done) == "Alles klar. Pass gut auf dich auf."
    assert done.session_ended


def test_opening_the_skill_then_yes_starts_the_steps(german):
    session = envelopes.Session(locale=LOCALE)
    response = handle_event(german.skill, envelopes.launch_request(session))
    assert said(response).startswith("Hier ist Krampf Coach. Krampft gerade ein Muskel?")
    session.attributes, session.new = response["sessionAttributes"], False
    yes = german.understanding.understand("ja")
    answer = handle_event(german.skill, envelopes.intent_request(session, yes))
    assert said(answer).startswith("Alles klar. Stopp. Streck das Bein aus")


def test_a_question_about_prevention_in_german(german):
    turn = german.say("wie kann ich krämpfen vorbeugen")
    disclaimer, _, advice = said(turn).partition(" Hier sind die drei Dinge")
    assert disclaimer.endswith("Im Notfall ruf die eins eins zwei an."), "heard on first use"
    assert advice.startswith(", die am meisten helfen können.")
    assert said(turn).endswith("Möchtest du mehr hören?")
    more = german.say("ja")
    assert said(more).startswith("Genug trinken.")
    assert german.say("nein").session_ended


def test_a_prevention_topic_goes_straight_to_its_page(german):
    turn = german.say("hilft sport gegen krämpfe")
    assert "Rat. Im Notfall ruf die eins eins zwei an. Sport. Steigere nach und nach" in said(turn)
    assert turn.request["request"]["intent"]["slots"]["topic"]["value"] == "sport"


def test_asking_for_an_ambulance_names_one_one_two_and_never_offers_to_call(german):
    turn = german.say("ruf einen krankenwagen")
    cannot = "Ich kann selbst niemanden anrufen."
    assert said(turn) == f"{cannot} Wenn das ein Notfall ist, {EMERGENCY}."
    assert turn.session_ended


@pytest.mark.parametrize(
    ("utterance", "first_words"),
    [
        ("ich habe brustschmerzen", "Ruf sofort die eins eins zwei an."),
        ("ich kriege keine luft", "Ruf sofort die eins eins zwei an."),
        (
            "meine wade ist geschwollen",
            "Lass dich noch heute untersuchen, in der Hausarztpraxis oder beim Bereitschaftsdienst"
            " unter eins eins sechs eins eins sieben.",
        ),
        ("mein fuß ist taub", "Lass das bald ärztlich abklären."),
    ],
)
def test_a_named_symptom_hears_how_urgent_it_is_first(german, utterance, first_words):
    turn = german.say(utterance)
    assert said(turn).startswith(first_words)


def test_a_red_flag_mid_cramp_names_one_one_two(german):
    german.say("meine wade krampft")
    turn = german.say("ich habe brustschmerzen")
    assert said(turn).startswith("Ruf sofort die eins eins zwei an.")


def test_help_fallback_routine_tip_and_forget_me_speak_german(german):
    assert said(german.say("hilfe")).startswith("Ich begleite dich Schritt für Schritt")
    german.say("stopp")
    assert said(german.say("wie wird das wetter morgen")).startswith("Entschuldige, das habe ich")
    german.say("stopp")
    routine = german.say("mach mit mir dehnübungen")
    assert "Hier ist eine kurze tägliche Routine für Füße und Waden" in said(routine)
    assert "Wadendehnung an der Wand." in said(routine)
    german.say("stopp")
    assert said(german.say("gib mir einen tipp")).startswith("Hier ist ein Tipp.")
    assert said(german.say("vergiss mich")).startswith("Erledigt.")


def test_every_response_in_every_state_is_german_and_keeps_alexas_rules():
    """Every intent of the de-DE model (each slot value, and none) in every state it reaches,
    as in test_every_response for en-US: each answer keeps Alexa's limits and has no English."""
    model = json.loads((MODELS_DIR / f"{LOCALE}.json").read_text(encoding="utf-8"))
    requests = every_request(model["interactionModel"]["languageModel"])
    skill = create_skill()
    frontier, seen, checked = [{}], {state_key({})}, 0
    while frontier:
        next_frontier = []
        for attributes in frontier:
            session = envelopes.Session(attributes=attributes, new=not attributes, locale=LOCALE)
            kinds = [envelopes.launch_request(session), envelopes.session_ended_request(session)]
            kinds += [envelopes.intent_request(session, match) for match in requests]
            for request in kinds:
                response = handle_event(skill, request)
                check_response(response, request["request"]["type"])
                checked += 1
                output = response["response"]
                if "outputSpeech" in output:
                    text = said(response)
                    assert not ENGLISH.search(text), f"English in {text!r}"
                if output.get("shouldEndSession") is False:
                    after = response["sessionAttributes"]
                    if state_key(after) not in seen:
                        seen.add(state_key(after))
                        next_frontier.append(after)
        frontier = next_frontier
    assert len(seen) > 20 and checked > 1000
