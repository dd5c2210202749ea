"""The Spanish content (skill/content/es.yaml and its country files) against the English one,
against itself, and against the medical notes.

Every Spanish word the checks look for is written here, from ../shared/medical-notes.md, never
read from the content: a step that loses "hacia la espinilla", a warmth step that loses "nunca
caliente", or an English sentence left behind fails.
"""

import re

import pytest
from content_walk import (
    WAKE_WORD,
    all_relief_steps,
    all_strings,
    assert_advice_is_short_enough_to_follow_by_ear,
    assert_never_says,
    assert_red_flags_most_urgent_first,
    fields,
    word_count,
)

from skill import content as skill_content

SPANISH_LOCALES = ("es-ES", "es-MX", "es-US")
OWN_NUMBER = {"es-ES": "uno uno dos", "es-MX": "nueve uno uno", "es-US": "nueve uno uno"}
#: Keys whose values are ids the code reads, the same in every language.
ID_KEYS = {"pose", "topic", "level", "hold", "seconds", "front", "back"}
ID_SECTIONS = {"body_parts", "symptoms"}

# Common English words that have no place in a Spanish sentence (none of them is also Spanish).
ENGLISH = re.compile(
    r"\b(the|and|your|you|with|toward|towards|stretch|cramp|cramps|foot|feet|leg|legs|calf|toes|"
    r"shin|warm|hold|please|say|next|step|emergency|number|call|minutes|seconds|it's|"
    r"don't|can't|I'm|cramp coach|sorry|okay|tips?|help|back|gone)\b",
    re.IGNORECASE,
)
#: The {fields} the code fills in (a body part's area, a reminder's time, the clock's pieces).
CODE_FIELDS = re.compile(r"\{(?:area|time|old_time|hour|minutes|period|tens|ones)\}")
PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME|XXX)\b|\b(?i:lorem|ipsum|placeholder|traducir)\b")

# --- the medical notes, in Spanish -------------------------------------------------------------
TOWARD_THE_SHIN = "hacia la espinilla"
NEVER_INTO_SHARP_PAIN = re.compile(r"\bnunca\b[^.]*\bdolor agudo\b")
WARMTH = re.compile(r"\bcalor\b|\btibi[ao]s?\b|\bcaliente\b")
NOT_HOT = "nunca caliente"
COLD = re.compile(r"\b(hielo|fr[ií][oa]s?|congela\w*|helad[oa]s?)\b", re.IGNORECASE)
# Pointing the foot or the toes, or standing on tiptoe: it shortens the calf and the arch.
POINTING = re.compile(
    r"\ben punta\b|\bpuntillas\b|\bpunta de los pies\b|\bpunta del pie\b|\bapunt\w*|"
    r"\b(?:pie|pies|dedos)\b[^.]{0,30}\bhacia abajo\b",
    re.IGNORECASE,
)
MEDICINES = re.compile(
    r"\b(quinina|magnesio|analgésic\w*|calmantes?|ibuprofeno|paracetamol|acetaminof[eé]n|"
    r"aspirinas?|naproxeno|pastillas?|comprimidos?|pastillas?|suplementos?|agua tónica|"
    r"antiinflamatori\w*|relajantes? musculares?)\b",
    re.IGNORECASE,
)
DIAGNOSIS = re.compile(
    r"\b(?:tienes|padeces|sufres(?: de)?) (?:un |una )?(?:coágulo|trombosis|desgarro|rotura|"
    r"tendinitis|lesión|deshidratación|diabetes|párkinson|esclerosis)|"
    r"\b(?:seguramente|probablemente|seguro que)\b|\bse debe a\b|\bestá causad[oa] por\b|"
    r"\bsignifica que\b|\besto es (?:un|una)\b",
    re.IGNORECASE,
)
CALLS_FOR_HELP = re.compile(
    r"(?<!no )\b(?:puedo|voy a|te voy a) (?:llamar|avisar|contactar|enviar|mandar|pedir ayuda)\b|"
    r"\b(?:llamaré|avisaré|contactaré|enviaré|mandaré)\b",
    re.IGNORECASE,
)
PROMISES = re.compile(
    r"\b(evitará|evitarán|acabará|acabarán|eliminará|eliminarán|curará|quitará|garantiz\w*)\b",
    re.IGNORECASE,
)
NUTRIENTS = re.compile(r"\b(calcio|potasio|vitaminas?|minerales?|electrolitos?)\b", re.IGNORECASE)
TAKING = re.compile(r"\b(toma|tomar|tomes|tómate|prueba|refuerza|aumenta|suplement\w*)\b", re.I)


