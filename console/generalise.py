"""The console's understanding of phrasings that are not samples, built from the samples alone.

Alexa's NLU learns from a model's samples and understands far more than them; the console's
exact matching (console/nlu.py) understands only them. This stands in for the rest:

1. Both what is typed and every sample are put in one plain form: contractions written out
   ("calf's" is "calf is"), filler words dropped, typed words that are not in the model's
   vocabulary corrected to the nearest one that is, and every mention of a slot value replaced
   by its type (``my <BODY_PART> is cramping``).
2. A plain form equal to a sample's is that sample's intent, its slots filled from the values
   found. A sample whose body-part slot is filled by words that are no body part of ours ("my
   hand is cramping") is the intent with an unknown value, as Alexa sends it, so the skill gives
   its own answer for that.
3. Anything else goes to the nearest sample by TF-IDF cosine over words, word beginnings and
   word pairs; below ``THRESHOLD`` it is AMAZON.FallbackIntent.
"""

import difflib
import functools
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

LANGUAGE_FILE = Path(__file__).parent / "language.{language}.yaml"


@functools.cache
def language_words(language: str) -> dict:
    """What console/language.<language>.yaml says of a language, read once; nothing for a
    language without a file."""
    path = Path(str(LANGUAGE_FILE).format(language=language))
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


# Below this cosine similarity to the nearest sample, a phrasing is not understood.
THRESHOLD = 0.4
# A sample of this many words or more, said whole among other words, is understood as its own.
CONTAINED_LEAST = 3
# Words longer than this also count by their first this many letters.
STEM_LETTERS = 5
# Slot types filled, as Alexa fills them, by words outside their values: only where the skill
# answers an unknown value itself. Elsewhere an open slot would turn off-topic talk into advice.
OPEN_SLOT_TYPES = frozenset({"BODY_PART"})
# Typed words this long or longer that are not in the model's vocabulary are corrected to the
# nearest word in it that is at least CORRECTION_CUTOFF similar (difflib's ratio). Shorter words
# are too easily turned into another word ("hand" is one letter from "handy").
SHORTEST_CORRECTED = 5
CORRECTION_CUTOFF = 0.8

_SLOT = re.compile(r"\{(\w+)\}")
_SLOT_PIECES = re.compile(r"(\{\w+\})")


@dataclass(frozen=True)
class Found:
    """A slot value found in a phrasing: what was said, its type, and its (id, name)."""

    spoken: str
    slot_type: str
    identity: tuple[str, str] | None


@dataclass(frozen=True)
class Understood:
    intent: str
    slots: dict[str, Found]
    confidence: float


def type_token(slot_type: str) -> str:
    return f"<{slot_type}>"


class PlainForm:
    """One language's contractions, elisions and filler words, applied alike to samples and to
    input."""

    def __init__(self, language: str):
        data = language_words(language)
        self._contractions = list((data.get("contractions") or {}).items())
        self._elisions = list((data.get("elisions") or {}).items())
        self._fillers = frozenset(data.get("filler_words") or ())
        self.negations = frozenset(data.get("negation_words") or ())
        self.corrects_typos = data.get("correct_typos", True)

    def words(self, text: str) -> list[str]:
        expanded = []
        for word in text.split():
            for short, long in self._elisions:
                if word.startswith(short) and len(word) > len(short):
                    word = f"{long} {word[len(short) :]}"
                    break
            for short, long in self._contractions:
                if word.endswith(short):
                    word = word[: len(word) - len(short)] + long
                    break
            expanded.extend(word.split())
        return [word for word in expanded if word not in self._fillers]


