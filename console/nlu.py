"""A small stand-in for Alexa's language understanding, for the text console and the tests.

It reads the same interaction model Alexa gets: an utterance matches an intent when it matches
one of that intent's samples, with ``{slot}`` standing for any value or synonym of the slot's
type. Slot values resolve to their ids the way Alexa's entity resolution reports them. Built-in
intents match their common phrasings; anything else is AMAZON.FallbackIntent.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "interaction_model" / "interactionModels" / "custom"
BUILTIN_UTTERANCES = Path(__file__).parent / "builtin_utterances.{locale}.yaml"
FALLBACK_INTENT = "AMAZON.FallbackIntent"

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


def normalize(utterance: str) -> str:
    """Lowercase, curly apostrophes made straight, punctuation dropped, spaces collapsed."""
    text = utterance.lower().replace("\u2019", "'")
    return " ".join(_NOT_SPOKEN.sub(" ", text).split())


def built_in_utterances(locale: str) -> dict[str, list[str]]:
    """Common phrasings of Alexa's built-in intents, by intent name."""
    path = Path(str(BUILTIN_UTTERANCES).format(locale=locale))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Understanding:
    """Matches utterances against one locale's interaction model."""

    def __init__(self, locale: str = "en-US"):
        model = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
        language_model = model["interactionModel"]["languageModel"]
        self.invocation_name: str = language_model["invocationName"]
        self._values = self._slot_values(language_model.get("types", []))
        self._patterns: list[tuple[re.Pattern, str, dict[str, str], tuple[str, ...]]] = []
        for intent in language_model["intents"]:
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for sample in intent.get("samples", []):
                pattern = self._compile(sample, slot_types)
                self._patterns.append((pattern, intent["name"], slot_types, tuple(slot_types)))
        self._builtins = {
            normalize(phrase): intent
            for intent, phrases in built_in_utterances(locale).items()
            for phrase in phrases
        }

    def understand(self, utterance: str) -> Match:
        text = normalize(utterance)
        for pattern, intent, slot_types, declared in self._patterns:
            found = pattern.fullmatch(text)
            if found:
                slots = {
                    name: self._resolve(name, slot_types[name], spoken)
                    for name, spoken in found.groupdict().items()
                }
                return Match(intent, slots, declared)
        return Match(self._builtins.get(text, FALLBACK_INTENT))

    def _compile(self, sample: str, slot_types: dict[str, str]) -> re.Pattern:
        pieces = []
        position = 0
        for slot in _SLOT.finditer(sample):
            pieces.append(re.escape(normalize(sample[position : slot.start()])))
            name = slot.group(1)
            spoken = sorted(self._values.get(slot_types[name], {}), key=len, reverse=True)
            pieces.append(f"(?P<{name}>{'|'.join(map(re.escape, spoken))})")
            position = slot.end()
        pieces.append(re.escape(normalize(sample[position:])))
        return re.compile(" ".join(piece for piece in pieces if piece))

    def _resolve(self, name: str, slot_type: str, spoken: str) -> SlotMatch:
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
