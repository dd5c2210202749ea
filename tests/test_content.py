"""The content file against the code, against itself, and against the medical notes."""

import ast
import re
import string
from pathlib import Path

import pytest
import yaml

from skill.content import CONTENT_DIR

SKILL_DIR = Path(__file__).resolve().parent.parent / "skill"
# Accessor method -> where its keys live in the content file.
CONTENT_LOOKUPS = {
    "phrase": ("phrases",),
    "relief_text": ("relief",),
    "advice_text": ("advice", "phrases"),
    "reminder_text": ("reminders",),
    "reminder_words": ("reminders",),
}
# The fields skill/reminder_replies.py fills in: a reminder's times, and a time's words.
REMINDER_FIELDS = {"": {"time", "old_time"}, "clock": {"hour", "minutes", "period", "tens", "ones"}}
PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem|ipsum|placeholder)\b", re.IGNORECASE)


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


def all_strings(value, path="") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in all_strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in all_strings(v, f"{path}[{i}]")]
    return []


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load((Path(CONTENT_DIR) / "en.yaml").read_text(encoding="utf-8"))


def section_of(raw, path: tuple[str, ...]) -> dict:
    for name in path:
        raw = raw[name]
    return raw


def test_every_key_the_code_asks_for_exists(raw):
    for section, key, where in content_lookups():
        assert key in section_of(raw, section), f"{where} asks for missing {section}.{key}"


@pytest.mark.parametrize("section", [("phrases",), ("advice", "phrases"), ("reminders",)])
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
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        assert fields <= allowed, f"{path} has unknown fields {fields - allowed}"


def test_every_step_is_one_short_idea_and_every_hold_can_be_counted(content):
    steps = [s for seq in content.sequences.values() for s in seq.steps] + list(content.persists)
    for step in steps:
        assert len(step.do.split()) <= 25, step.do
        if step.hold:
            assert step.cue and step.release, step.do
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
    assert "local emergency number" in content.urgency["emergency"]
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


def test_every_sequence_has_steps(content):
    assert set(content.body_parts.values()) | {"general"} == set(content.sequences)
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


def test_never_tells_anyone_to_point_the_toes_or_foot(raw):
    for path, text in all_strings(raw):
        assert not POINTING.search(text), f"{path}: {text!r}"


def test_relief_never_suggests_medicines_or_supplements(raw):
    relief = all_strings(raw["relief"], "relief") + all_strings(raw["phrases"], "phrases")
    for path, text in relief:
        assert not MEDICINES.search(text), f"{path}: {text!r}"


def test_advice_never_suggests_medicines_or_supplements(raw):
    for path, text in all_strings(raw["advice"], "advice"):
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
    for path, text in all_strings(raw["advice"], "advice"):
        assert not promises.search(text), f"{path}: {text!r}"
    assert "can help" in raw["advice"]["prevention"]["pages"][0]["intro"]


def test_causes_are_possibilities_that_end_with_a_doctor(raw):
    causes = raw["advice"]["causes"]
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
    for path, text in all_strings(raw):
        assert not re.search(r"\b(bandage|compression|wrap it tight)", text, re.I), path


def test_never_diagnoses_and_never_offers_to_call_for_help(raw):
    for path, text in all_strings(raw):
        assert not DIAGNOSIS.search(text), f"{path}: {text!r}"
        assert not CALLS_FOR_HELP.search(text), f"{path}: {text!r}"


def test_red_flags_name_the_emergency_number_and_same_day_care(raw):
    red_flags = raw["phrases"]["red_flags"]
    assert "local emergency number" in red_flags
    assert "chest pain" in red_flags and "swollen" in red_flags
    assert red_flags.index("emergency number") < red_flags.index("today") < red_flags.index("soon")


def test_the_wake_word_is_never_spoken(raw):
    """A nearby Echo would wake to its own name said by this one."""
    for path, text in all_strings(raw):
        assert not re.search(r"\balexa\b", text, re.IGNORECASE), f"{path}: {text!r}"


def test_the_skill_says_it_cannot_call(raw):
    cannot_call = raw["phrases"]["cannot_call"]
    assert "can't make calls" in cannot_call and "local emergency number now" in cannot_call


def test_stretches_pull_toward_the_shin(content):
    first_steps = {name: seq.steps[0].do for name, seq in content.sequences.items()}
    for name in ("general", "foot", "arch", "toes", "calf"):
        assert "toward your shin" in first_steps[name], name


def test_no_sentence_is_copied_from_the_source_article(raw):
    """Any eight words in a row shared with the article count as copying."""
    article = (Path(__file__).resolve().parents[2] / "shared" / "seed").glob("*.txt")
    article_words = " ".join(p.read_text(encoding="utf-8") for p in article).lower().split()
    assert article_words, "the source article is missing"
    shingles = {" ".join(article_words[i : i + 8]) for i in range(len(article_words) - 7)}
    for path, text in all_strings(raw):
        said = text.lower().split()
        for i in range(len(said) - 7):
            assert " ".join(said[i : i + 8]) not in shingles, f"{path} copies the article"


def test_spoken_text_stays_out_of_python():
    """Sentences belong in the content file: no string literal in skill/ reads like speech."""
    sentence = re.compile(r"^[A-Z][a-z']+(?: [a-z',]+){3,}[.?!]$")
    for path in SKILL_DIR.rglob("*.py"):
        if path.name == "console.py":
            continue
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
