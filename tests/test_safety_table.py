"""The medical notes as a table, held against what the skill says in every locale it ships.

Everything expected here is written from ../shared/medical-notes.md, never read from the content:
how urgent each symptom is, the order of the relief steps, and the lines every step and card
must carry. The conversation tests read their expected words from the same YAML the skill
speaks, so a change there (two steps swapped, a cue without its warning, a symptom downgraded)
is invisible to them; here it fails.
"""

import re
from functools import cache

import pytest
from helpers import EMERGENCY_NUMBERS, person

from console import transcript
from console.nlu import Match, SlotMatch
from skill import content as skill_content

EMERGENCY, SAME_DAY, SOON = "emergency", "same day", "soon"

#: How urgent each SYMPTOM slot id is ("When to get medical help").
URGENCY = {
    "CHEST_PAIN": EMERGENCY,
    "BREATHING": EMERGENCY,
    "ONE_SIDE_WEAKNESS": EMERGENCY,
    "WOUND": EMERGENCY,  # spasms after a cut or wound that could carry tetanus (NHS: A&E)
    "SWOLLEN": SAME_DAY,  # swollen, red, warm or tender: can be a blood clot
    "RED": SAME_DAY,
    "WARM": SAME_DAY,
    "TENDER": SAME_DAY,
    "BLOOD_CLOT": SAME_DAY,
    "LASTING": SOON,  # more than about ten minutes, or does not ease with stretching
    "NUMB": SOON,  # come on gradually (sudden is an emergency: its own slot values, issue 8)
    "TINGLING": SOON,
    "WEAK": SOON,
    "FREQUENT": SOON,
    "NEW_MEDICINE": SOON,
    "WALKING_PAIN": SOON,
    "NO_CLEAR_CAUSE": SOON,
    "KNOWN_CONDITION": SOON,
    "SWOLLEN_AND_BREATHLESS": EMERGENCY,  # a clot may have moved to the lungs
    "COLD_LEG": EMERGENCY,  # suddenly cold, pale or blue: the blood supply
    "SUDDENLY_NUMB": EMERGENCY,  # suddenly numb or weak
    "HEAT_ILLNESS": EMERGENCY,  # cramps in the heat with confusion, fainting or very hot skin
    "TEAR": SAME_DAY,  # a pop, sudden sharp pain, bruising, can't put weight on it
    "DARK_URINE": SAME_DAY,  # dark, cola-coloured urine after hard exercise
}

#: The first step for each BODY_PART slot id (None: no body part named), by what it must say:
#: the muscle lengthened the right way ("During a cramp", 2).
FIRST_STEP = {
    None: ("toward the shin",),
    "LEG": ("toward the shin",),
    "FOOT": ("toward the shin",),
    "ARCH": ("toward the shin",),
    "TOES": ("toes up and back",),
    "CALF": ("toward the shin", "leg straight"),
    "HAMSTRING": ("leg straight", "lean forward"),
    "THIGH": ("front or back",),  # ambiguous: ask which, the stretches are opposite
    "ANKLE": ("front or back",),  # the front lifts the foot, the back is the calf's tendon
    "FRONT_OF_THIGH": ("heel to bottom",),
    "BACK_OF_LEG": ("toward the shin", "leg straight"),  # safe for the calf and the hamstring
    "ACHILLES": ("toward the shin", "leg straight"),
    "SOLE": ("toward the shin",),
    "HEEL": ("toward the shin",),
    "BOTH_LEGS": ("toward the shin",),
    # The muscles that lift the foot: the one case where the foot is eased the other way.
    "SHIN": ("point down",),
    "TOP_OF_FOOT": ("point down",),
}
#: What a first step must never say for a body part.
NEVER_FIRST = {"SHIN": ("toward the shin",), "TOP_OF_FOOT": ("toward the shin",)}

#: Relief in the notes' order: stretch, then rub, then stand and walk, then warmth.
MEASURES = ("stretch", "rub", "walk", "warmth")

