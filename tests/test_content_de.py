"""The German content (skill/content/de.yaml, with the de-DE overlay) against the English one it
mirrors, and against the medical notes, with the words German uses.

The safety words below are written here, never read from the content: a step that loses "nicht
heiß" or gains "streck den Fuß" fails.
"""

import re

import pytest
from content_walk import (
    PLACEHOLDERS,
    WAKE_WORD,
    all_relief_steps,
    all_strings,
    assert_advice_is_short_enough_to_follow_by_ear,
    assert_never_says,
    assert_pointing_only_for_the_muscles_that_lift_the_foot,
    assert_same_shape,
    assert_steps_are_short_and_holds_counted,
    fields,
    spoken_strings,
)

from skill import content as skill_content
from skill.reminder_replies import alert_text, spoken_time
from skill.reminders import ClockTime

# The words a time of day is said with.
CLOCK = ".reminders.clock"
# Common English words that are not German words too ("will", "so", "in", "hand", "leg" and
# "not" are both).
ENGLISH = re.compile(
    r"\b(the|and|you|your|yours|it's|is|are|to|of|with|for|this|that|what|when|if|or|"
    r"please|sorry|okay|yes|say|next|back|repeat|stop|help|cramp|cramps|calf|foot|feet|toes?|"
    r"shin|legs|thigh|stretch|step|steps|hold|pain|doctor|emergency|number|warmth|gone|"
    r"tips?|card|phone|water|towel|heel)\b",
    re.IGNORECASE,
)
# "Toward the shin": the direction that lengthens the calf, the arch and the toes.
TOWARD_THE_SHIN = re.compile(r"\b(?:Richtung|zum) Schienbein\b")
# Pointing the foot or the toes: "streck den Fuß", "Fußspitze nach unten", "Zehen strecken".
POINTING = re.compile(
    r"\b(?:Fuß|Füße|Fußspitzen?|Zehen|Zehenspitzen)\b[^.:]{0,30}"
    r"\b(?:streck\w*|nach unten|abwärts|weg von dir)\b"
    r"|\bstreck\w*\b[^.,:]{0,20}\b(?:Fuß|Füße|Fußspitzen?|Zehen|Zehenspitzen)\b"
    r"|\bSpitzfuß",
    re.IGNORECASE,
)
MEDICINES = re.compile(
    r"\b(Chinin|Magnesium|Schmerzmittel\w*|Schmerztabletten?|Ibuprofen|Paracetamol|Aspirin|"
    r"Diclofenac|Naproxen|Tabletten?|Pillen?|Nahrungsergänzung\w*|Tonic\w*)\b",
    re.IGNORECASE,
)
DIAGNOSIS = re.compile(
    r"\bdu hast (?:wahrscheinlich |vermutlich |sicher |bestimmt )?(?:eine?n? )?"
    r"(?:Thrombose|Blutgerinnsel|\w*mangel|Krankheit|Erkrankung|Diabetes|Tetanus|\w*riss)\b"
    r"|\b(?:wird|werden|ist|sind) (?:durch|von) [^.]{0,40}(?:verursacht|ausgelöst)\b"
    r"|\bdas liegt an\b|\bbedeutet, dass du\b|\bdein Krampf kommt von\b",
    re.IGNORECASE,
)
CALLS_FOR_HELP = re.compile(
    r"\bich (?:rufe|ruf|hole|hol|verständige|alarmiere|benachrichtige|schicke|wähle)\b"
    r"|\bich (?:kann|werde) (?:den Notruf|einen Krankenwagen|Hilfe|den Rettungsdienst|jemanden)"
    r" (?:rufen|holen|anrufen|verständigen)\b",
    re.IGNORECASE,
)
NEVER_INTO_SHARP_PAIN = re.compile(r"\bnie\b[^.]*\bsticht\b")
NOT_HOT = re.compile(r"\bnicht heiß\b")
TEST_IT_WITH_A_HAND = re.compile(r"\bmit der Hand\b")
WARMTH = re.compile(r"\b(?:Wärme|warm\w*|Heizkissen|Fußbad)\b", re.IGNORECASE)
COLD = re.compile(r"\b(?:kalt\w*|Kälte|Eis\w*|kühl\w*|Kühl\w*)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def english():
    return skill_content.read_source("en")


@pytest.fixture(scope="module")
def german():
    return skill_content.read_source("de")


@pytest.fixture(scope="module")
def raw():
    """The German content as a person in Germany hears it: de.yaml, the de-DE overlay, facts."""
    return skill_content.composed("de-DE", skill_content.read_source)


@pytest.fixture(scope="module")
def content():
    return skill_content.for_locale("de-DE")


def clock_grammar(english, german, path) -> bool:
    """How a time is said is grammar: German counts to twenty-four and needs no "p.m."."""
    if not path.startswith(CLOCK):
        return False
    assert type(german) is type(english), path
    if isinstance(english, dict):
        assert list(german) == list(english), f"{path}: keys differ"
    if isinstance(english, str):
        assert fields(german) <= fields(english), f"{path}: fields English lacks"
    return True


def test_german_has_exactly_the_keys_lists_ids_and_fields_of_english(english, german):
    assert_same_shape(english, german, clock_grammar)


def test_the_germany_overlay_only_sets_facts():
    assert set(skill_content.read_source("de-DE")) == {"facts"}


def test_no_placeholders_and_no_english_left(raw):
    for path, text in spoken_strings(raw):
        assert not PLACEHOLDERS.search(text), f"{path}: {text!r}"
        assert not ENGLISH.search(text), f"{path}: {text!r} has English in it"


def test_the_counts_are_spoken_in_german(content):
    assert content.count_words == {
        10: "zehn Sekunden", 20: "zwanzig", 30: "dreißig", 40: "vierzig", 50: "fünfzig",
        60: "eine Minute", 70: "siebzig", 80: "achtzig", 90: "anderthalb Minuten",
        100: "hundert", 110: "hundertzehn", 120: "zwei Minuten",
    }  # fmt: skip


def test_every_step_is_one_short_idea_and_every_hold_can_be_counted(content):
    assert_steps_are_short_and_holds_counted(content)


def test_advice_is_short_enough_to_follow_by_ear(content):
    assert_advice_is_short_enough_to_follow_by_ear(content)


# --- safety: ../shared/medical-notes.md, in German ---------------------------------------------


def test_the_first_stretch_pulls_the_toes_toward_the_shin(content):
    for name in ("general", "foot", "arch", "toes", "calf"):
        assert TOWARD_THE_SHIN.search(content.sequences[name].steps[0].do), name


def test_the_muscles_that_lift_the_foot_never_hear_toward_the_shin(raw):
    """The shin and the top of the foot: ease the foot the other way (the one case for pointing)."""
    for name in ("shin", "top_of_foot"):
        assert_never_says(raw["relief"]["sequences"].get(name, {}), TOWARD_THE_SHIN, path=name)


def test_nobody_is_told_to_point_the_foot_or_toes_outside_the_shin_and_top_of_foot(raw):
    assert_pointing_only_for_the_muscles_that_lift_the_foot(raw, POINTING)


def test_the_words_for_pointing_are_caught():
    """The pattern above, against what pointing and not pointing sound like in German."""
    for pointing in ("Streck den Fuß.", "Zieh die Fußspitze nach unten.", "Zehen strecken."):
        assert POINTING.search(pointing), pointing
    for not_pointing in (
        "Streck das Bein aus, und zieh die Zehen zu dir, Richtung Schienbein.",
        "Zieh die Zehen zu dir, damit sich das Fußgewölbe streckt.",
        "Setz das Bein gestreckt nach hinten.",
    ):
        assert not POINTING.search(not_pointing), not_pointing


def test_every_warmth_step_says_warm_not_hot_and_to_test_it_with_a_hand(content):
    warm = [step.do for step in all_relief_steps(content) if WARMTH.search(step.do)]
    assert len(warm) >= len(content.sequences)
    for text in warm:
        assert NOT_HOT.search(text) and TEST_IT_WITH_A_HAND.search(text), text


def test_every_step_that_stands_or_walks_sits_or_holds_on_first(content):
    """Many people with night cramps are older: a fall is a bigger danger than the cramp."""
    stands = re.compile(r"\b(?:steh\w*|stell dich hin|geh langsam|geh \w+ durch)", re.I)
    steady = re.compile(
        r"\bhalt dich\b[^.]*\bfest\b|\bstütz dich\b[^.]*\bab\b|\bsetz dich\b|\bBettkante\b", re.I
    )
    standing = [step.do for step in all_relief_steps(content) if stands.search(step.do)]
    assert len(standing) >= len(content.sequences)
    for text in standing:
        assert steady.search(text), text


def test_warmth_during_a_cramp_cold_only_afterwards(raw):
    assert_never_says(raw["relief"]["sequences"], COLD)
    assert_never_says(raw["relief"]["persists"], COLD)
    assert COLD.search(raw["phrases"]["gone"])


def test_every_stretch_says_never_into_sharp_pain(content, raw):
    for name, sequence in content.sequences.items():
        assert NEVER_INTO_SHARP_PAIN.search(sequence.steps[0].cue), name
    for text in (raw["relief"]["card_footer"], content.routine.intro, content.routine.card_note):
        assert NEVER_INTO_SHARP_PAIN.search(text), text


def test_no_medicines_supplements_or_compression(raw):
    assert_never_says(raw, MEDICINES, re.compile(r"\b(Bandage|Kompression\w*|Druckverband)\b"))


def test_vitamins_and_minerals_come_from_food_or_a_doctor_checking_levels(raw):
    nutrients = re.compile(r"\b(Kalzium|Kalium|Vitamin\w*|Mineralstoff\w*)\b")
    taking = re.compile(r"\b(nimm|nehmen|einnehmen|schluck\w*|ergänz\w*|Präparat\w*)\b", re.I)
    mentions = [text for _, text in all_strings(raw["advice"]) if nutrients.search(text)]
    assert mentions
    for text in mentions:
        assert not taking.search(text), text
    food = raw["advice"]["prevention"]["pages"]
    assert any(
        "lass deine Werte in deiner Hausarztpraxis prüfen" in i for p in food for i in p["items"]
    )


def test_advice_says_can_help_never_will_stop(raw):
    promises = re.compile(r"\b(wird|werden) [^.]{0,30}(verhindern|stoppen|heilen)\b|garantiert")
    assert_never_says(raw["advice"], promises, path="advice")
    assert "helfen können" in raw["advice"]["prevention"]["pages"][0]["intro"]


def test_causes_are_possibilities_that_end_with_a_doctor(raw):
    causes = raw["advice"]["causes"]
    assert re.search(r"\bkann\b", causes["pages"][0]["intro"])
    assert "Möglichkeiten" in causes["closing"] and "Arzt" in causes["closing"]


def test_never_diagnoses_and_never_offers_to_call_for_help(raw):
    assert_never_says(raw, DIAGNOSIS, CALLS_FOR_HELP)


def test_the_diagnosis_and_calling_patterns_catch_what_they_should():
    assert DIAGNOSIS.search("Du hast wahrscheinlich eine Thrombose.")
    assert DIAGNOSIS.search("Dein Krampf wird durch Magnesiummangel verursacht.")
    assert CALLS_FOR_HELP.search("Ich rufe dir einen Krankenwagen.")
    assert CALLS_FOR_HELP.search("Ich kann den Notruf rufen.")
    assert not CALLS_FOR_HELP.search("Ich kann selbst niemanden anrufen.")


def test_the_skill_says_it_cannot_call_and_names_one_one_two(raw):
    cannot_call = raw["phrases"]["cannot_call"]
    assert "niemanden anrufen" in cannot_call
    assert "ruf sofort die eins eins zwei an" in cannot_call


def test_red_flags_go_from_the_emergency_number_to_today_to_soon(raw):
    red_flags = raw["phrases"]["red_flags"]
    assert "Brustschmerzen" in red_flags and "geschwollen" in red_flags
    assert red_flags.index("eins eins zwei") < red_flags.index("heute") < red_flags.index("bald")


def test_same_day_care_in_germany_names_the_on_call_service(content):
    assert "eins eins sechs eins eins sieben" in content.urgency["same_day"]
    assert "eins eins zwei" in content.urgency["emergency"]


def test_the_disclaimer_is_on_every_relief_card_and_said_once(raw):
    for text in (raw["relief"]["card_disclaimer"], raw["phrases"]["disclaimer"]):
        assert "keinen ärztlichen Rat" in text and "eins eins zwei" in text, text


def test_the_wake_word_is_never_spoken(raw):
    assert_never_says(raw, WAKE_WORD)


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [
        (21, 0, "einundzwanzig Uhr"),
        (19, 30, "neunzehn Uhr dreißig"),
        (7, 5, "sieben Uhr fünf"),
        (1, 0, "ein Uhr"),
        (9, 1, "neun Uhr eins"),
        (21, 21, "einundzwanzig Uhr einundzwanzig"),
        (12, 0, "zwölf Uhr mittags"),
        (0, 0, "Mitternacht"),
    ],
)
def test_a_reminder_time_is_said_on_the_twenty_four_hour_clock(content, hour, minute, said):
    assert spoken_time(content, ClockTime(hour, minute)) == said


def test_what_a_reminder_says_holds_nothing_about_health(content):
    for hour in (7, 15, 19, 23):
        text = alert_text(content, ClockTime(hour, 0))
        assert text.startswith("Zeit für deine Dehnübungen"), text
        assert not re.search(r"Krampf|Schmerz|Diabetes|Schilddrüse", text), text
