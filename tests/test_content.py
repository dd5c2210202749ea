"""The content file against the code, against itself, and against the medical notes."""

import ast
import os
import re
from pathlib import Path

import pytest
from content_walk import (
    PLACEHOLDERS,
    WAKE_WORD,
    all_relief_steps,
    all_strings,
    assert_never_says,
    assert_red_flags_most_urgent_first,
    assert_steps_are_short_and_holds_counted,
    fields,
)

from skill import content as skill_content
from skill.replies import CHECK_FIRST_POSES

SKILL_DIR = Path(__file__).resolve().parent.parent / "skill"
# Accessor method -> where its keys live in the content file.
CONTENT_LOOKUPS = {
    "phrase": ("phrases",),
    "relief_text": ("relief",),
    "advice_text": ("advice", "phrases"),
    "screen_text": ("screens",),
    "reminder_text": ("reminders",),
    "reminder_words": ("reminders",),
}
# The fields skill/reminder_replies.py fills in: a reminder's times, and a time's words.
REMINDER_FIELDS = {"": {"time", "old_time"}, "clock": {"hour", "minutes", "period", "tens", "ones"}}


def content_lookups() -> list[tuple[tuple[str, ...], str, str]]:
    """(section, key, where) for every content lookup in skill/; keys must be literal strings."""
    found = []
    for path in SKILL_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in CONTENT_LOOKUPS or not node.args:
                continue
            key = node.args[0]
            where = f"{path.name}:{node.lineno}"
            assert isinstance(key, ast.Constant), f"{where}: content keys must be literal"
            found.append((CONTENT_LOOKUPS[node.func.attr], key.value, where))
    return found


@pytest.fixture(scope="module")
def raw():
    """The en-US content as the skill speaks it: en.yaml with the en-US overlay and facts."""
    return skill_content.composed("en-US", skill_content.read_source)


def section_of(raw, path: tuple[str, ...]) -> dict:
    for name in path:
        raw = raw[name]
    return raw


def test_every_key_the_code_asks_for_exists(raw):
    for section, key, where in content_lookups():
        assert key in section_of(raw, section), f"{where} asks for missing {section}.{key}"


@pytest.mark.parametrize(
    "section", [("phrases",), ("advice", "phrases"), ("screens",), ("reminders",)]
)
def test_every_phrase_is_used_by_the_code(raw, section):
    used = {key for found, key, _ in content_lookups() if found == section}
    assert set(section_of(raw, section)) - used == set()


def test_no_placeholders_or_empty_text(raw):
    for path, text in all_strings(raw):
        assert text.strip(), f"{path} is empty"
        assert not PLACEHOLDERS.search(text), f"{path}: {text!r}"


def test_format_fields_are_the_ones_the_code_fills(raw):
    for path, text in all_strings(raw):
        allowed = {"area"}
        if path.startswith(".reminders."):
            allowed = REMINDER_FIELDS["clock" if path.startswith(".reminders.clock.") else ""]
        unknown = fields(text) - allowed
        assert not unknown, f"{path} has unknown fields {unknown}"


def test_every_step_is_one_short_idea_and_every_hold_can_be_counted(content):
    assert_steps_are_short_and_holds_counted(content)
    for step in all_relief_steps(content):
        if step.hold:
            assert step.hold % 10 == 0 and step.hold in content.count_words, step.do


def test_every_page_of_advice_is_at_most_three_short_points(content):
    for advice_list in (content.prevention, content.causes, content.red_flags):
        assert len(advice_list.pages) >= 2
        for page in advice_list.pages:
            assert 1 <= len(page.items) <= 3, page.intro
            assert all(len(item.split()) <= 25 for item in page.items), page.intro


def test_prevention_opens_on_an_overview_then_one_page_per_topic(content):
    pages = content.prevention.pages
    assert pages[0].topic == "" and len(pages[0].items) == 3
    topics = [page.topic for page in pages[1:]]
    assert all(topics) and len(set(topics)) == len(topics)


def test_red_flags_have_three_levels_and_every_symptom_a_sign(content):
    assert set(content.urgency) == {"emergency", "same_day", "soon"}
    assert "nine one one" in content.urgency["emergency"]
    assert {sign.level for sign in content.signs.values()} == set(content.urgency)
    assert set(content.symptoms.values()) == set(content.signs)
    for sign in content.signs.values():
        assert len(f"{content.urgency[sign.level]} {sign.why}".split()) <= 30, sign.why