#: How each language says what the table speaks of. A locale of a language missing here fails
#: until its words are added.
WORDS = {
    "de": {
        SAME_DAY: r"\bheute\b|\bam selben Tag\b",
        SOON: r"\bbald\b",
        "stretch": r"\b(?:zieh|dehn|lehn|streck|beug)",
        "rub": r"\b(?:reib|massier)",
        "walk": r"\b(?:geh|steh|steh auf|stell dich hin|Gewicht|umher|Schritte)\b",
        "warmth": r"\b(?:warm|Wärme)",
        "toward the shin": r"\b(?:Richtung|zum) Schienbein\b",
        "toes up and back": r"\bZehen nach oben\b",
        "leg straight": r"\b(?:gestreckt|streck das Bein|gerade)\b",
        "lean forward": r"\b(?:beug dich|lehn dich vor)\b",
        "front or back": r"\bvorne?\b.*\bhinten\b.*\?",
        "heel to bottom": r"\bFerse\b.*\bPo\b",
        "point down": r"\bstreck\w* (?:den )?Fuß\b.*\bnach unten\b",
        "swelling": r"\bgeschwollen\b",
        "never into sharp pain": r"\bnie\b[^.]*\bsticht\b",
        "ten minutes": r"\betwa zehn Minuten\b",
        "not medical advice": r"\bkeinen ärztlichen Rat\b",
        "say no": "nein",
        "say back": "hinten",
        "say it still hurts": "es tut noch weh",
        "say next": "weiter",
        "say stop": "stopp",
        "say my calf is cramping": "ich habe einen wadenkrampf",
    },
    "en": {
        SAME_DAY: r"\btoday\b|\bsame day\b",
        SOON: r"\bsoon\b",
        "stretch": r"\b(?:pull|stretch|lean|straighten)",
        "rub": r"\b(?:rub|massage)",
        "walk": r"\b(?:walk|stand|weight on)",
        "warmth": r"\bwarm",
        "toward the shin": r"\btoward your shin\b",
        "toes up and back": r"\btoes up and back\b|\btoes back toward your shin\b",
        "leg straight": r"\bstraight",
        "lean forward": r"\blean forward\b",
        "front or back": r"\bfront\b.*\bback\b.*\?",
        "heel to bottom": r"\bheel\b.*\b(?:bottom|buttock)",
        "point down": r"\bpoint your foot\b.*\bdown\b",
        "swelling": r"\bswollen\b",
        "never into sharp pain": r"\bnever into sharp pain\b",
        "ten minutes": r"\babout ten minutes\b",
        "not medical advice": r"\bnot medical advice\b",
        "say no": "no",
        "say back": "the back",
        "say it still hurts": "it still hurts",
        "say next": "next",
        "say stop": "stop",
        "say my calf is cramping": "my calf is cramping",
    },
    "fr": {
        SAME_DAY: r"\baujourd'hui\b|\bdans la journée\b",
        SOON: r"\bbientôt\b",
        "stretch": r"\b(?:ramenez|tirez|étirez|étirement|tendez|penchez|relevez|pointez)",
        "rub": r"\bmass",
        "walk": r"\b(?:march|levez-vous|debout|votre poids|quelques pas)",
        "warmth": r"\bchaleur\b",
        "toward the shin": r"\bvers le tibia\b",
        "toes up and back": r"\brelevez vos orteils\b.*\bvers le tibia\b",
        "leg straight": r"\btendez la jambe\b|\bjambe[^.]{0,30}\btendue\b",
        "lean forward": r"\bpenchez-vous en avant\b",
        "front or back": r"\bdevant\b.*\barrière\b.*\?",
        "heel to bottom": r"\btalon\b.*\bfesses\b",
        "point down": r"\bpointez doucement le pied\b.*\bvers le bas\b",
        "swelling": r"\bgonflée?s?\b|\benflée?s?\b",
        "never into sharp pain": r"\bjamais jusqu'à (?:la|une) douleur vive\b",
        "ten minutes": r"\bune dizaine de minutes\b|\benviron dix minutes\b",
        "not medical advice": r"\bpas un avis médical\b",
        "say no": "non",
        "say back": "derrière",
        "say it still hurts": "ça fait encore mal",
        "say next": "suivant",
        "say stop": "stop",
        "say my calf is cramping": "j'ai une crampe au mollet",
    },
    "es": {
        SAME_DAY: r"\bhoy\b|\bmismo día\b",
        SOON: r"\bpronto\b",
        "stretch": r"\b(?:lleva|estira|inclínate|dobla)",
        "rub": r"\b(?:frota|masajea|masaje)",
        "walk": r"\b(?:camina|ponte de pie|levántate|tu peso|paseo)",
        "warmth": r"\bcalor\b|\btibi[ao]\b",
        "toward the shin": r"\bhacia la espinilla\b",
        "toes up and back": r"\bdedos del pie hacia arriba y hacia atrás\b",
        "leg straight": r"\bestira la pierna\b|\bpierna estirada\b|\brecta\b",
        "lean forward": r"\binclínate hacia adelante\b",
        "front or back": r"\bdelante\b.*\bdetrás\b.*\?",
        "heel to bottom": r"\btalón\b.*\bglúteo\b",
        "point down": r"\bpie\b.*\ben punta\b",
        "swelling": r"\bhinchad[ao]\b",
        "never into sharp pain": r"\bsin llegar nunca al dolor agudo\b",
        "ten minutes": r"\bunos diez minutos\b",
        "not medical advice": r"\bno consejo médico\b",
        "say no": "no",
        "say back": "detrás",
        "say it still hurts": "todavía me duele",
        "say next": "siguiente",
        "say stop": "para",
        "say my calf is cramping": "tengo un calambre en la pantorrilla",
    },
}

