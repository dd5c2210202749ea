"""Whole conversations in Spanish, in Spain, Mexico and the US, typed the way people there talk,
through each locale's own interaction model and real request envelopes.

A cramp, a question and an emergency, each in Spanish with that country's emergency number, and
every answer within Alexa's limits.
"""

import re
import uuid

import pytest
import test_screens
from alexa_rules import check_response
from helpers import EMERGENCY_NUMBERS, language_model_of, person, request_file, said
from test_every_response import explore

from console import transcript
from console.nlu import Match, SlotMatch
from console.repl import Device
from skill import content as skill_content
from skill.app import create_skill, handle_event

SPANISH_LOCALES = ("es-ES", "es-MX", "es-US")
#: How someone in each country most often tells the skill about a calf cramp, in one breath.
ONE_SHOT_CALF = {
    "es-ES": "dile a entrenador de calambres que me ha dado un calambre en el gemelo",
    "es-MX": "dile a entrenador de calambres que se me acalambró la pantorrilla",
    "es-US": "dile a entrenador de calambres que me dio un calambre en la pantorrilla",
}
OTHER_NUMBERS = {number for numbers in EMERGENCY_NUMBERS.values() for number in numbers}


def text(turn) -> str:
    return said(turn)


def after_the_disclaimer(turn, content) -> str:
    """What is said after the disclaimer, which a first-time visitor hears before any advice."""
    return text(turn).removeprefix(content.phrase("disclaimer")).lstrip()


def first_sentence(spoken: str) -> str:
    return re.split(r"(?<=[.?!])\s", spoken, maxsplit=1)[0]


def assert_only_its_own_number(spoken: str, locale: str) -> None:
    own = EMERGENCY_NUMBERS[locale]
    assert any(number in spoken for number in own), spoken
    for number in OTHER_NUMBERS - set(own):
        assert number not in spoken, (locale, number)


@pytest.fixture(params=SPANISH_LOCALES)
def locale(request):
    return request.param


@pytest.fixture
def content(locale):
    return skill_content.for_locale(locale)


# --- a cramp ------------------------------------------------------------------------------------


def test_a_one_shot_cramp_starts_with_what_to_do_in_spanish(locale, content):
    turn = person(locale=locale).say(ONE_SHOT_CALF[locale])
    first = content.sequences["calf"].steps[0]
    assert turn.request["request"]["locale"] == locale
    assert turn.request["session"]["new"] is True
    assert text(turn).startswith(f"{content.phrase('first_step_opener')} {first.do}")
    assert "hacia la espinilla" in first.do
    assert "sin llegar nunca al dolor agudo" in text(turn)
    for count in ("diez segundos", "veinte", "treinta"):
        assert f"{count}." in text(turn)
    assert '<prosody rate="90%">' in turn.speech
    assert not turn.session_ended
    assert transcript.to_text(turn.reprompt) == content.phrase("step_reprompt")
    check_response(turn.response)


def test_the_steps_card_comes_with_the_first_step_in_spanish(locale, content):
    turn = person(locale=locale).say(ONE_SHOT_CALF[locale])
    assert turn.card["title"] == "Pasos para un calambre en la pantorrilla"
    assert turn.card["content"].startswith(f"1. {content.sequences['calf'].steps[0].do}")
    assert "no consejo médico" in turn.card["content"]
    assert_only_its_own_number(turn.card["content"], locale)


@pytest.mark.parametrize(
    ("locale", "utterance", "sequence"),
    [
        ("es-ES", "se me ha subido el gemelo", "calf"),
        ("es-ES", "tengo una rampa en el pie", "foot"),
        ("es-ES", "se me han encogido los dedos del pie", "toes"),
        ("es-ES", "me ha dado un calambre en el femoral", "hamstring"),
        ("es-MX", "me dio un calambre en el chamorro", "calf"),
        ("es-MX", "se me engarrotaron los dedos", "toes"),
        ("es-MX", "se me acalambró la espinilla", "shin"),
        ("es-MX", "tengo un calambre en el arco del pie", "arch"),
        ("es-US", "se me trabó el pie", "foot"),
        ("es-US", "tengo un calambre en el hamstring", "hamstring"),
        ("es-US", "se me acalambró la pierna", "general"),
        ("es-US", "tengo un calambre", "general"),
    ],
)
def test_each_body_part_said_the_countrys_way_gets_its_own_steps(locale, utterance, sequence):
    content = skill_content.for_locale(locale)
    turn = person(locale=locale).say(utterance)
    assert content.sequences[sequence].steps[0].do in text(turn)
    assert turn.response["sessionAttributes"]["sequence"] == sequence


def test_launch_then_yes_then_the_check_then_next_then_gone(locale, content):
    device = person(locale=locale)
    launch = device.say("abre entrenador de calambres")
    assert text(launch) == content.phrase("launch")
    assert not launch.session_ended
    assert content.sequences["general"].steps[0].do in text(device.say("sí"))
    check = device.say("siguiente")
    assert text(check) == content.phrase("check_question"), "the check comes before rubbing"
    rubbing = device.say("no")
    assert text(rubbing).startswith(content.phrase("check_clear"))
    assert content.sequences["general"].steps[1].do in text(rubbing)
    gone = device.say("ya se me pasó")
    assert text(gone).startswith(content.phrase("gone"))
    assert text(gone).endswith(content.phrase("offer_tips"))
    goodbye = device.say("no gracias")
    assert goodbye.session_ended
    for turn in (launch, gone, goodbye):
        check_response(turn.response)


