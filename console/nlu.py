"""A small stand-in for Alexa's language understanding, for the text console and the tests.

It reads the same interaction model Alexa gets: an utterance matches an intent exactly when it
matches one of that intent's samples, with ``{slot}`` standing for any value or synonym of the
slot's type. Slot values resolve to their ids the way Alexa's entity resolution reports them.
Built-in intents match their common phrasings. What matches nothing exactly goes to the
generalised understanding built from the same samples (console/generalise.py), unless
``exact_only`` is asked for; what that does not understand either is AMAZON.FallbackIntent.
Of Alexa's built-in slot types, AMAZON.TIME is understood, as far as the reminders need it.
"""

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from console.generalise import THRESHOLD, Generaliser

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
            language = locale.split("-")[0]
            self._generaliser = Generaliser(
                language, intents, self._values, self._builtins, threshold
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
            return re.fullmatch(TIME_PATTERN, spoken) is not None
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
            value = resolve_time(spoken)
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


@functools.cache
def shared_understanding(locale: str, exact_only: bool = False) -> Understanding:
    """One Understanding per locale for the process: it never changes once built, and building
    it (every sample compiled, the generaliser indexed) takes a noticeable moment."""
    return Understanding(locale, exact_only=exact_only)


# --- AMAZON.TIME: a time of day, as Alexa resolves it ("nine p.m." -> "21:00") ---------------

TIME_SLOT_TYPE = "AMAZON.TIME"
_NUMBERS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_ONES = "(?:one|two|three|four|five|six|seven|eight|nine)"
_HOUR = "(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|1[0-2]|0?[1-9])"
_MINUTES = (
    f"(?:o'clock|oh {_ONES}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen"
    f"|eighteen|nineteen|(?:twenty|thirty|forty|fifty)(?: {_ONES})?|[0-5][0-9])"
)
_BEFORE_NOON = ("a m", "am", "in the morning")
_AFTER_NOON = ("p m", "pm", "in the afternoon", "in the evening", "at night", "tonight")
_PERIOD = f"(?:{'|'.join(_BEFORE_NOON + _AFTER_NOON)})"
# A part of the day alone: Alexa gives MO, AF, EV or NI rather than a time.
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_PART = f"(?:in the |at |the )?(?:{'|'.join(_PARTS)})"
TIME_PATTERN = (
    f"(?:{_HOUR}(?: {_MINUTES})?(?: {_PERIOD})?"
    f"|(?:half past|quarter past|quarter to) {_HOUR}(?: {_PERIOD})?"
    f"|noon|midday|midnight|{_PART})"
)


def resolve_time(spoken: str) -> str:
    """An AMAZON.TIME value: "21:00" for "nine p m", "09:00" for a bare "nine" (as said, with
    no guess at morning or evening), "EV" for "in the evening"."""
    if spoken in ("noon", "midday"):
        return "12:00"
    if spoken == "midnight":
        return "00:00"
    if re.fullmatch(_PART, spoken):
        return _PARTS[spoken.split()[-1]]
    period = next((p for p in _BEFORE_NOON + _AFTER_NOON if spoken.endswith(" " + p)), "")
    said = spoken.removesuffix(" " + period) if period else spoken
    minute = 0
    for lead, minutes in (("half past ", 30), ("quarter past ", 15), ("quarter to ", -15)):
        if said.startswith(lead):
            said, minute = said.removeprefix(lead), minutes
    hour_words, _, minute_words = said.partition(" ")
    hour = _number(hour_words)
    if minute < 0:
        hour, minute = hour - 1 or 12, 60 + minute
    elif minute_words and minute_words != "o'clock":
        minute = _number(minute_words.removeprefix("oh "))
    if period in _AFTER_NOON:
        hour = hour % 12 + 12
    elif period in _BEFORE_NOON:
        hour %= 12
    return f"{hour:02d}:{minute:02d}"


def _number(words: str) -> int:
    if words.isdigit():
        return int(words)
    tens, _, ones = words.partition(" ")
    if tens in _TENS:
        return _TENS[tens] + (_NUMBERS.index(ones) if ones else 0)
    return _NUMBERS.index(words)