def shape(value, key=None):
    """What must be the same in every language: the keys, the lists' lengths, the ids, and the
    {fields} of each text. The words themselves may differ."""
    if isinstance(value, dict):
        if key in ID_SECTIONS:
            return value
        if key == "clock":  # words a language counts with: as many as it has, its own order
            return sorted(value)
        return {k: shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, str) and not is_id(key, value):
        return sorted(fields(value))
    return value


def is_id(key, value) -> bool:
    """An id the code reads (a pose, a topic, a level, a side's sequence), not words."""
    return key in ID_KEYS and re.fullmatch(r"[a-z_]+|[A-Z_]+", str(value)) is not None


@pytest.fixture(scope="module")
def source():
    """es.yaml as it is written, before any country file and facts."""
    return skill_content.read_source("es")


@pytest.fixture(scope="module", params=SPANISH_LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def raw(locale):
    """A Spanish locale's content as the skill speaks it: es.yaml, its country file, its facts."""
    return skill_content.composed(locale, skill_content.read_source)


@pytest.fixture(scope="module")
def content(locale):
    return skill_content.for_locale(locale)


def relief_steps(raw) -> list[tuple[str, dict]]:
    sequences = raw["relief"]["sequences"]
    steps = [(name, step) for name, seq in sequences.items() for step in seq["steps"]]
    return steps + [("persists", step) for step in raw["relief"]["persists"]]


def first_steps_by_body_part(raw) -> dict[str, str]:
    """The first step for each body part that has its own steps (not one that asks which side)."""
    sequences = raw["relief"]["sequences"]
    return {
        part: sequences[name]["steps"][0]["do"]
        for part, name in body_parts(raw).items()
        if name in sequences
    }


def body_parts(raw) -> dict[str, str]:
    return {**raw["relief"]["body_parts"], None: "general"}


#: Body parts whose muscles lift the foot: the one case where the toes go the other way.
LIFTING_MUSCLES = {"SHIN", "TOP_OF_FOOT"}


# --- the same content as English ---------------------------------------------------------------


def test_spanish_has_exactly_the_keys_lists_ids_and_fields_of_english(source):
    assert shape(source) == shape(skill_content.read_source("en"))


def test_every_spanish_locale_is_shipped_with_its_own_country_file():
    assert {"es", *SPANISH_LOCALES} <= skill_content.shipped()
    for locale in SPANISH_LOCALES:
        assert skill_content.for_locale(locale) is skill_content.load(locale)


def test_no_placeholders_no_empty_text_no_digits(raw):
    for path, text in all_strings(raw):
        assert text.strip(), f"{path} is empty"
        assert not PLACEHOLDERS.search(text), f"{path}: {text!r}"
        assert not re.search(r"\d", text), f"{path}: numbers are spelled as they are said"
        assert not re.search(r"[{}]", CODE_FIELDS.sub("", text)), f"{path}: {text!r}"


def test_no_english_is_left(raw):
    for path, text in all_strings(raw):
        if is_id(path.rpartition(".")[2], text) or any(f".{k}." in path for k in ID_SECTIONS):
            continue  # ids the code reads, such as body_parts' "foot"
        assert not ENGLISH.search(CODE_FIELDS.sub("", text)), f"{path}: {text!r}"


def test_the_counts_are_spoken_in_spanish(content):
    assert content.count_words == {
        10: "diez segundos",
        20: "veinte",
        30: "treinta",
        40: "cuarenta",
        50: "cincuenta",
        60: "un minuto",
        70: "setenta",
        80: "ochenta",
        90: "un minuto y medio",
        100: "cien",
        110: "ciento diez",
        120: "dos minutos",
    }


def test_every_step_is_one_short_idea_and_every_page_three_short_points(content):
    for step in all_relief_steps(content):
        assert word_count(step.do) <= 25, step.do
    for advice_list in (content.prevention, content.causes, content.red_flags):
        for page in advice_list.pages:
            assert 1 <= len(page.items) <= 3, page.intro
    assert_advice_is_short_enough_to_follow_by_ear(content)


# --- safety: ../shared/medical-notes.md, in Spanish --------------------------------------------


def test_the_toes_come_back_toward_the_shin_in_every_first_step_that_lengthens_the_calf(raw):
    for part, first in first_steps_by_body_part(raw).items():
        if part in LIFTING_MUSCLES:
            assert TOWARD_THE_SHIN not in first, (part, first)
        elif part in {None, "LEG", "FOOT", "ARCH", "TOES", "CALF", "ACHILLES", "HEEL", "SOLE"}:
            assert TOWARD_THE_SHIN in first, (part, first)


def test_the_toes_go_up_and_back_for_a_toe_cramp(raw):
    assert "dedos del pie hacia arriba y hacia atrás" in first_steps_by_body_part(raw)["TOES"]


def test_never_tells_anyone_to_point_the_toes_except_for_the_muscles_that_lift_the_foot(raw):
    lifting = {body_parts(raw)[part] for part in LIFTING_MUSCLES if part in body_parts(raw)}
    for path, text in all_strings(raw):
        if any(f".sequences.{name}." in path for name in lifting):
            continue
        assert not POINTING.search(text), f"{path}: {text!r}"


def test_every_first_step_and_card_says_never_into_sharp_pain(raw):
    for name, sequence in raw["relief"]["sequences"].items():
        assert NEVER_INTO_SHARP_PAIN.search(sequence["steps"][0]["cue"]), name
    assert NEVER_INTO_SHARP_PAIN.search(raw["relief"]["card_footer"])
    assert NEVER_INTO_SHARP_PAIN.search(raw["advice"]["routine"]["card_note"])
    assert NEVER_INTO_SHARP_PAIN.search(raw["advice"]["routine"]["intro"])


def test_every_warmth_step_says_warm_never_hot_and_tested_by_hand(raw):
    warmth = [(name, step) for name, step in relief_steps(raw) if WARMTH.search(step["do"])]
    assert {name for name, _ in warmth} >= set(raw["relief"]["sequences"])
    for name, step in warmth:
        assert step["pose"] == "warmth", (name, step["do"])
        assert NOT_HOT in step["do"] and "con la mano" in step["do"], (name, step["do"])
    condition = raw["advice"]["red_flags"]["signs"]["condition"]["mid_cramp"]
    assert NOT_HOT in condition and "con la mano" in condition


def test_warmth_during_a_cramp_cold_only_afterwards(raw):
    for name, step in relief_steps(raw):
        for text in step.values():
            assert not isinstance(text, str) or not COLD.search(text), (name, text)
    assert COLD.search(raw["phrases"]["gone"])


def test_never_a_medicine_a_supplement_or_quinine(raw):
    assert_never_says(raw, MEDICINES)


def test_vitamins_and_minerals_come_from_food_or_a_doctor_checking_levels(raw):
    mentions = [text for _, text in all_strings(raw["advice"]) if NUTRIENTS.search(text)]
    assert mentions
    for text in mentions:
        assert not TAKING.search(text), text
    food = [item for page in raw["advice"]["prevention"]["pages"] for item in page["items"]]
    doctor = raw["facts"]["family_doctor"]
    assert any(f"pide a tu {doctor} que revise tus niveles" in item for item in food)


def test_never_diagnoses_and_never_offers_to_call_for_help(raw):
    assert_never_says(raw, DIAGNOSIS, CALLS_FOR_HELP)


def test_the_skill_says_it_cannot_call_and_names_the_countrys_number(raw, locale):
    cannot_call = raw["phrases"]["cannot_call"]
    assert "No puedo hacer llamadas" in cannot_call
    assert f"llama al {OWN_NUMBER[locale]} ahora" in cannot_call


def test_the_red_flags_go_from_the_emergency_number_to_today_to_soon(raw, locale):
    red_flags = raw["phrases"]["red_flags"]
    assert "dolor en el pecho" in red_flags and "hinchada" in red_flags
    number = OWN_NUMBER[locale]
    assert red_flags.index(number) < red_flags.index("hoy") < red_flags.index("pronto")
    assert raw["advice"]["red_flags"]["urgency"]["emergency"] == f"Llama al {number} ahora."


def test_advice_says_can_help_never_will_stop(raw):
    assert_never_says(raw["advice"], PROMISES, path="advice")
    assert "pueden ayudar" in raw["advice"]["prevention"]["pages"][0]["intro"]


def test_causes_are_possibilities_that_end_with_a_doctor(raw):
    causes = raw["advice"]["causes"]
    assert re.search(r"\bpueden\b", causes["pages"][0]["intro"])
    assert "posibilidades" in causes["closing"] and "médico" in causes["closing"]


def test_no_compression_bandage(raw):
    assert_never_says(raw, re.compile(r"\b(vend\w*|compresi[oó]n|aprieta fuerte)", re.I))


def test_the_wake_word_is_never_spoken(raw):
    """A nearby Echo would wake to its own name said by this one."""
    assert_never_says(raw, WAKE_WORD)


def test_the_disclaimer_is_on_every_card_and_in_speech(raw, locale):
    for text in (raw["relief"]["card_disclaimer"], raw["phrases"]["disclaimer"]):
        assert "no consejo médico" in text, text
        assert f"llama al {OWN_NUMBER[locale]}" in text, text


# --- the relief steps: which way, falls, holding, the safety check ------------------------------

STRETCH_POSES = {
    "toes_to_shin", "towel_pull", "wall_calf", "toes_up_spread", "foot_point_down",
    "heel_to_bottom", "heel_to_bottom_lying", "hamstring_seated",
}  # fmt: skip
STANDING_POSES = {"wall_calf", "stand_press", "heel_to_bottom", "walk"}
CHECK_FIRST_POSES = {"rub_foot", "rub_calf", "rub_thigh", "stand_press", "walk", "warmth"}
HOLDS_ON = re.compile(r"\bapóyate en\b|\bapoyándote en\b")
SITS_OR_LIES = re.compile(r"\b(siéntate|sentad[oa]|sin levantarte|acuéstate|acostad[oa])\b", re.I)


def test_the_shin_and_the_top_of_the_foot_point_the_foot_and_never_toward_the_shin(content):
    for name in ("shin", "top_of_foot"):
        steps = content.sequences[name].steps
        assert "en punta" in steps[0].do, name
        for step in steps:
            said = f"{step.do} {step.cue} {step.release}"
            assert TOWARD_THE_SHIN not in said and not re.search(r"\blleva\b", said), name
    assert content.body_parts["SHIN"] == "shin"
    assert content.body_parts["TOP_OF_FOOT"] == "top_of_foot"
    assert content.which_side["ankle"].front == "top_of_foot"


def test_the_thigh_asks_front_or_back_and_each_side_lengthens_its_own_muscle(content):
    sides = content.which_side[content.body_parts["THIGH"]]
    assert sides.ask.endswith("?") and "delante" in sides.ask and "detrás" in sides.ask
    assert content.which_side["ankle"].ask.endswith("?")
    front = content.sequences[sides.front].steps[0].do
    back = content.sequences[sides.back].steps[0].do
    assert "talón" in front and "glúteo" in front and "hacia adelante" not in front
    assert "inclínate hacia adelante" in back and "recta" in back and "talón" not in back
    back_of_leg = content.sequences[content.body_parts["BACK_OF_LEG"]].steps[0].do
    assert "estirada" in back_of_leg and "talón" not in back_of_leg


def test_both_legs_are_eased_one_at_a_time_sitting(content):
    steps = content.sequences[content.body_parts["BOTH_LEGS"]].steps
    assert "siéntate" in steps[0].do and "un pie" in steps[0].do
    assert "otra pierna" in steps[1].do


def test_every_sequence_starts_with_stop_inside_the_first_step(content):
    for name, sequence in content.sequences.items():
        assert sequence.steps[0].do.startswith("Detente,"), name
        assert sequence.steps[0].pose in STRETCH_POSES, name


def test_every_step_that_stands_or_walks_holds_on_or_sits_first(content):
    moving = re.compile(r"\b(de pie|camina\w*|levántate)\b", re.I)
    for step in all_relief_steps(content):
        if step.pose in STANDING_POSES or moving.search(step.do):
            assert HOLDS_ON.search(step.do), step.do
        if step.pose in STANDING_POSES - {"walk"}:
            assert SITS_OR_LIES.search(f"{step.do} {step.cue}"), step.do


def test_every_stretch_is_held_until_the_muscle_lets_go(content):
    for step in all_relief_steps(content):
        if step.pose in STRETCH_POSES or "estira" in step.do.lower():
            assert "Si sigue tenso, aguanta" in step.release, step.do
            assert "Cuando se suelte" in step.release, step.do


def test_the_safety_check_comes_before_rubbing_walking_and_warmth(raw, locale):
    for name, sequence in raw["relief"]["sequences"].items():
        assert sequence["steps"][0]["pose"] not in CHECK_FIRST_POSES, name
    check = raw["phrases"]["check_question"]
    for sign in ("hinchada", "roja", "caliente", "amoratada", "chasquido", "mareo", "confusión"):
        assert sign in check, sign
    said = raw["phrases"]["check_yes"]
    assert "deja los estiramientos" in said and "no la frotes ni le des calor" in said
    assert said.index(OWN_NUMBER[locale]) < said.index("hoy")


def test_the_first_steps_and_the_gone_reply_fit_in_one_breath(content):
    for name in ("calf", "thigh_front", "hamstring", "general"):
        first = content.sequences[name].steps[0]
        assert len(first.do.split()) <= 18, first.do
        assert len(first.cue.split()) <= 12, first.cue
    gone = f"{content.phrase('gone')} {content.phrase('offer_tips')}"
    assert len(gone.split()) <= 30 and "emergencia" not in gone


def test_escalation_ends_by_asking(content):
    assert content.phrase("keep_going_ask").endswith("?")
    assert len(content.persists) >= 3


def test_the_red_flags_are_most_urgent_first_with_the_new_signs(content):
    assert_red_flags_most_urgent_first(
        content,
        emergency=(
            "falta de aire o dolor en el pecho",
            "fría, pálida o azulada",
            "de repente entumecida o débil",
            "un corte o una herida",
            "mucho calor, con confusión",
        ),
        same_day=("Un chasquido", "ejercicio intenso"),
        soon=("poco a poco", "vuelven una y otra vez sin una causa clara"),
    )
    assert "vuelven una y otra vez" in content.signs["unexplained"].why
    assert "de repente" in content.signs["nerves"].why


def test_drinking_more_is_never_said_without_the_limit_on_fluids(raw):
    advice = raw["advice"]
    heard = [" ".join(page["items"]) for page in advice["prevention"]["pages"]] + advice["tips"]
    drinking = [text for text in heard if re.search(r"\b(bebe|beber|bebas)\b", text, re.I)]
    assert len(drinking) >= 3
    for text in drinking:
        assert "salvo que tu médico te limite los líquidos" in text, text