LOCALES = sorted(name for name in skill_content.shipped() if "-" in name)


def words_of(locale: str) -> dict[str, str]:
    language = locale.partition("-")[0]
    assert language in WORDS, f"add how {language!r} says the safety table's words to WORDS"
    return WORDS[language]


def says(text: str, locale: str, what: str) -> bool:
    if what == EMERGENCY:
        return any(number in text for number in EMERGENCY_NUMBERS[locale])
    return re.search(words_of(locale)[what], text, re.IGNORECASE) is not None


def urgency_said(sentence: str, locale: str) -> str | None:
    """The most urgent level a sentence names."""
    return next((level for level in URGENCY_LEVELS if says(sentence, locale, level)), None)


URGENCY_LEVELS = (EMERGENCY, SAME_DAY, SOON)


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]


def slot_values(language_model, slot_type: str) -> dict[str, str]:
    """Slot id -> the value's name, for one slot type of the model."""
    types = {t["name"]: t["values"] for t in language_model["types"]}
    return {value["id"]: value["name"]["value"] for value in types[slot_type]}


def named(intent: str, slot: str, slot_type: str, value_id: str | None, spoken: str) -> Match:
    if value_id is None:
        return Match(intent, {}, (slot,))
    return Match(intent, {slot: SlotMatch(slot, spoken, value_id, spoken, slot_type)}, (slot,))


# --- the table itself, against the interaction model -------------------------------------------


def test_every_symptom_and_body_part_alexa_can_send_is_in_the_table(language_model):
    assert set(slot_values(language_model, "SYMPTOM")) <= set(URGENCY), "add it to URGENCY"
    assert set(slot_values(language_model, "BODY_PART")) <= set(FIRST_STEP), "add it to FIRST_STEP"


def test_every_shipped_locale_has_its_words_and_emergency_number():
    assert LOCALES
    for locale in LOCALES:
        assert words_of(locale)
        assert locale in EMERGENCY_NUMBERS


# --- a named symptom hears its urgency first ---------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "symptom"),
    [(locale, symptom) for locale in LOCALES for symptom in URGENCY],
)
def test_a_named_symptom_hears_its_urgency_first(language_model, locale, symptom):
    spoken = slot_values(language_model, "SYMPTOM")[symptom]
    turn = person(locale=locale).send_intent(
        spoken, named("SeeDoctorIntent", "symptom", "SYMPTOM", symptom, spoken)
    )
    first = first_sentence(transcript.to_text(turn.speech))
    assert urgency_said(first, locale) == URGENCY[symptom], first


# --- the relief steps ---------------------------------------------------------------------------


@cache
def relief_steps(locale: str, body_part: str | None, spoken: str) -> tuple[tuple[str, ...], dict]:
    """Everything said from the first step to the last, saying next; and the steps card, from
    stopping on the last step. The same conversation each time: it is had once per run."""
    device = person(locale=locale)
    turn = device.send_intent(
        spoken, named("CrampNowIntent", "bodyPart", "BODY_PART", body_part, spoken)
    )
    heard = [transcript.to_text(turn.speech)]
    for _ in range(12):
        turn = device.say(answer_to(heard[-1], locale))
        text = transcript.to_text(turn.speech)
        if text == heard[-1] or turn.session_ended:
            break
        heard.append(text)
    card = device.say(words_of(locale)["say stop"]).card
    return tuple(heard), card


def answer_to(said: str, locale: str) -> str:
    """What a person working through the steps says next: "the back" when asked front or back,
    no when asked about swelling, else next."""
    words = words_of(locale)
    if says(said, locale, "front or back"):
        return words["say back"]
    if says(said, locale, "swelling") and "?" in said:
        return words["say no"]
    return words["say next"]


def first_instruction(heard: tuple[str, ...], locale: str) -> str:
    """The first reply that tells the person what to do, after any "front or back?"."""
    return next(text for text in heard if not says(text, locale, "front or back"))


def measure_of(text: str, locale: str) -> str | None:
    """The earliest measure, in the notes' order, that a reply asks for; None for none."""
    return next((measure for measure in MEASURES if says(text, locale, measure)), None)