class Generaliser:
    """Understands normalized phrasings from one locale's intents (their samples normalized, with
    ``{slot}`` references kept), slot values and built-in phrasings."""

    def __init__(
        self,
        language: str,
        intents: list[dict],
        values: dict[str, dict[str, tuple[str, str]]],
        built_ins: dict[str, str],
        threshold: float = THRESHOLD,
    ):
        self._plain = PlainForm(language)
        self._threshold = threshold
        self._forms: dict[tuple[str, ...], Found] = {}
        for slot_type, forms in values.items():
            for spoken, identity in forms.items():
                key = tuple(self._plain.words(spoken))
                if key and key not in self._forms:
                    self._forms[key] = Found(spoken, slot_type, identity)
        self._longest_form = max(map(len, self._forms), default=0)
        self._vocabulary = {word for form in self._forms for word in form}
        self._slot_types: dict[str, dict[str, str]] = {}
        # Each sample as a regular expression, its intent, and whether its slots may be open.
        self._templates: list[tuple[re.Pattern, str, bool]] = []
        examples: list[tuple[str, list[str]]] = []
        for intent in intents:
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            self._slot_types[intent["name"]] = slot_types
            for sample in intent.get("samples", []):
                words = self._sample_words(sample)
                self._vocabulary.update(w for w in words if not _SLOT.fullmatch(w))
                examples.append((intent["name"], [self._token_of(w, slot_types) for w in words]))
                held_in_place = sum(not _SLOT.fullmatch(w) for w in words) >= 2
                self._templates.append((_template(words), intent["name"], held_in_place))
        self._built_ins: dict[str, str] = {}
        for phrase, intent in built_ins.items():
            words = self._plain.words(phrase)
            self._vocabulary.update(words)
            self._built_ins.setdefault(" ".join(words), intent)
            examples.append((intent, words))
        self._index = _TfIdf(examples, self._plain.negations)
        self._by_length = sorted(
            (
                (intent, " ".join(words))
                for intent, words in examples
                if len(words) >= CONTAINED_LEAST
            ),
            key=lambda example: -len(example[1].split()),
        )
        values_words = {word for form in self._forms for word in form}
        self._carrier_words = self._vocabulary - values_words

    def understand(self, text: str) -> Understood | None:
        """The intent and slots of a normalized phrasing, or None when nothing is near enough."""
        words = [self._corrected(word) for word in self._plain.words(text)]
        plain = " ".join(words)
        for may_open in (False, True):
            for pattern, intent, held_in_place in self._templates:
                matched = pattern.fullmatch(plain)
                if matched:
                    slots = self._slots(intent, matched.groupdict(), may_open and held_in_place)
                    if slots is not None:
                        return Understood(intent, slots, 1.0)
        if plain in self._built_ins:
            return Understood(self._built_ins[plain], {}, 1.0)
        tokens, found = self._tokens(words)
        intent = self._containing(tokens)
        if intent:
            return Understood(intent, self._fill(intent, found), 1.0)
        value_words = [word for word in words if word not in tokens]
        intent, score = self._index.nearest(tokens, value_words)
        if intent is None or score < self._threshold:
            return None
        return Understood(intent, self._fill(intent, found), score)

    def _containing(self, tokens: list[str]) -> str | None:
        """The intent of the longest sample said whole among other words ("ugh, my calf is
        cramping so bad"), if it has CONTAINED_LEAST words or more and agrees on negation."""
        said = f" {' '.join(tokens)} "
        negated = bool(self._plain.negations & set(tokens))
        for intent, sample in self._by_length:
            if f" {sample} " in said and negated == bool(
                self._plain.negations & set(sample.split())
            ):
                return intent
        return None

    def _sample_words(self, sample: str) -> list[str]:
        """A normalized sample in plain form, its ``{slot}`` references kept as words."""
        words: list[str] = []
        for piece in _SLOT_PIECES.split(sample):
            words.extend([piece] if _SLOT.fullmatch(piece) else self._plain.words(piece))
        return words

    def _slots(self, intent: str, captured: dict[str, str], may_open: bool):
        """The slots a template captured, each one of its type's values; or None when one is
        not. A slot of an open type, in a template held in place by two words or more, may
        also take one or two words that are not a value (an unknown value, as Alexa sends
        it) or that hold a value among other words; never another type's value, nor words the
        samples use around slots (the template is then the wrong one)."""
        slots = {}
        for name, spoken in captured.items():
            slot_type = self._slot_types[intent][name]
            words = spoken.split()
            value = self._forms.get(tuple(words))
            if value and value.slot_type == slot_type:
                slots[name] = value
                continue
            if not may_open or slot_type not in OPEN_SLOT_TYPES or len(words) > 2:
                return None
            tokens, found = self._tokens(words)
            known = next((value for value in found if value.slot_type == slot_type), None)
            if known:
                slots[name] = known
            elif found or any(word in self._carrier_words for word in tokens):
                return None
            else:
                slots[name] = Found(spoken, slot_type, None)
        return slots

    @staticmethod
    def _token_of(word: str, slot_types: dict[str, str]) -> str:
        slot = _SLOT.fullmatch(word)
        return type_token(slot_types[slot.group(1)]) if slot else word

    def _tokens(self, words: list[str]) -> tuple[list[str], list[Found]]:
        """The words with every slot value replaced by its type token, longest value first."""
        tokens: list[str] = []
        found: list[Found] = []
        position = 0
        while position < len(words):
            for length in range(min(self._longest_form, len(words) - position), 0, -1):
                value = self._forms.get(tuple(words[position : position + length]))
                if value:
                    tokens.append(type_token(value.slot_type))
                    found.append(value)
                    position += length
                    break
            else:
                tokens.append(words[position])
                position += 1
        return tokens, found

    def _corrected(self, word: str) -> str:
        """The vocabulary's nearest word to a typed one that is not in it."""
        if word in self._vocabulary or len(word) < SHORTEST_CORRECTED:
            return word
        if not self._plain.corrects_typos:
            return word
        nearest = difflib.get_close_matches(word, self._vocabulary, n=1, cutoff=CORRECTION_CUTOFF)
        return nearest[0] if nearest else word

    def _fill(self, intent: str, found: list[Found]) -> dict[str, Found]:
        slots: dict[str, Found] = {}
        for slot_name, slot_type in self._slot_types.get(intent, {}).items():
            value = next((f for f in found if f.slot_type == slot_type), None)
            if value:
                slots[slot_name] = value
        return slots


