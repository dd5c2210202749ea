"""The French content (skill/content/fr.yaml, with the fr-FR and fr-CA overlays) against the
English one it mirrors, and against the medical notes, with the words French uses.

The safety words below are written here, never read from the content: a step that loses "tiède,
pas chaude" or gains "pointez le pied" fails.
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

LOCALES = ("fr-FR", "fr-CA")
# How a language counts the hours and minutes of a clock is its own: French says the time on
# twenty-four hours, every minute written out, and so without a morning or an afternoon.
CLOCK_WORDS = re.compile(r"\.reminders\.clock\.(?:hours|numbers)$")
CLOCK_TIMES = re.compile(r"\.reminders\.clock\.(?:on_the_hour|with_minutes)$")
CLOCK_PERIODS = re.compile(r"\.reminders\.clock\.periods$")
# Common English words that are not French words too ("stop", "pause", "coach", "minute",
# "note", "pieds" and "on" are French as well).
ENGLISH = re.compile(
    r"\b(the|and|you|your|yours|it's|is|are|to|of|with|for|this|that|what|when|if|or|"
    r"please|sorry|okay|yes|say|next|back|repeat|help|cramp|cramps|calf|foot|feet|toes?|"
    r"shin|legs?|thigh|stretch|step|steps|hold|pain|doctor|emergency|number|warmth|gone|"
    r"tips?|card|phone|water|towel|heel|now|then|let|keep|just)\b",
    re.IGNORECASE,
)
# "Toward the shin": the direction that lengthens the calf, the arch and the toes.
TOWARD_THE_SHIN = re.compile(r"\bvers le tibia\b")
# Pointing the foot or the toes: "pointez le pied", "tendez la pointe du pied", "les orteils
# vers le bas", "le pied en pointe", "éloignez les orteils".
POINTING = re.compile(
    r"\b(?:pied|pieds|orteils?|pointe)\b[^.:]{0,30}"
    r"\b(?:vers le bas|en pointe|loin de vous|à l'opposé du tibia)\b"
    r"|\b(?:pointez|tendez|poussez|éloignez)\b[^.,:]{0,20}\b(?:pied|pieds|orteils?|pointe)\b"
    r"|\bpointe(?:z|r)? (?:le|les|vos|votre) (?:pied|pieds|orteils)\b",
    re.IGNORECASE,
)
MEDICINES = re.compile(
    r"\b(quinine|magnésium|antidouleurs?|anti-douleurs?|antalgiques?|analgésiques?|"
    r"ibuprofène|paracétamol|aspirine|diclofénac|naproxène|comprimés?|cachets?|pilules?|"
    r"compléments?|suppléments?|tonic)\b",
    re.IGNORECASE,
)
DIAGNOSIS = re.compile(
    r"\bvous avez (?:probablement |sûrement |certainement |sans doute )?(?:une? |du |de la )?"
    r"(?:phlébite|thrombose|caillot|carence|maladie|diabète|tétanos|déchirure|manque)\b"
    r"|\b(?:est|sont) (?:dûe?s?|due?s?|causée?s?|provoquée?s?) (?:à|par)\b"
    r"|\bvotre crampe vient\b|\bc'est à cause de\b|\bcela veut dire que vous\b",
    re.IGNORECASE,
)
CALLS_FOR_HELP = re.compile(
    r"\bj'appelle\b|\bje vais appeler\b|\bje préviens\b|\bje contacte\b|\bj'envoie\b"
    r"|\bje (?:peux|vais) (?:appeler|prévenir|contacter|faire venir|envoyer)\b",
    re.IGNORECASE,
)
NEVER_INTO_SHARP_PAIN = re.compile(r"\bjamais jusqu'à (?:la|une) douleur vive\b")
NOT_HOT = re.compile(r"\btiède, pas chaude\b")
TEST_IT_WITH_A_HAND = re.compile(r"\bavec la main\b")
WARMTH = re.compile(r"\b(?:chaleur|chaude?s?|tiède|bouillotte)\b", re.IGNORECASE)
COLD = re.compile(r"\b(?:froid\w*|glace|glaçons?|fraîche?)\b", re.IGNORECASE)


def words(text: str) -> int:
    """How many words a sentence has (French sets its colons and question marks apart)."""
    return len(re.findall(r"[\w'-]+", text))


@pytest.fixture(scope="module")
def english():
    return skill_content.read_source("en")


@pytest.fixture(scope="module")
def french():
    return skill_content.read_source("fr")


@pytest.fixture(scope="module", params=LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def raw(locale):
    """The French content as a person in that country hears it: fr.yaml, the overlay, facts."""
    return skill_content.composed(locale, skill_content.read_source)


@pytest.fixture(scope="module")
def content(locale):
    return skill_content.for_locale(locale)


def clock_grammar(english, french, path) -> bool:
    """French says the time on twenty-four hours: its own words, and its own periods of the day."""
    if isinstance(english, list) and CLOCK_PERIODS.search(path):
        starts = [start for start, _ in french]
        assert starts[0] == 0 and starts == sorted(set(starts)), path
        assert all(isinstance(said, str) and said for _, said in french), path
        return True
    if isinstance(english, list) and CLOCK_WORDS.search(path):
        assert french and all(isinstance(word, str) and word for word in french), path
        return True
    if isinstance(english, str) and CLOCK_TIMES.search(path):
        assert isinstance(french, str) and french.strip(), f"{path} is empty"
        assert fields(french) <= fields(english) and "hour" in fields(french), path
        return True
    return False


def test_french_has_exactly_the_keys_lists_ids_and_fields_of_english(english, french):
    assert_same_shape(english, french, clock_grammar)


def test_the_overlays_only_set_facts():
    for locale in LOCALES:
        assert set(skill_content.read_source(locale)) == {"facts"}


def test_each_locale_is_french_whatever_case_alexa_sends(locale):
    assert skill_content.for_locale(locale.lower()) is skill_content.for_locale(locale)
    assert skill_content.for_locale("fr-BE") is skill_content.load("fr")


def test_no_placeholders_and_no_english_left(raw):
    for path, text in spoken_strings(raw):
        assert not PLACEHOLDERS.search(text), f"{path}: {text!r}"
        assert not ENGLISH.search(text), f"{path}: {text!r} has English in it"


def test_the_english_pattern_catches_english_and_leaves_french_alone():
    assert ENGLISH.search("Pull your toes back toward your shin.")
    assert ENGLISH.search("Dites next quand vous voulez.")
    assert not ENGLISH.search("Dites stop, ou pause : on continue dans une minute.")


def test_the_counts_are_spoken_in_french(content):
    assert content.count_words == {
        10: "dix secondes", 20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante",
        60: "une minute", 70: "soixante-dix", 80: "quatre-vingts", 90: "une minute et demie",
        100: "cent", 110: "cent dix", 120: "deux minutes",
    }  # fmt: skip


def test_every_step_is_one_short_idea_and_every_hold_can_be_counted(content):
    assert_steps_are_short_and_holds_counted(content, words)


def test_advice_is_short_enough_to_follow_by_ear(content):
    assert_advice_is_short_enough_to_follow_by_ear(content, words, sign_words=35)


# --- safety: ../shared/medical-notes.md, in French ----------------------------------------------


def test_the_first_stretch_pulls_the_toes_toward_the_shin(content):
    for name in ("general", "foot", "arch", "toes", "calf"):
        assert TOWARD_THE_SHIN.search(content.sequences[name].steps[0].do), name


def test_the_muscles_that_lift_the_foot_never_hear_toward_the_shin(raw):
    """The shin and the top of the foot: ease the foot the other way (the one case for pointing)."""
    for name in ("shin", "top_of_foot"):
        assert_never_says(raw["relief"]["sequences"].get(name, {}), TOWARD_THE_SHIN, path=name)


def test_the_shin_and_the_top_of_the_foot_ease_the_foot_down(content):
    """The one case where pointing is right: the muscles that lift the foot."""
    for name in ("shin", "top_of_foot"):
        assert POINTING.search(content.sequences[name].steps[0].do), name


def test_nobody_is_told_to_point_the_foot_or_toes_outside_the_shin_and_top_of_foot(raw):
    assert_pointing_only_for_the_muscles_that_lift_the_foot(raw, POINTING)


def test_the_words_for_pointing_are_caught():
    """The pattern above, against what pointing and not pointing sound like in French."""
    for pointing in (
        "Pointez le pied.",
        "Tendez la pointe du pied.",
        "Poussez vos orteils vers le bas.",
        "Mettez le pied en pointe.",
        "Éloignez les orteils du tibia.",
    ):
        assert POINTING.search(pointing), pointing
    for not_pointing in (
        "Tendez la jambe, et ramenez vos orteils vers vous, vers le tibia.",
        "Ramenez vos orteils et le dessus du pied vers vous, vers le tibia.",
        "Tirez l'avant du pied vers vous.",
        "Reculez la jambe en crampe, tendue, talon au sol.",
    ):
        assert not POINTING.search(not_pointing), not_pointing


def test_every_warmth_step_says_warm_not_hot_and_to_test_it_with_a_hand(content):
    warm = [step.do for step in all_relief_steps(content) if WARMTH.search(step.do)]
    assert len(warm) >= len(content.sequences)
    for text in warm:
        assert NOT_HOT.search(text) and TEST_IT_WITH_A_HAND.search(text), text


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
    compression = re.compile(r"\b(bandage|compression|chaussettes? de contention)\b")
    assert_never_says(raw, MEDICINES, compression)


def test_vitamins_and_minerals_come_from_food_or_a_doctor_checking_levels(raw):
    nutrients = re.compile(r"\b(calcium|potassium|vitamines?|minéraux)\b", re.IGNORECASE)
    taking = re.compile(r"\b(prenez|prendre|avalez|cure|gélules?|ampoules?)\b", re.IGNORECASE)
    mentions = [text for _, text in all_strings(raw["advice"]) if nutrients.search(text)]
    assert mentions
    for text in mentions:
        assert not taking.search(text), text
    food = raw["advice"]["prevention"]["pages"]
    items = [item for page in food for item in page["items"]]
    assert any(re.search(r"demandez à \w+ médecin\b.* de vérifier vos taux", i) for i in items)


def test_advice_says_can_help_never_will_stop(raw):
    promises = re.compile(
        r"\b(va|vont|fera|feront) [^.]{0,30}(empêcher|arrêter|stopper|guérir|supprimer)\b"
        r"|garanti|à coup sûr|plus jamais",
        re.IGNORECASE,
    )
    assert_never_says(raw["advice"], promises, path="advice")
    assert "peuvent aider" in raw["advice"]["prevention"]["pages"][0]["intro"]


def test_causes_are_possibilities_that_end_with_a_doctor(raw):
    causes = raw["advice"]["causes"]
    assert re.search(r"\bpeuvent\b", causes["pages"][0]["intro"])
    assert "possibilités" in causes["closing"] and "médecin" in causes["closing"]


def test_never_diagnoses_and_never_offers_to_call_for_help(raw):
    assert_never_says(raw, DIAGNOSIS, CALLS_FOR_HELP)


def test_the_diagnosis_and_calling_patterns_catch_what_they_should():
    assert DIAGNOSIS.search("Vous avez probablement une phlébite.")
    assert DIAGNOSIS.search("Vos crampes sont dues à un manque de magnésium.")
    assert CALLS_FOR_HELP.search("J'appelle une ambulance.")
    assert CALLS_FOR_HELP.search("Je peux appeler les secours pour vous.")
    assert not CALLS_FOR_HELP.search("Je ne peux pas passer d'appel.")


@pytest.mark.parametrize(
    ("locale", "number", "same_day"),
    [
        ("fr-FR", "le quinze", "médecin de garde"),
        ("fr-CA", "le neuf un un", "clinique sans rendez-vous"),
    ],
)
def test_each_country_hears_its_own_number_and_where_to_be_seen_today(locale, number, same_day):
    raw = skill_content.composed(locale, skill_content.read_source)
    content = skill_content.for_locale(locale)
    assert f"appelez {number} tout de suite" in raw["phrases"]["cannot_call"]
    assert "Je ne peux pas passer d'appel" in raw["phrases"]["cannot_call"]
    assert content.urgency["emergency"] == f"Appelez {number} tout de suite."
    assert same_day in content.urgency["same_day"]
    assert content.urgency["same_day"].startswith("Faites-vous examiner aujourd'hui")


def test_red_flags_go_from_the_emergency_number_to_today_to_soon(raw, locale):
    red_flags = raw["phrases"]["red_flags"]
    number = {"fr-FR": "le quinze", "fr-CA": "le neuf un un"}[locale]
    assert "poitrine" in red_flags and "gonflée" in red_flags
    assert red_flags.index(number) < red_flags.index("aujourd'hui") < red_flags.index("bientôt")


def test_the_disclaimer_is_on_every_relief_card_and_said_once(raw, locale):
    number = {"fr-FR": "le quinze", "fr-CA": "le neuf un un"}[locale]
    for text in (raw["relief"]["card_disclaimer"], raw["phrases"]["disclaimer"]):
        assert "pas un avis médical" in text and number in text, text


def test_the_wake_word_is_never_spoken(raw):
    assert_never_says(raw, WAKE_WORD)
