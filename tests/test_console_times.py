"""The console's stand-in for AMAZON.TIME: a time of day typed in each shipped language, resolved
as Alexa resolves it ("21:00", or MO, AF, EV or NI for a part of the day alone), and a daily
stretch reminder set by typing one, against the HTTPS imitation of the Reminders API."""

import uuid
from pathlib import Path

import pytest
import yaml
from alexa_rules import check_response

from console import transcript
from console.generalise import LANGUAGE_FILE
from console.nlu import normalize, resolve_time
from console.repl import Device
from skill import content as skill_content
from skill.reminder_replies import spoken_time
from skill.reminders import ClockTime

ENGLISH = [
    ("nine p m", "21:00"),
    ("nine pm", "21:00"),
    ("nine", "09:00"),
    ("9", "09:00"),
    ("twelve a m", "00:00"),
    ("twelve p m", "12:00"),
    ("twelve at night", "00:00"),
    ("half past twelve at night", "00:30"),
    ("eleven at night", "23:00"),
    ("one at night", "01:00"),
    ("seven thirty a m", "07:30"),
    ("six oh five a m", "06:05"),
    ("eight fifteen p m", "20:15"),
    ("nine thirty five in the evening", "21:35"),
    ("9 45 pm", "21:45"),
    ("nine o'clock at night", "21:00"),
    ("ten tonight", "22:00"),
    ("half past seven", "07:30"),
    ("quarter past eight in the morning", "08:15"),
    ("quarter to nine p m", "20:45"),
    ("quarter to one", "12:45"),
    ("noon", "12:00"),
    ("midday", "12:00"),
    ("midnight", "00:00"),
    ("in the morning", "MO"),
    ("the afternoon", "AF"),
    ("in the evening", "EV"),
    ("at night", "NI"),
    ("night", "NI"),
]


@pytest.mark.parametrize(("spoken", "value"), ENGLISH)
def test_a_time_in_english(spoken, value):
    assert resolve_time(spoken) == value


@pytest.mark.parametrize(
    "spoken",
    ["thirteen", "21 00", "0", "nine sixty", "9 75", "half past nine thirty", "nine fifteen hours"],
)
def test_what_is_no_time_in_english(spoken):
    assert resolve_time(spoken) is None