def test_the_routine_is_three_or_four_stretches_explained_in_one_sentence(content):
    stretches = content.routine.stretches
    assert 3 <= len(stretches) <= 4
    for stretch in stretches:
        assert len(re.findall(r"[.?!]", stretch.do)) == 1 and stretch.do.endswith("."), stretch.do
        assert stretch.holds
        for hold in stretch.holds:
            assert hold.cue and hold.release, stretch.name
            assert hold.seconds % 10 == 0 and hold.seconds in content.count_words, stretch.name


def test_tips_are_short_and_all_different(content):
    assert len(content.tips) >= 8
    assert len(set(content.tips)) == len(content.tips)
    for tip in content.tips:
        assert len(tip.split()) <= 20, tip


def test_every_body_part_has_steps_or_asks_which_side_first(content):
    named = set(content.body_parts.values())
    assert named <= set(content.sequences) | set(content.which_side)
    answers = {name for sides in content.which_side.values() for name in (sides.front, sides.back)}
    assert answers <= set(content.sequences)
    assert (named - set(content.which_side)) | answers | {"general"} == set(content.sequences)
    for sides in content.which_side.values():
        assert sides.ask.endswith("?") and "front" in sides.ask and "back" in sides.ask
    for sequence in content.sequences.values():
        assert len(sequence.steps) >= 3


# --- safety: ../shared/medical-notes.md is binding --------------------------------------------

POINTING = re.compile(
    r"\bpoint(?:s|ed|ing)?\b[^.]{0,40}\b(?:toes?|foot|feet)\b|\b(?:toes?|foot|feet)\b[^.]{0,20}\bpoint",
    re.IGNORECASE,
)
MEDICINES = re.compile(
    r"\b(quinine|magnesium|painkillers?|pain ?relievers?|ibuprofen|paracetamol|acetaminophen|"
    r"aspirin|naproxen|tablets?|pills?|supplements?|tonic water)\b",
    re.IGNORECASE,
)
DIAGNOSIS = re.compile(r"(?<!do )\byou(?: have|'ve got| probably have|r cramp is caused)\b", re.I)
CALLS_FOR_HELP = re.compile(
    r"\bI(?:'ll| will| can| am going to|'m going to)? (?:call|contact|alert|notify|send)\b", re.I
)


# The muscles that lift the foot: the one case where the foot is eased the other way, pointing.
FOOT_LIFTERS = ("shin", "top_of_foot")


def test_never_tells_anyone_to_point_the_toes_or_foot(raw):
    for path, text in all_strings(raw):
        if any(path.startswith(f".relief.sequences.{name}.") for name in FOOT_LIFTERS):
            continue
        assert not POINTING.search(text), f"{path}: {text!r}"


def test_the_shin_and_the_top_of_the_foot_ease_the_foot_down_never_toward_the_shin(content):
    for name in FOOT_LIFTERS:
        steps = content.sequences[name].steps
        assert "point your foot" in steps[0].do and "down" in steps[0].do, name
        for step in steps:
            said = f"{step.do} {step.cue} {step.release}"
            assert not re.search(r"toward (?:your|the) shin|pull (?:your|the|those)", said), name
    for body_part in ("SHIN", "TOP_OF_FOOT"):
        assert content.body_parts[body_part] in FOOT_LIFTERS
    assert content.which_side["ankle"].front in FOOT_LIFTERS


def test_relief_never_suggests_medicines_or_supplements(raw):
    relief = all_strings(raw["relief"], "relief") + all_strings(raw["phrases"], "phrases")
    for path, text in relief:
        assert not MEDICINES.search(text), f"{path}: {text!r}"


def test_advice_never_suggests_medicines_or_supplements(raw):
    for path, text in all_strings(raw["advice"], "advice"):
        if path.startswith("advice.causes"):
            text = text.replace("water tablets", "")  # named as a possible cause, never suggested
        assert not MEDICINES.search(text), f"{path}: {text!r}"