def test_it_still_hurts_leads_to_the_countrys_emergency_number_without_leaving(locale):
    """Saying it still hurts, and no to any question about swelling, until the red flags."""
    device = person(locale=locale)
    device.say(ONE_SHOT_CALF[locale])
    heard = []
    for _ in range(16):
        asked_about_swelling = heard and "hinchad" in heard[-1] and "?" in heard[-1]
        turn = device.say("no" if asked_about_swelling else "todavía me duele")
        check_response(turn.response)
        heard.append(text(turn))
        if any(number in heard[-1] for number in EMERGENCY_NUMBERS[locale]):
            break
    assert_only_its_own_number(heard[-1], locale)
    assert "hoy" in heard[-1] and "pronto" in heard[-1]
    assert heard[-1].endswith(content_of(locale).phrase("keep_going_ask")), "it asks, and stays"
    assert not turn.session_ended


def content_of(locale: str):
    return skill_content.for_locale(locale)


def test_a_thigh_asks_front_or_back_and_the_back_leans_forward(locale, content):
    device = person(locale=locale)
    asked = device.say("tengo un calambre en el muslo")
    opener = content.phrase("first_step_opener")
    assert text(asked).startswith(f"{opener} {content.phrase('side_opener')}")
    assert content.which_side["thigh"].ask in text(asked)
    back = device.say("detrás")
    assert text(back).startswith(content.sequences["hamstring"].steps[0].do)
    assert "inclínate hacia adelante" in text(back)


def test_the_shin_points_the_foot_and_never_toward_the_shin(locale, content):
    turn = person(locale=locale).say("tengo un calambre en la espinilla")
    assert "en punta" in text(turn) and "hacia la espinilla" not in text(turn)


@pytest.mark.parametrize(
    ("locale", "driving", "stopped"),
    [
        ("es-ES", "estoy conduciendo y me ha dado un calambre en el gemelo", "ya he parado"),
        ("es-MX", "estoy manejando y se me acalambró la pantorrilla", "ya me orillé"),
        ("es-US", "estoy manejando y tengo un calambre en el pie", "ya paré"),
    ],
)
def test_a_driver_pulls_over_first_then_gets_the_steps(locale, driving, stopped):
    content = skill_content.for_locale(locale)
    device = person(locale=locale)
    wait = device.say(driving)
    assert text(wait).startswith(content.phrase("driving"))
    assert "treinta." in text(wait) and not wait.session_ended
    assert content.phrase("driving_reprompt") in text(wait)
    sequence = wait.response["sessionAttributes"]["sequence"]
    ready = device.say(stopped)
    assert content.sequences[sequence].steps[0].do in text(ready)


def test_not_yet_and_done_keep_the_steps_going(locale, content):
    device = person(locale=locale)
    device.say(ONE_SHOT_CALF[locale])
    not_yet = device.say("todavía no")
    assert text(not_yet).startswith(content.phrase("not_yet"))
    assert not not_yet.session_ended
    done = device.say("hecho")
    assert text(done).startswith(content.sequences["calf"].steps[1].do)
    assert text(device.say("hecho")) == content.phrase("check_question")


def test_a_real_envelope_in_spanish_gets_spanish_relief(locale, content):
    """The one-shot calf request Alexa sends, as saved, in a Spanish locale."""
    envelope = request_file("cramp_calf_one_shot")
    envelope["request"]["locale"] = locale
    response = handle_event(create_skill(), envelope)
    check_response(response)
    assert content.sequences["calf"].steps[0].do in said(response)


# --- a question ---------------------------------------------------------------------------------


def test_asking_how_to_prevent_cramps_reads_a_page_at_a_time(locale, content):
    device = person(locale=locale)
    turn = device.say("pregunta a entrenador de calambres cómo evito los calambres")
    first = content.prevention.pages[0]
    assert text(turn).startswith(content.phrase("disclaimer"))
    assert after_the_disclaimer(turn, content).startswith(first.intro)
    assert all(item in text(turn) for item in first.items)
    assert text(turn).endswith("¿Quieres oír más?")
    more = device.say("sí")
    assert content.prevention.pages[1].intro in text(more)
    for reply in (turn, more):
        check_response(reply.response)


def test_a_named_topic_goes_straight_to_it(locale, content):
    turn = person(locale=locale).say("qué hay de la alimentación")
    food = next(page for page in content.prevention.pages if page.topic == "FOOD")
    assert after_the_disclaimer(turn, content).startswith(food.intro)
    assert "que revise tus niveles" in text(turn)