SPANISH = [
    ("las ocho", "08:00"),
    ("nueve", "09:00"),
    ("la una", "01:00"),
    ("ocho de la noche", "20:00"),
    ("las ocho de la tarde", "20:00"),
    ("la una de la tarde", "13:00"),
    ("nueve de la mañana", "09:00"),
    ("las cuatro de la madrugada", "04:00"),
    ("las doce de la noche", "00:00"),
    ("las doce de la mañana", "12:00"),
    ("las doce y media de la noche", "00:30"),
    ("las once de la mañana", "11:00"),
    ("las once de la noche", "23:00"),
    ("las doce del mediodía", "12:00"),
    ("las ocho y media", "08:30"),
    ("las ocho y media de la noche", "20:30"),
    ("ocho y cuarto", "08:15"),
    ("nueve menos cuarto", "08:45"),
    ("las nueve menos cuarto de la noche", "20:45"),
    ("la una menos cuarto", "12:45"),
    ("las nueve menos diez", "08:50"),
    ("ocho y diez", "08:10"),
    ("las ocho y veinticinco", "08:25"),
    ("las siete y treinta y cinco", "07:35"),
    ("las ocho treinta", "08:30"),
    ("las ocho en punto", "08:00"),
    ("las veinte horas", "20:00"),
    ("veinte horas", "20:00"),
    ("las veintiuna horas", "21:00"),
    ("las veintitrés", "23:00"),
    ("mediodía", "12:00"),
    ("medianoche", "00:00"),
    ("20:30", "20:30"),
    ("las 20:30", "20:30"),
    ("8", "08:00"),
    ("8 p.m.", "20:00"),
    ("la mañana", "MO"),
    ("por la tarde", "AF"),
    ("la noche", "NI"),
    ("esta noche", "NI"),
]
GERMAN = [
    ("acht", "08:00"),
    ("acht Uhr", "08:00"),
    ("ein Uhr", "01:00"),
    ("acht Uhr abends", "20:00"),
    ("neun Uhr morgens", "09:00"),
    ("sieben Uhr früh", "07:00"),
    ("zwei Uhr nachmittags", "14:00"),
    ("elf Uhr nachts", "23:00"),
    ("zwölf Uhr nachts", "00:00"),
    ("zwölf Uhr abends", "00:00"),
    ("fünf Uhr abends", "17:00"),
    ("zwölf Uhr mittags", "12:00"),
    ("ein Uhr mittags", "13:00"),
    ("zwanzig Uhr", "20:00"),
    ("einundzwanzig Uhr dreißig", "21:30"),
    ("zweiundzwanzig Uhr fünfundvierzig", "22:45"),
    ("acht Uhr fünfzehn", "08:15"),
    ("halb neun", "08:30"),
    ("halb neun abends", "20:30"),
    ("halb eins", "12:30"),
    ("viertel nach acht", "08:15"),
    ("viertel vor neun", "08:45"),
    ("viertel vor neun abends", "20:45"),
    ("dreiviertel neun", "08:45"),
    ("viertel neun", "08:15"),
    ("zehn nach acht", "08:10"),
    ("fünf vor neun", "08:55"),
    ("mittags", "12:00"),
    ("Mittag", "12:00"),
    ("Mitternacht", "00:00"),
    ("20:30", "20:30"),
    ("abends", "EV"),
    ("am Abend", "EV"),
    ("morgens", "MO"),
    ("am Nachmittag", "AF"),
    ("nachts", "NI"),
]
FRENCH = [
    ("huit heures", "08:00"),
    ("une heure", "01:00"),
    ("vingt heures", "20:00"),
    ("vingt et une heures", "21:00"),
    ("vingt et une heures trente", "21:30"),
    ("vingt-deux heures quarante-cinq", "22:45"),
    ("huit heures du soir", "20:00"),
    ("neuf heures du matin", "09:00"),
    ("deux heures de l'après-midi", "14:00"),
    ("deux heures de la nuit", "02:00"),
    ("huit heures le soir", "20:00"),
    ("huit heures et demie", "08:30"),
    ("huit heures et quart", "08:15"),
    ("neuf heures moins le quart", "08:45"),
    ("neuf heures moins quart", "08:45"),
    ("neuf heures moins dix", "08:50"),
    ("neuf heures moins le quart du soir", "20:45"),
    ("huit heures dix", "08:10"),
    ("dix-huit heures", "18:00"),
    ("huit heures pile", "08:00"),
    ("midi", "12:00"),
    ("midi et demi", "12:30"),
    ("minuit", "00:00"),
    ("minuit moins le quart", "23:45"),
    ("20:30", "20:30"),
    ("le soir", "EV"),
    ("ce soir", "EV"),
    ("le matin", "MO"),
    ("l'après-midi", "AF"),
    ("en soirée", "EV"),
    ("la nuit", "NI"),
]


@pytest.mark.parametrize(
    ("language", "spoken", "value"),
    [
        *(("es", spoken, value) for spoken, value in SPANISH),
        *(("de", spoken, value) for spoken, value in GERMAN),
        *(("fr", spoken, value) for spoken, value in FRENCH),
    ],
)
def test_a_time_in_each_language(language, spoken, value):
    """Typed as the console gets it: normalized ("8 p.m." is "8 p m", "20:30" is "20 30")."""
    assert resolve_time(normalize(spoken), language) == value


@pytest.mark.parametrize(
    ("language", "spoken"),
    [
        ("es", "las veinticinco"),
        ("es", "las ocho y setenta"),
        ("es", "la tarde de la noche"),
        ("de", "acht Uhr sechzig"),
        ("de", "8 Uhr 60"),
        ("de", "fünfundzwanzig Uhr"),
        ("de", "halb"),
        ("fr", "vingt-quatre heures"),
        ("fr", "huit heures et"),
        ("fr", "nine p m"),
    ],
)
def test_what_is_no_time_in_each_language(language, spoken):
    assert resolve_time(normalize(spoken), language) is None


@pytest.mark.parametrize("language", ["en", "es", "de", "fr"])
def test_every_time_word_is_written_as_a_string(language):
    """YAML reads an unquoted ``null``, ``y`` or ``no`` as no word at all."""
    path = Path(str(LANGUAGE_FILE).format(language=language))
    words = yaml.safe_load(path.read_text(encoding="utf-8"))["time"]
    for key, value in words.items():
        if key == "hours":
            continue
        said = value if isinstance(value, list) else list(value)
        assert all(isinstance(word, str) for word in said), (key, said)


