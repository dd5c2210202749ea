"""The Spanish content (skill/content/es.yaml and its country files) against the English one,
against itself, and against the medical notes.

Every Spanish word the checks look for is written here, from ../shared/medical-notes.md, never
read from the content: a step that loses "hacia la espinilla", a warmth step that loses "nunca
caliente", or an English sentence left behind fails.
"""

import re
import string

import pytest

from skill import content as skill_content

SPANISH_LOCALES = ("es-ES", "es-MX", "es-US")
OWN_NUMBER = {"es-ES": "uno uno dos", "es-MX": "nueve uno uno", "es-US": "nueve uno uno"}
#: Keys whose values are ids the code reads, the same in every language.
ID_KEYS = {"pose", "topic", "level", "hold", "seconds"}
ID_SECTIONS = {"body_parts", "symptoms"}

# Common English words that have no place in a Spanish sentence (none of them is also Spanish).
ENGLISH = re.compile(
    r"\b(the|and|your|you|with|toward|towards|stretch|cramp|cramps|foot|feet|leg|legs|calf|toes|"
    r"shin|warm|hold|please|say|next|step|emergency|number|call|minutes|seconds|it's|"
    r"don't|can't|I'm|cramp coach|sorry|okay|tips?|help|back|gone)\b",
    re.IGNORECASE,
)
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


def all_strings(value, path="") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in all_strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in all_strings(v, f"{path}[{i}]")]
    return []


def shape(value, key=None):
    """What must be the same in every language: the keys, the lists' lengths, the ids, and the
    {fields} of each text. The words themselves may differ."""
    if isinstance(value, dict):
        if key in ID_SECTIONS:
            return value
        return {k: shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value]
    if isinstance(value, str) and key not in ID_KEYS:
        return sorted(name for _, name, _, _ in string.Formatter().parse(value) if name)
    return value


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
    sequences = raw["relief"]["sequences"]
    return {part: sequences[name]["steps"][0]["do"] for part, name in body_parts(raw).items()}


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
        assert not re.search(r"[{}]", text.replace("{area}", "")), f"{path}: {text!r}"


def test_no_english_is_left(raw):
    for path, text in all_strings(raw):
        if path.rpartition(".")[2] in ID_KEYS or any(f".{key}." in path for key in ID_SECTIONS):
            continue  # ids the code reads, such as body_parts' "foot"
        assert not ENGLISH.search(text), f"{path}: {text!r}"


def test_the_counts_are_spoken_in_spanish(content):
    assert content.count_words == {
        10: "diez segundos",
        20: "veinte",
        30: "treinta",
        40: "cuarenta",
        50: "cincuenta",
        60: "sesenta",
    }


def test_every_step_is_one_short_idea_and_every_page_three_short_points(content):
    steps = [s for seq in content.sequences.values() for s in seq.steps] + list(content.persists)
    for step in steps:
        assert len(step.do.split()) <= 25, step.do
    for advice_list in (content.prevention, content.causes, content.red_flags):
        for page in advice_list.pages:
            assert 1 <= len(page.items) <= 3, page.intro
            assert all(len(item.split()) <= 25 for item in page.items), page.intro
    for tip in content.tips:
        assert len(tip.split()) <= 20, tip
    for stretch in content.routine.stretches:
        assert len(re.findall(r"[.?!]", stretch.do)) == 1 and stretch.do.endswith("."), stretch.do
    for sign in content.signs.values():
        assert len(f"{content.urgency[sign.level]} {sign.why}".split()) <= 30, sign.why


# --- safety: ../shared/medical-notes.md, in Spanish --------------------------------------------


def test_the_toes_come_back_toward_the_shin_in_every_first_step_that_lengthens_the_calf(raw):
    for part, first in first_steps_by_body_part(raw).items():
        if part in LIFTING_MUSCLES:
            assert TOWARD_THE_SHIN not in first, (part, first)
        elif part in {None, "LEG", "FOOT", "ARCH", "TOES", "CALF"}:
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


def test_every_warmth_step_says_warm_never_hot(raw):
    warmth = [(name, step["do"]) for name, step in relief_steps(raw) if WARMTH.search(step["do"])]
    assert len(warmth) >= len(raw["relief"]["sequences"])
    for name, text in warmth:
        assert NOT_HOT in text, (name, text)


def test_warmth_during_a_cramp_cold_only_afterwards(raw):
    for name, step in relief_steps(raw):
        for text in step.values():
            assert not isinstance(text, str) or not COLD.search(text), (name, text)
    assert COLD.search(raw["phrases"]["gone"])


def test_never_a_medicine_a_supplement_or_quinine(raw):
    for path, text in all_strings(raw):
        assert not MEDICINES.search(text), f"{path}: {text!r}"


def test_vitamins_and_minerals_come_from_food_or_a_doctor_checking_levels(raw):
    mentions = [text for _, text in all_strings(raw["advice"]) if NUTRIENTS.search(text)]
    assert mentions
    for text in mentions:
        assert not TAKING.search(text), text
    food = [item for page in raw["advice"]["prevention"]["pages"] for item in page["items"]]
    assert any("pide a tu médico que revise tus niveles" in item for item in food)


def test_never_diagnoses_and_never_offers_to_call_for_help(raw):
    for path, text in all_strings(raw):
        assert not DIAGNOSIS.search(text), f"{path}: {text!r}"
        assert not CALLS_FOR_HELP.search(text), f"{path}: {text!r}"


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
    for path, text in all_strings(raw["advice"], "advice"):
        assert not PROMISES.search(text), f"{path}: {text!r}"
    assert "pueden ayudar" in raw["advice"]["prevention"]["pages"][0]["intro"]


def test_causes_are_possibilities_that_end_with_a_doctor(raw):
    causes = raw["advice"]["causes"]
    assert re.search(r"\bpueden\b", causes["pages"][0]["intro"])
    assert "posibilidades" in causes["closing"] and "médico" in causes["closing"]


def test_no_compression_bandage(raw):
    for path, text in all_strings(raw):
        assert not re.search(r"\b(vend\w*|compresi[oó]n|aprieta fuerte)", text, re.I), path


def test_the_wake_word_is_never_spoken(raw):
    """A nearby Echo would wake to its own name said by this one."""
    for path, text in all_strings(raw):
        assert not re.search(r"\balexa\b", text, re.IGNORECASE), f"{path}: {text!r}"


def test_the_disclaimer_is_on_every_card_and_in_speech(raw, locale):
    for text in (raw["relief"]["card_disclaimer"], raw["phrases"]["disclaimer"]):
        assert "no consejo médico" in text, text
        assert f"llama al {OWN_NUMBER[locale]}" in text, text
