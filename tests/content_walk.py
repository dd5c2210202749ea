"""What the content tests of every language share: walking a content tree, the {fields} of a text,
the relief steps, a translation held to the English shape, and checks whose words each language
passes in.

Imported by name (``from content_walk import all_strings``), as ``helpers`` is.
"""

import re
import string

#: Keys whose values are ids or numbers the code and the screens rely on, in every language.
SAME_VALUE_KEYS = {"hold", "seconds", "pose", "level", "topic"}
SAME_MAPPING_KEYS = {"body_parts", "symptoms"}
#: Which steps follow "front" or "back": sequence names, not words ("back" is a button elsewhere).
SEQUENCE_NAMES = re.compile(r"\.which_side\.\w+\.(?:front|back)$")
PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem|ipsum|placeholder)\b", re.IGNORECASE)
#: A nearby Echo would wake to its own name said by this one.
WAKE_WORD = re.compile(r"\balexa\b", re.IGNORECASE)


def all_strings(value, path="") -> list[tuple[str, str]]:
    """(path, text) for every string in a content tree, such as (".phrases.gone", "...")."""
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in all_strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [item for i, v in enumerate(value) for item in all_strings(v, f"{path}[{i}]")]
    return []


def spoken_strings(value, path="") -> list[tuple[str, str]]:
    """Every string a person may hear or read: ids (a step's pose, a sign's level) left out."""
    spoken = []
    for where, text in all_strings(value, path):
        key = re.sub(r"\[\d+\]$", "", where).rpartition(".")[2]
        parent = where.rpartition(".")[0].rpartition(".")[2]
        named = SEQUENCE_NAMES.search(where)
        if key not in SAME_VALUE_KEYS and parent not in SAME_MAPPING_KEYS and not named:
            spoken.append((where, text))
    return spoken


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def word_count(text: str) -> int:
    return len(text.split())


def all_relief_steps(content) -> list:
    """The steps of every sequence, then the steps for a cramp that persists."""
    return [s for seq in content.sequences.values() for s in seq.steps] + list(content.persists)


def assert_same_shape(english, translated, own_grammar, path=""):
    """The translation has exactly the keys, lists, ids and {fields} of English, and no empty text.

    ``own_grammar(english, translated, path)`` checks what the language may say its own way (how
    it tells the time), and returns True where it has, so the walk goes no deeper there.
    """
    if own_grammar(english, translated, path):
        return
    key = path.rpartition(".")[2]
    if isinstance(english, dict):
        assert isinstance(translated, dict), path
        assert list(translated) == list(english), f"{path}: keys differ"
        if key in SAME_MAPPING_KEYS:
            assert translated == english, path
        for name in english:
            assert_same_shape(english[name], translated[name], own_grammar, f"{path}.{name}")
    elif isinstance(english, list):
        assert isinstance(translated, list) and len(translated) == len(english), f"{path}: length"
        for index, (one, other) in enumerate(zip(english, translated, strict=True)):
            assert_same_shape(one, other, own_grammar, f"{path}[{index}]")
    elif (
        isinstance(english, str) and key not in SAME_VALUE_KEYS and not SEQUENCE_NAMES.search(path)
    ):
        assert isinstance(translated, str) and translated.strip(), f"{path} is empty"
        assert fields(translated) == fields(english), f"{path}: other {{fields}} than in English"
    else:
        assert translated == english, f"{path}: {translated!r} is not {english!r}"


def assert_never_says(tree, *patterns, path=""):
    """No string in the content tree matches any of the patterns."""
    for where, text in all_strings(tree, path):
        for pattern in patterns:
            assert not pattern.search(text), f"{where}: {text!r}"


def assert_pointing_only_for_the_muscles_that_lift_the_foot(raw, pointing):
    """The shin and the top of the foot are eased the other way; nowhere else points the foot."""
    pointing_allowed = {"shin", "top_of_foot"}
    for name, sequence in raw["relief"]["sequences"].items():
        if name not in pointing_allowed:
            assert_never_says(sequence, pointing, path=name)
    elsewhere = {key: value for key, value in raw.items() if key != "relief"}
    relief_rest = {key: value for key, value in raw["relief"].items() if key != "sequences"}
    assert_never_says(elsewhere, pointing)
    assert_never_says(relief_rest, pointing, path="relief")


def assert_steps_are_short_and_holds_counted(content, words=word_count):
    """Each step is one short idea, and a step that is held has a cue and a release to count it."""
    for step in all_relief_steps(content):
        assert words(step.do) <= 25, step.do
        if step.hold:
            assert step.cue and step.release, step.do


def assert_advice_is_short_enough_to_follow_by_ear(content, words=word_count, sign_words=30):
    for advice_list in (content.prevention, content.causes, content.red_flags):
        for page in advice_list.pages:
            assert all(words(item) <= 25 for item in page.items), page.intro
    for sign in content.signs.values():
        assert words(f"{content.urgency[sign.level]} {sign.why}") <= sign_words, sign.why
    for tip in content.tips:
        assert words(tip) <= 20, tip
    for stretch in content.routine.stretches:
        assert len(re.findall(r"[.?!]", stretch.do)) == 1 and stretch.do.endswith("."), stretch.do


def assert_red_flags_most_urgent_first(content, emergency, same_day, soon):
    """The red flags are heard emergency first, then same day, then soon, each sign where its
    words (given in the language) say it belongs; the levels of the signs are the same everywhere.
    """
    heard = [(page.title, item) for page in content.red_flags.pages for item in page.items]
    titles = [title for title, _ in heard]
    levels_in_order = list(dict.fromkeys(titles))
    assert len(levels_in_order) == 3, levels_in_order
    assert titles == sorted(titles, key=levels_in_order.index)

    def level_of(words: str) -> str:
        return next(title for title, item in heard if words in item)

    for level, signs in zip(levels_in_order, (emergency, same_day, soon), strict=True):
        for words in signs:
            assert level_of(words) == level, words
    levels = {key: sign.level for key, sign in content.signs.items()}
    assert levels["wound"] == levels["heat"] == levels["clot_moved"] == "emergency"
    assert levels["blood_supply"] == "emergency"
    assert levels["tear"] == levels["dark_urine"] == levels["clot"] == "same_day"