# --- a daily reminder, typed in the console -----------------------------------------------------

#: What a person in each locale types to set a daily reminder, and when it rings.
TYPED_REMINDERS = [
    ("es-ES", "recuérdame estirar todos los días a las ocho y media de la tarde", 20, 30),
    ("es-MX", "ponme un recordatorio para estirar a las ocho de la noche", 20, 0),
    ("es-US", "recuérdame estirar a las nueve menos cuarto de la noche", 20, 45),
    ("de-DE", "erinnere mich jeden Tag um halb neun abends ans Dehnen", 20, 30),
    ("fr-FR", "rappelle-moi de m'étirer tous les soirs à vingt et une heures trente", 21, 30),
    ("fr-CA", "mets un rappel d'étirements à neuf heures moins le quart le soir", 20, 45),
]
#: Each language's yes, and its answer to Alexa's own question for the permission.
YES = {"es": ("sí", "lo apruebo"), "de": ("ja", "ich stimme zu"), "fr": ("oui", "j'accepte")}
#: Asked for the time: no time, then a part of the day, then a time, each typed alone.
ANSWERS = {
    "es-ES": ("pon un recordatorio para estirar", "por la tarde", "a las siete de la tarde", 19, 0),
    "es-MX": ("recuérdame estirar", "en la noche", "las nueve y cuarto de la noche", 21, 15),
    "es-US": ("ponme un recordatorio para estirar", "la noche", "veinte horas", 20, 0),
    "de-DE": ("erinnere mich ans Dehnen", "abends", "um neunzehn Uhr dreißig", 19, 30),
    "fr-FR": ("mets un rappel d'étirements", "le soir", "à vingt heures", 20, 0),
    "fr-CA": ("rappelle-moi de m'étirer", "en soirée", "huit heures et quart du soir", 20, 15),
}


def device_for(api, locale: str) -> tuple[Device, str]:
    """A device in the locale, for a person the Reminders API knows (their token)."""
    token = f"token-{uuid.uuid4()}"
    api.person(token)
    return Device(locale=locale, api_endpoint=api.url, api_access_token=token), token


def say(device: Device, utterance: str):
    turn = device.say(utterance)
    if not turn.asks_permission:
        check_response(turn.response)
    return turn


def words(turn) -> str:
    return transcript.to_text(turn.speech)


def time_slot(turn) -> str | None:
    return turn.request["request"]["intent"]["slots"]["time"].get("value")


@pytest.mark.parametrize(("locale", "typed", "hour", "minute"), TYPED_REMINDERS)
def test_a_daily_reminder_is_set_by_typing_its_time(api, locale, typed, hour, minute):
    device, token = device_for(api, locale)
    content = skill_content.for_locale(locale)
    yes, approve = YES[locale.partition("-")[0]]
    asked = say(device, typed)
    assert time_slot(asked) == f"{hour:02d}:{minute:02d}"
    time = spoken_time(content, ClockTime(hour, minute))
    assert words(asked) == content.reminder_text("confirm", time=time)
    assert say(device, yes).asks_permission
    done = say(device, approve)
    assert words(done).startswith(content.reminder_text("set", time=time))
    (reminder,) = api.reminders[token].values()
    (rule,) = reminder["trigger"]["recurrence"]["recurrenceRules"]
    assert f"BYHOUR={hour};BYMINUTE={minute};" in rule


@pytest.mark.parametrize("locale", sorted(ANSWERS))
def test_asked_for_the_time_a_part_of_the_day_is_not_enough_and_a_time_is(api, locale):
    device, _ = device_for(api, locale)
    content = skill_content.for_locale(locale)
    without, part, answer, hour, minute = ANSWERS[locale]
    assert words(say(device, without)) == content.reminder_text("ask_time")
    vague = say(device, part)
    assert time_slot(vague) in ("MO", "AF", "EV", "NI")
    assert words(vague) == content.reminder_text("ask_exact_time")
    confirm = say(device, answer)
    assert confirm.request["request"]["dialogState"] == "IN_PROGRESS"
    assert time_slot(confirm) == f"{hour:02d}:{minute:02d}"
    time = spoken_time(content, ClockTime(hour, minute))
    assert words(confirm) == content.reminder_text("confirm", time=time)