def test_vitamins_and_minerals_come_from_food_or_a_doctor_checking_levels(raw):
    """No "take calcium": food first, and "ask your doctor to check your levels" at most."""
    nutrients = re.compile(r"\b(calcium|potassium|vitamins?|minerals?|electrolytes?)\b", re.I)
    taking = re.compile(r"\b(take|taking|try|boost|top up)\b", re.I)
    mentions = [text for _, text in all_strings(raw["advice"]) if nutrients.search(text)]
    assert mentions
    for text in mentions:
        assert not taking.search(text), text
    food = raw["advice"]["prevention"]["pages"]
    assert any("ask your doctor to check your levels" in item for p in food for item in p["items"])


def test_advice_says_can_help_never_will_stop(raw):
    promises = re.compile(r"\bwill (stop|prevent|cure|fix|end|get rid of)\b|\bguarantee", re.I)
    assert_never_says(raw["advice"], promises, path="advice")
    assert "can help" in raw["advice"]["prevention"]["pages"][0]["intro"]


def test_causes_are_possibilities_that_end_with_a_doctor(raw):
    causes = raw["advice"]["causes"]
    listed = " ".join(text for _, text in all_strings(causes["pages"]))
    for cause in ("kidney or liver disease", "alcohol", "water tablets", "statins"):
        assert cause in listed.lower(), cause
    assert re.search(r"\bcan\b", causes["pages"][0]["intro"])
    assert "possibilities" in causes["closing"] and "doctor" in causes["closing"]
    for path, text in all_strings(causes, "advice.causes"):
        assert not re.search(r"\b(is|are) caused by\b|\bmeans you\b", text, re.I), path


def test_warmth_during_a_cramp_cold_only_afterwards(raw):
    during = all_strings(raw["relief"]["sequences"]) + all_strings(raw["relief"]["persists"])
    for path, text in during:
        assert not re.search(r"\b(ice|cold|freez\w*)\b", text, re.I), f"{path}: {text!r}"
    assert re.search(r"\bcold\b", raw["phrases"]["gone"])


def test_no_compression_bandage(raw):
    assert_never_says(raw, re.compile(r"\b(bandage|compression|wrap it tight)", re.I))


def test_never_diagnoses_and_never_offers_to_call_for_help(raw):
    assert_never_says(raw, DIAGNOSIS, CALLS_FOR_HELP)


def test_red_flags_name_the_emergency_number_and_same_day_care(raw):
    red_flags = raw["phrases"]["red_flags"]
    assert "nine one one" in red_flags
    assert "chest pain" in red_flags and "swollen" in red_flags
    assert red_flags.index("nine one one") < red_flags.index("today") < red_flags.index("soon")


def test_the_wake_word_is_never_spoken(raw):
    """A nearby Echo would wake to its own name said by this one."""
    assert_never_says(raw, WAKE_WORD)


def test_the_skill_says_it_cannot_call(raw):
    cannot_call = raw["phrases"]["cannot_call"]
    assert "can't make calls" in cannot_call and "call nine one one now" in cannot_call


def test_stretches_pull_toward_the_shin(content):
    first_steps = {name: seq.steps[0].do for name, seq in content.sequences.items()}
    for name in ("general", "foot", "arch", "toes", "calf", "both_legs", "back_of_leg"):
        assert "toward your shin" in first_steps[name], name
    for body_part in ("ACHILLES", "HEEL", "SOLE"):
        assert "toward your shin" in first_steps[content.body_parts[body_part]], body_part


def test_the_thigh_asks_front_or_back_and_each_side_lengthens_its_own_muscle(content):
    """Heel to bottom stretches the front and shortens the back; leaning forward with the leg
    straight is the other way round. "Thigh" alone asks first."""
    assert content.body_parts["THIGH"] in content.which_side
    sides = content.which_side[content.body_parts["THIGH"]]
    front = content.sequences[sides.front].steps[0]
    back = content.sequences[sides.back].steps[0]
    assert "heel" in front.do and "bottom" in front.do and "lean forward" not in front.do
    assert "lean forward" in back.do and "straight" in back.do and "heel" not in back.do
    assert content.body_parts["HAMSTRING"] == sides.back
    assert content.body_parts["FRONT_OF_THIGH"] == sides.front
    assert content.body_parts["BACK_OF_LEG"] not in (sides.front, content.which_side)
    back_of_leg = content.sequences[content.body_parts["BACK_OF_LEG"]].steps[0]
    assert "straight" in back_of_leg.do and "heel" not in back_of_leg.do


