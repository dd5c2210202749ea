"""Whole conversations in German, as people in Germany say them: each utterance is understood with
the de-DE interaction model and sent as a real de-DE request envelope.

What the skill should say is written here in German, not read from the content, so a reply that
drifts into English, loses its number or its first instruction fails.
"""

import pytest
import test_screens
from alexa_rules import check_response
from helpers import language_model_of, person, said
from test_content_de import ENGLISH
from test_every_response import explore

from console import envelopes
from skill import content as skill_content
from skill.app import create_skill, handle_event

LOCALE = "de-DE"
CALF_FIRST_STEP = "Stopp. Streck das Bein aus, und zieh die Zehen zu dir, Richtung Schienbein."
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
    assert turn.card["title"] == "Schritte bei einem Krampf: Wade"
    assert "Im Notfall ruf die eins eins zwei an." in turn.card["content"]
    check_response(turn.response)


@pytest.mark.parametrize(
    ("utterance", "sequence", "first_words"),
    [
        ("mein fuß krampft", "foot", "Stopp. Setz dich, und zieh die Zehen und den Fußrücken"),
        ("meine zehen krampfen", "toes", "Stopp. Setz dich, und zieh die Zehen nach oben"),
        ("krampf im fußgewölbe", "arch", "Stopp. Setz dich, und zieh die Zehen zu dir"),
        ("mir krampft die wade", "calf", "Stopp. Streck das Bein aus"),
        ("meine fußsohle krampft", "foot", "Stopp. Setz dich, und zieh die Zehen"),
        ("meine achillessehne krampft", "calf", "Stopp. Streck das Bein aus"),
        ("ich habe einen krampf hinten im oberschenkel", "hamstring", "Stopp. Setz dich"),
        ("mir krampft der quadrizeps", "thigh_front", "Stopp. Leg dich auf die Seite"),
        ("ich habe einen krampf in der kniekehle", "back_of_leg", "Stopp. Setz dich, das Bein"),
        ("beide beine krampfen", "both_legs", "Stopp. Setz dich, beide Beine gerade"),
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
    assert said(step).startswith("Wenn du stehen kannst: Stütz dich an einer Wand ab")
    check = german.say("es tut noch weh")
    assert said(check).startswith("Kurz vorweg: Ist dein Bein geschwollen, rot, heiß")
    assert said(check).endswith("?")
    clear = german.say("nein")
    assert said(clear).startswith("Gut, dann machen wir weiter.")
    gone = german.say("er ist weg")
    assert said(gone) == (
        "Gut, er hat losgelassen. Tut es später noch weh, kann ein Kühlpack in einem Tuch helfen."
        " Möchtest du ein paar Tipps, damit er nicht wiederkommt?"
    )
    assert "Im Notfall ruf die eins eins zwei an." in gone.card["content"]
    done = german.say("nein danke")
    assert said(done) == "Alles klar. Pass gut auf dich auf."
    assert done.session_ended


def test_a_swollen_leg_at_the_check_stops_rubbing_and_names_one_one_two(german):
    german.say("meine wade krampft")
    german.say("es tut noch weh")
    answer = german.say("ja")
    assert said(answer).startswith(
        "Dann hör mit dem Dehnen auf, und reib oder wärm das Bein nicht."
    )
    assert EMERGENCY in said(answer) and "heute noch ansehen" in said(answer)


@pytest.mark.parametrize(
    ("side", "first_words"),
    [
        ("vorne", "Stopp. Leg dich auf die Seite, das verkrampfte Bein oben, und zieh die Ferse"),
        ("hinten", "Stopp. Setz dich, das Bein gerade nach vorn, das Knie gestreckt"),
    ],
)
def test_the_thigh_alone_asks_front_or_back_before_any_stretch(german, side, first_words):
    asked = german.say("mein oberschenkel krampft")
    question = "Ist der Krampf vorne im Oberschenkel, oder hinten?"
    assert said(asked) == f"Alles klar. Stopp. Setz oder leg dich hin. {question}"
    assert first_words in said(german.say(side))


@pytest.mark.parametrize("utterance", ["mein schienbein krampft", "krampf im fußrücken"])
def test_shin_and_top_of_foot_ease_the_foot_down_never_toward_the_shin(german, utterance):
    first = said(german.say(utterance))
    assert "sanft nach unten" in first
    assert "Richtung Schienbein" not in first and "zum Schienbein" not in first


def test_a_driver_hears_to_pull_over_first(german):
    turn = german.say("ich fahre gerade auto und habe einen wadenkrampf")
    assert said(turn).startswith("Fahr rechts ran, sobald es sicher geht, und halte an. Ich warte.")
    ready = german.say("ich habe angehalten")
    assert CALF_FIRST_STEP in said(ready)


def test_the_person_leads_mid_cramp_and_the_step_stays(german):
    german.say("meine wade krampft")
    assert said(german.say("aua")).startswith("Lass ein wenig nach, bis es zieht")
    assert said(german.say("noch nicht")).startswith("Das ist in Ordnung. Mach sanft weiter.")
    serious = german.say("ist das gefährlich")
    assert said(serious).startswith("Die meisten Krämpfe vergehen in ein paar Minuten.")
    assert not serious.session_ended
    assert said(german.say("fertig")).startswith("Wenn du stehen kannst: Stütz dich an einer Wand")


def test_opening_the_skill_then_yes_starts_the_steps(german):
    session = envelopes.Session(locale=LOCALE)
    response = handle_event(german.skill, envelopes.launch_request(session))
    assert said(response).startswith("Hier ist Krampf Coach. Krampft gerade ein Muskel?")
    session.attributes, session.new = response["sessionAttributes"], False
    yes = german.understanding.understand("ja")
    answer = handle_event(german.skill, envelopes.intent_request(session, yes))
    assert said(answer).startswith(f"Alles klar. {CALF_FIRST_STEP}")


def test_the_console_opens_and_asks_the_skill_the_german_way(german):
    opened = german.say("öffne krampf coach")
    assert opened.request["request"]["type"] == "LaunchRequest"
    assert said(opened).startswith("Hier ist Krampf Coach.")
    german.say("stopp")
    asked = german.say("frage krampf coach nach hilfe bei einem wadenkrampf")
    assert asked.request["session"]["new"] is True
    assert said(asked).startswith(f"Alles klar. {CALF_FIRST_STEP}")


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
            "Lass das heute noch ansehen, in der Praxis oder beim Bereitschaftsdienst,"
            " eins eins sechs eins eins sieben.",
        ),
        ("mein fuß ist taub", "Lass das bald in deiner Hausarztpraxis abklären."),
        ("mein bein ist plötzlich taub", "Ruf sofort die eins eins zwei an."),
        ("es hat geknallt", "Lass das heute noch ansehen"),
        ("ich habe eine schnittwunde", "Ruf sofort die eins eins zwei an."),
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

    def no_english(request, response):
        if "outputSpeech" in response["response"]:
            text = said(response)
            assert not ENGLISH.search(text), f"English in {text!r}"

    checked, states = explore(create_skill(), language_model_of(LOCALE), no_english, LOCALE)
    assert len(states) > 20 and checked > 1000


@pytest.mark.parametrize("profile", sorted(test_screens.PROFILES))
def test_every_german_step_and_stretch_fits_on_the_screen(profile):
    """German words run long: the same fit as in English, worked out the same way."""
    test_screens.test_every_step_and_stretch_fits_on_the_screen(
        skill_content.for_locale(LOCALE), profile
    )
