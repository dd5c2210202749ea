"""A small stand-in for Alexa's language understanding, for the text console and the tests.

It reads the same interaction model Alexa gets: an utterance matches an intent exactly when it
matches one of that intent's samples, with ``{slot}`` standing for any value or synonym of the
slot's type. Slot values resolve to their ids the way Alexa's entity resolution reports them.
Built-in intents match their common phrasings. What matches nothing exactly goes to the
generalised understanding built from the same samples (console/generalise.py), unless
``exact_only`` is asked for; what that does not understand either is AMAZON.FallbackIntent.
Of Alexa's built-in slot types, AMAZON.TIME is understood, as far as the reminders need it, in
every shipped language: one small grammar, built from the language's time words in
console/language.<lang>.yaml, resolves "nine p m", "halb neun" or "las ocho de la noche" as
Alexa does ("21:00", "08:30", "20:00").
"""

import functools
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from console.generalise import THRESHOLD, Generaliser, language_words

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
# Per language (``en``), or per locale (``en-GB``) where a country's phrasings differ.
BUILTIN_UTTERANCES = Path(__file__).parent / "builtin_utterances.{locale}.yaml"
FALLBACK_INTENT = "AMAZON.FallbackIntent"
# How a slot value that is none of its type's values is written: ``bodyPart=?hand``.
UNKNOWN_VALUE = "?"

_SLOT = re.compile(r"\{(\w+)\}")
_NOT_SPOKEN = re.compile(r"[^\w' ]+")


@dataclass(frozen=True)
class SlotMatch:
    name: str
    spoken: str
    value_id: str | None = None
    value_name: str | None = None
    slot_type: str = ""


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)
    declared_slots: tuple[str, ...] = ()

    def resolved(self) -> str:
        """The filled slots as ``bodyPart=CALF``, comma-separated; a value that is none of the
        type's as ``?`` and the words heard (``bodyPart=?hand``)."""
        return ",".join(
            f"{name}={slot.value_id or UNKNOWN_VALUE + slot.spoken}"
            for name, slot in sorted(self.slots.items())
        )


def normalize(utterance: str) -> str:
    """Lowercase, curly apostrophes made straight, punctuation dropped, spaces collapsed."""
    text = utterance.lower().replace("\u2019", "'")
    return " ".join(_NOT_SPOKEN.sub(" ", text).split())


def normalize_sample(sample: str) -> str:
    """A sample normalized as an utterance is, its ``{slot}`` references kept."""
    pieces = re.split(r"(\{\w+\})", sample)
    return " ".join(p if _SLOT.fullmatch(p) else normalize(p) for p in pieces if p.strip())