def test_causes_and_the_stretch_routine_in_spanish(locale, content):
    causes = person(locale=locale).say("qué causa los calambres")
    assert after_the_disclaimer(causes, content).startswith(content.causes.pages[0].intro)
    device = person(locale=locale)
    routine = device.say("guíame en mis estiramientos")
    assert content.routine.stretches[0].name in text(routine)
    assert "treinta." in text(routine)
    assert content.routine.stretches[1].name in text(device.say("siguiente"))


# --- an emergency --------------------------------------------------------------------------------


def test_asking_for_an_ambulance_gets_the_countrys_number_and_no_promise(locale, content):
    turn = person(locale=locale).say("llama a una ambulancia")
    assert text(turn).startswith("No puedo hacer llamadas")
    assert_only_its_own_number(text(turn), locale)
    assert turn.session_ended
    assert_only_its_own_number(turn.card["content"], locale)
    check_response(turn.response)


@pytest.mark.parametrize(
    ("utterance", "urgency"),
    [
        ("me duele el pecho", "emergency"),
        ("me falta el aire", "emergency"),
        ("tengo la pierna hinchada", "same_day"),
        ("tengo la pantorrilla roja", "same_day"),
        ("me dan calambres todas las noches", "soon"),
    ],
)
def test_a_named_symptom_hears_its_urgency_first(locale, content, utterance, urgency):
    turn = person(locale=locale).say(utterance)
    assert first_sentence(text(turn)) == first_sentence(content.urgency[urgency])
    if urgency == "emergency":
        assert first_sentence(text(turn)).startswith("Llama al")
        assert_only_its_own_number(first_sentence(text(turn)), locale)
    if urgency == "same_day":
        assert "hoy" in text(turn)
    check_response(turn.response)


def test_a_cramp_elsewhere_hears_the_safety_line_with_the_countrys_number(locale, content):
    """Alexa fills the slot with a value that is none of ours: "la mano"."""
    envelope = request_file("cramp_unknown_body_part")
    envelope["request"]["locale"] = locale
    envelope["request"]["intent"]["slots"]["bodyPart"]["value"] = "la mano"
    response = handle_event(create_skill(), envelope)
    check_response(response)
    assert said(response).startswith(content.phrase("not_a_leg_cramp"))
    assert_only_its_own_number(said(response), locale)


# --- a daily stretch reminder -------------------------------------------------------------------


def test_a_daily_reminder_is_confirmed_set_and_cancelled_in_spanish(api, locale, content):
    token = f"token-{uuid.uuid4()}"
    api.person(token)
    device = Device(locale=locale, api_endpoint=api.url, api_access_token=token)
    device.permissions.add("alexa::alerts:reminders:skill:readwrite")
    eight_pm = SlotMatch("time", "las ocho de la noche", "20:00", "20:00", "AMAZON.TIME")
    asked = device.send_intent(
        "recuérdame estirar a las ocho de la noche",
        Match("SetReminderIntent", {"time": eight_pm}, ("time",)),
    )
    confirm = "¿Pongo un recordatorio para estirar todos los días a las ocho de la noche?"
    assert text(asked) == confirm
    done = device.say("sí")
    check_response(done.response)
    assert text(done).startswith("Hecho. Te recordaré que estires todos los días a las ocho")
    assert text(done).endswith(content.reminder_text("cancel_by_voice"))
    (reminder,) = api.reminders[token].values()
    alert = content.reminder_words("alert")["evening"]
    assert reminder["alertInfo"]["spokenInfo"]["content"] == [{"locale": locale, "text": alert}]
    cancelled = device.say("cancela mi recordatorio de estiramientos")
    assert text(cancelled) == content.reminder_text("cancelled")
    assert api.reminders[token] == {}


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [
        (7, 30, "las siete y treinta de la mañana"),
        (13, 0, "la una de la tarde"),
        (19, 59, "las siete y cincuenta y nueve de la tarde"),
        (20, 0, "las ocho de la noche"),
        (21, 5, "las nueve y cinco de la noche"),
        (22, 45, "las diez y cuarenta y cinco de la noche"),
        (12, 0, "las doce del mediodía"),
        (0, 0, "las doce de la noche"),
        (0, 30, "las doce y treinta de la noche"),
        (1, 5, "la una y cinco de la mañana"),
    ],
)
def test_a_time_of_day_is_said_in_spanish(hour, minute, said):
    from skill.reminder_replies import ClockTime, spoken_time

    assert spoken_time(skill_content.for_locale("es-MX"), ClockTime(hour, minute)) == said


# --- every answer, in every state ---------------------------------------------------------------


@pytest.mark.parametrize("locale", ["es-ES", "es-MX"])
def test_every_response_in_every_state_in_spanish(locale):
    """es-ES and es-MX have phrases of their own; es-US differs from es-MX only in its facts."""
    checked, states = explore(create_skill(), language_model_of(locale), locale=locale)
    assert checked > 1000 and len(states) > 20


# --- screens -------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(test_screens.PROFILES))
@pytest.mark.parametrize("locale", SPANISH_LOCALES)
def test_every_spanish_step_and_stretch_fits_on_the_screen(locale, profile):
    """Spanish runs longer than English: the same fit, worked out the same way, in Spanish."""
    test_screens.test_every_step_and_stretch_fits_on_the_screen(
        skill_content.for_locale(locale), profile
    )