def body_parts(language_model) -> list[tuple[str | None, str]]:
    return [(None, "cramp"), *slot_values(language_model, "BODY_PART").items()]


def test_relief_steps_come_in_the_notes_order(language_model):
    """Stretch, then rub, then stand and walk, then warmth, for every body part and locale."""
    for locale in LOCALES:
        for body_part, spoken in body_parts(language_model):
            heard, _ = relief_steps(locale, body_part, spoken)
            measures = [measure_of(text, locale) for text in heard]
            asked = [measure for measure in measures if measure]
            assert set(asked) == set(MEASURES), (locale, body_part, measures)
            assert asked == sorted(asked, key=MEASURES.index), (locale, body_part, measures)


@pytest.mark.parametrize(
    ("locale", "body_part"), [(locale, part) for locale in LOCALES for part in FIRST_STEP]
)
def test_the_first_step_lengthens_that_muscle_the_right_way(language_model, locale, body_part):
    spoken = slot_values(language_model, "BODY_PART").get(body_part, "cramp")
    heard, _ = relief_steps(locale, body_part, spoken)
    for what in FIRST_STEP[body_part]:
        assert says(heard[0], locale, what), (what, heard[0])
    for what in NEVER_FIRST.get(body_part, ()):
        assert not says(heard[0], locale, what), (what, heard[0])


@pytest.mark.parametrize("locale", LOCALES)
def test_every_first_step_says_never_into_sharp_pain(language_model, locale):
    for body_part, spoken in body_parts(language_model):
        heard, _ = relief_steps(locale, body_part, spoken)
        first = first_instruction(heard, locale)
        assert says(first, locale, "never into sharp pain"), (body_part, first)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_steps_card_carries_the_safety_lines(language_model, locale):
    """Never into sharp pain, the ten-minute line, and the disclaimer with the locale's number."""
    for body_part, spoken in body_parts(language_model):
        _, card = relief_steps(locale, body_part, spoken)
        assert card, (locale, body_part)
        for what in ("never into sharp pain", "ten minutes", "not medical advice", EMERGENCY):
            assert says(card["content"], locale, what), (locale, body_part, what)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_red_flags_card_is_most_urgent_first_with_the_safety_lines(locale):
    turn = person(locale=locale).send_intent("call an ambulance", Match("CallForHelpIntent"))
    card = turn.card["content"]
    for what in ("ten minutes", "not medical advice"):
        assert says(card, locale, what), what
    levels, heading = [], None
    for line in card.rsplit("\n\n", 1)[0].splitlines():  # the list, without the disclaimer
        if line.startswith("- "):
            levels.append(urgency_said(line, locale) or heading)
        elif line.strip():
            heading = urgency_said(line, locale)
    assert set(levels) == set(URGENCY_LEVELS), levels
    assert levels == sorted(levels, key=URGENCY_LEVELS.index), levels


# --- "it still hurts" -----------------------------------------------------------------------------


def still_hurts_path(locale: str) -> list[str]:
    """Saying it still hurts after the calf steps begin, answering no to a swelling check, until
    the session ends or ten replies: what each reply said."""
    words = words_of(locale)
    device = person(locale=locale)
    device.say(words["say my calf is cramping"])
    heard: list[str] = []
    for _ in range(10):
        asked_about_swelling = heard and says(heard[-1], locale, "swelling") and "?" in heard[-1]
        turn = device.say(words["say no"] if asked_about_swelling else words["say it still hurts"])
        heard.append(transcript.to_text(turn.speech))
        if turn.session_ended:
            break
    return heard


@pytest.mark.parametrize("locale", LOCALES)
def test_it_still_hurts_checks_for_swelling_before_any_rubbing_walking_or_warmth(locale):
    heard = still_hurts_path(locale)
    check = next((i for i, text in enumerate(heard) if says(text, locale, "swelling")), None)
    assert check is not None, heard
    measures = [i for i, text in enumerate(heard) if measure_of(text, locale) in MEASURES[1:]]
    assert check < min(measures, default=len(heard)), heard


@pytest.mark.parametrize("locale", LOCALES)
def test_it_still_hurts_goes_on_in_the_notes_order(locale):
    """Each measure first comes in the notes' order; after warmth they may come round again."""
    heard = still_hurts_path(locale)
    measures = [measure_of(text, locale) for text in heard if not says(text, locale, "swelling")]
    first_asked = list(dict.fromkeys(measure for measure in measures if measure))
    assert first_asked == list(MEASURES), heard