def built_in_utterances(locale: str) -> dict[str, list[str]]:
    """Common phrasings of Alexa's built-in intents, by intent name: the locale's own list, or
    its language's."""
    path = Path(str(BUILTIN_UTTERANCES).format(locale=locale))
    if not path.is_file():
        path = Path(str(BUILTIN_UTTERANCES).format(locale=locale.partition("-")[0]))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Understanding:
    """Matches utterances against one locale's interaction model."""

    def __init__(
        self,
        locale: str = "en-US",
        exact_only: bool = False,
        language_model: dict | None = None,
        threshold: float = THRESHOLD,
    ):
        """``language_model`` stands in for the locale's file (to measure the generaliser on
        samples held out of it); ``threshold`` is the generaliser's least confidence."""
        if language_model is None:
            model = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
            language_model = model["interactionModel"]["languageModel"]
        self.invocation_name: str = language_model["invocationName"]
        self._language = locale.split("-")[0]
        self._values = self._slot_values(language_model.get("types", []))
        self._patterns: list[tuple[re.Pattern, str, dict[str, str], tuple[str, ...]]] = []
        # What may be said when Alexa asks for a slot (the slot's own samples), per intent and slot.
        self._slot_patterns: dict[tuple[str, str], list] = {}
        for intent in language_model["intents"]:
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                pattern = self._compile(sample)
                self._patterns.append((pattern, intent["name"], slot_types, tuple(slot_types)))
            for slot in intent.get("slots", []):
                self._slot_patterns[(intent["name"], slot["name"])] = [
                    (self._compile(sample), intent["name"], slot_types, tuple(slot_types))
                    for sample in slot.get("samples", [])
                ]
        self._builtins = {
            normalize(phrase): intent
            for intent, phrases in built_in_utterances(locale).items()
            for phrase in phrases
        }
        self._declared = {
            intent["name"]: tuple(slot["name"] for slot in intent.get("slots", []))
            for intent in language_model["intents"]
        }
        self._generaliser = None
        if not exact_only:
            intents = [
                {**intent, "samples": [normalize_sample(s) for s in intent.get("samples", [])]}
                for intent in language_model["intents"]
            ]
            self._generaliser = Generaliser(
                self._language, intents, self._values, self._builtins, threshold
            )

    def understand(self, utterance: str) -> Match:
        text = normalize(utterance)
        exact = self._exact(text, self._patterns)
        if exact:
            return exact
        if text in self._builtins:
            return Match(self._builtins[text])
        understood = self._generaliser and self._generaliser.understand(text)
        if not understood:
            return Match(FALLBACK_INTENT)
        slots = {
            name: SlotMatch(name, found.spoken, *(found.identity or (None, None)), found.slot_type)
            for name, found in understood.slots.items()
        }
        return Match(understood.intent, slots, self._declared.get(understood.intent, ()))

    def understand_answer(self, utterance: str, intent: str, slot: str) -> Match:
        """What Alexa hears after Dialog.ElicitSlot asked for ``slot`` of ``intent``: first the
        slot's own samples ("at {time}"), then anything at all."""
        exact = self._exact(normalize(utterance), self._slot_patterns.get((intent, slot), []))
        return exact or self.understand(utterance)

    def _exact(self, text: str, patterns) -> Match | None:
        """The first sample that matches the whole of ``text``, each slot with a value of its
        type; None if none does."""
        for pattern, intent, slot_types, declared in patterns:
            found = pattern.fullmatch(text)
            if found and all(
                self._fits(slot_types[name], spoken) for name, spoken in found.groupdict().items()
            ):
                slots = {
                    name: self._resolve(name, slot_types[name], spoken)
                    for name, spoken in found.groupdict().items()
                }
                return Match(intent, slots, declared)
        return None

    def _fits(self, slot_type: str, spoken: str) -> bool:
        if slot_type == TIME_SLOT_TYPE:
            return resolve_time(spoken, self._language) is not None
        return spoken in self._values.get(slot_type, {})

    @staticmethod
    def _compile(sample: str) -> re.Pattern:
        """A sample as a regular expression, each ``{slot}`` a named group of words (checked
        against the slot type's values when it matches: an alternation of them all compiles
        slowly)."""
        pieces = []
        position = 0
        for slot in _SLOT.finditer(sample):
            pieces.append(re.escape(normalize(sample[position : slot.start()])))
            pieces.append(rf"(?P<{slot.group(1)}>[\w']+(?: [\w']+)*?)")
            position = slot.end()
        pieces.append(re.escape(normalize(sample[position:])))
        return re.compile(" ".join(piece for piece in pieces if piece))

    def _resolve(self, name: str, slot_type: str, spoken: str) -> SlotMatch:
        """A slot as Alexa fills it: a custom type's value with its id, a time as "21:00"."""
        if slot_type == TIME_SLOT_TYPE:
            value = resolve_time(spoken, self._language)
            return SlotMatch(name, spoken, value, value, slot_type)
        value_id, value_name = self._values[slot_type][spoken]
        return SlotMatch(name, spoken, value_id, value_name, slot_type)

    @staticmethod
    def _slot_values(types: list[dict]) -> dict[str, dict[str, tuple[str, str]]]:
        """For each custom type: every spoken form, mapped to its value's (id, name)."""
        table: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in types:
            forms = table.setdefault(slot_type["name"], {})
            for value in slot_type["values"]:
                name = value["name"]["value"]
                identity = (value.get("id") or name, name)
                for spoken in [name, *value["name"].get("synonyms", [])]:
                    forms[normalize(spoken)] = identity
        return table


def model_locales() -> list[str]:
    """The locales that have an interaction model of their own."""
    return sorted(path.stem for path in MODELS_DIR.glob("*.json"))


@functools.cache
def shared_understanding(locale: str, exact_only: bool = False) -> Understanding:
    """One Understanding per locale for the process: it never changes once built, and building
    it (every sample compiled, the generaliser indexed) takes a noticeable moment."""
    return Understanding(locale, exact_only=exact_only)


# --- AMAZON.TIME: a time of day, as Alexa resolves it ("nine p.m." -> "21:00") ---------------

TIME_SLOT_TYPE = "AMAZON.TIME"
_DIGITS = r"\d{1,2}"