def test_both_legs_are_eased_one_at_a_time_sitting(content):
    steps = content.sequences[content.body_parts["BOTH_LEGS"]].steps
    assert "sit down" in steps[0].do and "one foot" in steps[0].do
    assert "other leg" in steps[1].do


# --- the relief steps: falls, warmth, holding, timing, the safety check ------------------------

POSES = {
    "toes_to_shin", "towel_pull", "wall_calf", "stand_press", "toes_up_spread",
    "foot_point_down", "heel_to_bottom", "heel_to_bottom_lying", "hamstring_seated",
    "rub_foot", "rub_calf", "rub_thigh", "walk", "warmth", "cold_pack",
}  # fmt: skip
STRETCH_POSES = {
    "toes_to_shin", "towel_pull", "wall_calf", "toes_up_spread", "foot_point_down",
    "heel_to_bottom", "heel_to_bottom_lying", "hamstring_seated",
}  # fmt: skip
STANDING_POSES = {"wall_calf", "stand_press", "heel_to_bottom", "walk"}


def sequence_steps(content):
    return [(name, step) for name, seq in content.sequences.items() for step in seq.steps]


def relief_steps(content):
    return sequence_steps(content) + [("persists", step) for step in content.persists]


def test_every_step_has_a_pose_from_the_fixed_vocabulary(content):
    for name, step in sequence_steps(content):
        assert step.pose in POSES, (name, step.do)
    for step in content.persists:
        assert step.pose in POSES | {""}, step.do


def test_every_sequence_starts_with_stop_inside_the_first_step(content):
    for name, sequence in content.sequences.items():
        first = sequence.steps[0]
        assert first.do.startswith("Stop,"), name
        assert first.pose in STRETCH_POSES, name


def test_every_step_that_stands_or_walks_holds_on_or_sits_first(content):
    moving = re.compile(r"\b(stand|standing|walk|walking|get up)\b", re.I)
    for name, step in relief_steps(content):
        if step.pose in STANDING_POSES or moving.search(step.do):
            assert re.search(r"\bhold(?:ing)? on to\b", step.do), (name, step.do)
        if step.pose in STANDING_POSES - {"walk"}:
            offered = f"{step.do} {step.cue}"
            assert re.search(r"\b(sit|sitting|lie|lying)\b", offered, re.I), (name, offered)


def test_every_warmth_step_is_warm_not_hot_and_tested_by_hand(content):
    warmth = [(name, step) for name, step in relief_steps(content) if "warm" in step.do.lower()]
    assert {name for name, _ in warmth} >= set(content.sequences)
    for name, step in warmth:
        assert step.pose == "warmth", (name, step.do)
        assert "not hot" in step.do and "hand" in step.do, (name, step.do)
    condition = content.signs["condition"].mid_cramp
    assert "not hot" in condition and "hand" in condition


def test_every_stretch_is_held_until_the_muscle_lets_go(content):
    for name, step in relief_steps(content):
        if step.pose in STRETCH_POSES or "stretch" in step.do.lower():
            assert "still tight" in step.release and "keep holding" in step.release, name
            assert "lets go" in step.release, name


def test_nothing_in_the_steps_is_untimed(content):
    """Alexa listens about 8 s, reprompts, and listens 8 s more: every step is counted out."""
    for name, step in relief_steps(content):
        assert step.hold >= 20 and step.hold in content.count_words, (name, step.do)
        if step.pose in ("walk", "warmth"):
            assert step.hold >= 60, (name, step.do)


def test_rubbing_weight_walking_and_warmth_wait_for_the_safety_check(content):
    """Those steps carry a pose the safety check is asked before; no sequence starts with one."""
    doing = re.compile(r"\b(rub\w*|walk\w*|warm\w*|weight)\b", re.I)
    for name, step in relief_steps(content):
        if doing.search(step.do) and step.pose:
            assert step.pose in CHECK_FIRST_POSES, (name, step.do)
    for name, sequence in content.sequences.items():
        assert sequence.steps[0].pose not in CHECK_FIRST_POSES, name
    check = content.phrase("check_question")
    for sign in ("swollen", "red", "hot", "bruised", "pop", "faint", "confused"):
        assert sign in check, sign
    said = content.phrase("check_yes")
    assert "don't rub or warm" in said and "stop the stretches" in said
    assert said.index("nine one one") < said.index("today")