def _template(words: list[str]) -> re.Pattern:
    """A sample in plain form as a regular expression, each ``{slot}`` a named group of words."""
    pieces = []
    for word in words:
        slot = _SLOT.fullmatch(word)
        pieces.append(rf"(?P<{slot.group(1)}>\S+(?: \S+)*?)" if slot else re.escape(word))
    return re.compile(" ".join(pieces))


class _TfIdf:
    """Nearest sample by cosine similarity of TF-IDF vectors of words and word pairs, among the
    samples that agree with the phrasing on negation: "it's still hurting" is never nearest to
    "it's not hurting", however many words they share."""

    def __init__(self, examples: list[tuple[str, list[str]]], negations: frozenset[str]):
        self._negations = negations
        counted = [(intent, Counter(_features(words))) for intent, words in examples]
        documents = Counter(feature for _, features in counted for feature in features)
        self._idf = {
            feature: math.log((1 + len(counted)) / (1 + count)) + 1
            for feature, count in documents.items()
        }
        # A feature no example has weighs as much as the rarest: it makes a phrasing less near.
        self._unseen = math.log(1 + len(counted)) + 1
        self._examples = [(intent, self._vector(features)) for intent, features in counted]
        self._negated = [bool(negations & set(words)) for _, words in examples]
        self._postings: dict[str, list[int]] = defaultdict(list)
        for number, (_, vector) in enumerate(self._examples):
            for feature in vector:
                self._postings[feature].append(number)

    def nearest(self, tokens: list[str], value_words: list[str]) -> tuple[str | None, float]:
        """The intent of the example nearest to a phrasing (its slot values as type tokens, and
        the words of those values on their own), and their cosine similarity."""
        query = self._vector(Counter(set(_features(tokens)) | set(value_words)))
        negated = bool(self._negations & set(tokens))
        scores: Counter = Counter()
        for feature, weight in query.items():
            for number in self._postings.get(feature, ()):
                if self._negated[number] == negated:
                    scores[number] += weight * self._examples[number][1][feature]
        if not scores:
            return None, 0.0
        number, score = scores.most_common(1)[0]
        return self._examples[number][0], score

    def _vector(self, features: Counter) -> dict[str, float]:
        weights = {f: count * self._idf.get(f, self._unseen) for f, count in features.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {feature: weight / norm for feature, weight in weights.items() if weight}


def _features(words) -> list[str]:
    """Words, their first letters (so "cramped" meets "cramping"), and pairs of words, the
    first and last paired with the phrasing's start and end."""
    stems = [f"{w[:STEM_LETTERS]}~" for w in words if len(w) > STEM_LETTERS and w[0] != "<"]
    pairs = itertools.pairwise(["^", *words, "$"])
    return [*words, *stems, *(f"{a} {b}" for a, b in pairs)]