@dataclass(frozen=True)
class TimeWords:
    """How one language says a time of day: the ``time`` words of its language file
    (console/language.en.yaml explains each), and the grammar they make (``pattern``)."""

    pattern: re.Pattern
    numbers: dict[str, int]
    hours: range
    named_hours: dict[str, int]
    leading_minutes: dict[str, int]
    leading_counts: dict[str, int]
    trailing_minutes: dict[str, int]
    trailing_counts: dict[str, int]
    periods: dict[str, int]
    parts: dict[str, str]


@functools.cache
def time_words(language: str) -> TimeWords:
    """A language's time words, read and made into its grammar once for the process."""
    words = language_words(language)["time"]
    units = {word: value for word, value in words["numbers"].items() if 1 <= value <= 9}
    numbers = {**words["numbers"], **words["tens"]}
    for joined, (ten, tens), (unit, value) in itertools.product(
        words["tens_and_units"], words["tens"].items(), units.items()
    ):
        numbers[joined.format(tens=ten, units=unit)] = tens + value
    number = f"(?:{_either(numbers)}|{_DIGITS})"
    hour = f"(?:{_either(words['named_hours'])}|{number})"
    pattern = (
        f"(?:{_either(words['articles'])} )?(?:"
        f"(?P<lead>{_either(words['leading_minutes'])}) (?P<led>{hour})"
        f"|(?P<count>{number}) (?P<way>{_either(words['leading_counts'])}) (?P<counted>{hour})"
        f"|(?P<hour>{hour})(?: {_either(words['hour_words'])})?(?: (?:"
        f"(?P<trail>{_either(words['trailing_minutes'])})"
        f"|(?P<trail_way>{_either(words['trailing_counts'])}) (?P<trail_count>{number})"
        f"|(?P<minutes>{number})))?"
        f")(?: (?P<period>{_either(words['periods'])}))?"
        f"|(?:{_either(words['part_leads'])} )?(?P<part>{_either(words['parts'])})"
    )
    least, most = words["hours"]
    return TimeWords(
        re.compile(pattern),
        numbers,
        range(least, most + 1),
        words["named_hours"],
        words["leading_minutes"],
        words["leading_counts"],
        words["trailing_minutes"],
        words["trailing_counts"],
        words["periods"],
        words["parts"],
    )


def resolve_time(spoken: str, language: str = "en") -> str | None:
    """An AMAZON.TIME value: "21:00" for "nine p m", "09:00" for a bare "nine" (as said, with
    no guess at morning or evening), "EV" for "in the evening"; None for what is no time."""
    words = time_words(language)
    said = words.pattern.fullmatch(spoken)
    if said is None:
        return None
    if said["part"]:
        return words.parts[said["part"]]
    hour = _hour(words, said["led"] or said["counted"] or said["hour"])
    minutes = _minutes(words, said)
    if hour is None or minutes is None:
        return None
    if minutes < 0:
        hour, minutes = 12 if hour == 1 else (hour - 1) % 24, 60 + minutes
    if said["period"]:
        hour = _in_period(hour, words.periods[said["period"]])
    return f"{hour:02d}:{minutes:02d}"


def _hour(words: TimeWords, said: str) -> int | None:
    if said in words.named_hours:
        return words.named_hours[said]
    hour = _number(words, said)
    return hour if hour in words.hours else None


def _minutes(words: TimeWords, said: re.Match) -> int | None:
    """The minutes said with the hour, counted from it: negative before it ("quarter to")."""
    if said["lead"]:
        return words.leading_minutes[said["lead"]]
    if said["trail"]:
        return words.trailing_minutes[said["trail"]]
    if said["count"]:
        way, count = words.leading_counts[said["way"]], said["count"]
    elif said["trail_way"]:
        way, count = words.trailing_counts[said["trail_way"]], said["trail_count"]
    elif said["minutes"]:
        way, count = 1, said["minutes"]
    else:
        return 0
    minutes = _number(words, count)
    return way * minutes if minutes <= 59 else None


def _number(words: TimeWords, said: str) -> int:
    return int(said) if said.isdigit() else words.numbers[said]


def _in_period(hour: int, first: int) -> int:
    """An hour of the clock's twelve (1 to 12) in the period whose twelve hours start at
    ``first``: 9 at 12 ("p m") is 21, 12 at 18 (Spanish "de la noche") is 0."""
    if not 1 <= hour <= 12:
        return hour
    return (first + (hour - first) % 12) % 24


def _either(phrases) -> str:
    """A regular expression for any one of the phrases, longest first; for none, one that
    matches nothing."""
    ordered = sorted(phrases, key=len, reverse=True)
    return f"(?:{'|'.join(map(re.escape, ordered))})" if ordered else "(?!)"