def test_the_first_steps_and_the_gone_reply_fit_in_one_breath(content):
    for name in ("calf", "thigh_front", "hamstring", "general"):
        first = content.sequences[name].steps[0]
        assert len(first.do.split()) <= 18, first.do
        assert len(first.cue.split()) <= 12, first.cue
    gone = f"{content.phrase('gone')} {content.phrase('offer_tips')}"
    assert len(gone.split()) <= 30
    assert "emergency" not in gone


def test_escalation_ends_by_asking(content):
    assert content.phrase("keep_going_ask").endswith("?")
    assert len(content.persists) >= 3


# --- red flags, prevention and causes, as the medical notes now have them -----------------------


def test_the_red_flags_are_most_urgent_first_with_the_new_signs(content):
    assert_red_flags_most_urgent_first(
        content,
        emergency=(
            "breathlessness or chest pain",
            "suddenly cold, pale or blue",
            "suddenly numb or weak",
            "cut or wound",
            "in the heat with confusion",
        ),
        same_day=("A pop", "after hard exercise"),
        soon=("come on gradually", "keep coming back with no obvious cause"),
    )
    assert "keep coming back" in content.signs["unexplained"].why
    assert "suddenly" in content.signs["nerves"].why


def test_drinking_more_is_never_said_without_the_limit_on_fluids(raw):
    """Each page of prevention, and each tip, that says to drink says "unless a doctor has told
    you to limit fluids" too (heart failure, kidney disease)."""
    advice = raw["advice"]
    heard = [" ".join(page["items"]) for page in advice["prevention"]["pages"]] + advice["tips"]
    drinking = [text for text in heard if re.search(r"\b(drink|sipping)\b", text, re.I)]
    assert len(drinking) >= 3
    for text in drinking:
        assert "unless a doctor has told you to limit fluids" in text or (
            "unless you've been told to limit fluids" in text
        ), text


def source_articles() -> list[Path]:
    """The source article, where it is kept beside the repository (../shared/seed, or the folder
    CRAMP_COACH_ARTICLE_DIR names). A bare clone has none: the test says it was skipped."""
    default = Path(__file__).resolve().parents[2] / "shared" / "seed"
    return sorted(Path(os.environ.get("CRAMP_COACH_ARTICLE_DIR", default)).glob("*.txt"))


def test_no_sentence_is_copied_from_the_source_article(raw):
    """Any eight words in a row shared with the article count as copying."""
    articles = source_articles()
    if not articles:
        pytest.skip("the source article is not beside this clone (see CRAMP_COACH_ARTICLE_DIR)")
    article_words = " ".join(p.read_text(encoding="utf-8") for p in articles).lower().split()
    assert article_words, "the source article is empty"
    shingles = {" ".join(article_words[i : i + 8]) for i in range(len(article_words) - 7)}
    for path, text in all_strings(raw):
        said = text.lower().split()
        for i in range(len(said) - 7):
            assert " ".join(said[i : i + 8]) not in shingles, f"{path} copies the article"


def test_spoken_text_stays_out_of_python():
    """Sentences belong in the content file: no string literal in skill/ reads like speech."""
    sentence = re.compile(r"^[A-Z][a-z']+(?: [a-z',]+){3,}[.?!]$")
    for path in SKILL_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) in docstrings:
                    continue
                assert not sentence.match(node.value), f"{path.name}: {node.value!r}"


def test_a_reminder_says_nothing_about_health(content):
    """It may be heard or seen by anyone near the device: "Time for your evening stretches"."""
    health = re.compile(r"cramp|pain|hurt|spasm|muscle|doctor|health|medic|leg|foot|feet", re.I)
    texts = content.reminder_words("alert")
    assert set(texts) == {"morning", "afternoon", "evening", "bedtime"}
    for text in texts.values():
        assert "stretch" in text and not health.search(text), text
        assert len(text) <= 40, "reminders show on small screens: keep them short"
