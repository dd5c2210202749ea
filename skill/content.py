"""Loads what the skill says from ``skill/content/<language>.yaml``, with a small overlay per
locale (``<language>-<REGION>.yaml``: the emergency number, words and spellings of that country),
and hands it out by key.

The Lambda artifact carries each locale and language as one ``.json`` instead, composed from the
YAML at build time (deploy/build_artifact.py): it parses faster on a cold start and needs no
PyYAML on Lambda.
"""

import json
import os
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

# os.path rather than pathlib: pathlib is a few milliseconds of every cold start on Lambda.
CONTENT_DIR = os.path.join(os.path.dirname(__file__), "content")
DEFAULT_LOCALE = "en-US"
DEFAULT_LANGUAGE = "en"


class ContentError(LookupError):
    """A key the code asks for is missing from the content file."""


class Step(NamedTuple):
    """One relief step: an instruction, and optionally a timed hold.

    ``pose`` names the drawing of the step for a screen (empty: nothing to draw).
    """

    do: str
    hold: int = 0
    cue: str = ""
    release: str = ""
    pose: str = ""


class WhichSide(NamedTuple):
    """A body part whose front and back need opposite stretches: the question, and the sequence
    for each answer."""

    ask: str
    front: str
    back: str


class Sequence(NamedTuple):
    area: str
    steps: tuple[Step, ...]


class Page(NamedTuple):
    """One turn of longer advice: a short heading sentence and at most three points.

    ``title`` heads the points on the card; ``topic`` is the PREVENTION_TOPIC slot id the page
    answers, if any.
    """

    title: str
    intro: str
    items: tuple[str, ...]
    topic: str = ""


class AdviceList(NamedTuple):
    """Longer advice read a page at a time; ``closing`` follows the last page."""

    title: str
    pages: tuple[Page, ...]
    closing: str

    def page_for_topic(self, topic_id: str | None) -> int:
        """Index of the page for a slot id; no topic, or one we do not know, means the first."""
        for index, page in enumerate(self.pages):
            if topic_id and page.topic == topic_id:
                return index
        return 0


class Sign(NamedTuple):
    """A red flag: how urgent it is (a key of ``urgency``), and why, in one short sentence.

    ``mid_cramp``, if any, is said instead of ``why`` during the relief steps.
    """

    level: str
    why: str
    mid_cramp: str = ""


class Hold(NamedTuple):
    cue: str
    seconds: int
    release: str


class Stretch(NamedTuple):
    """One stretch of the daily routine: its name, one sentence on how, and its timed holds.

    ``pose`` names its drawing on a screen (skill/screens/drawings/<pose>.json).
    """

    name: str
    do: str
    holds: tuple[Hold, ...]
    pose: str = ""


class Routine(NamedTuple):
    title: str
    intro: str
    finish: str
    card_note: str
    stretches: tuple[Stretch, ...]


def _advice_list(data: dict[str, Any]) -> AdviceList:
    pages = tuple(
        Page(
            title=page["title"],
            intro=page["intro"],
            items=tuple(page["items"]),
            topic=page.get("topic", ""),
        )
        for page in data["pages"]
    )
    return AdviceList(title=data["title"], pages=pages, closing=data["closing"])


class Content:
    """Everything the skill says in one language."""

    def __init__(self, data: dict[str, Any]):
        self._data = data
        relief = data["relief"]
        self.count_words: dict[int, str] = {int(k): v for k, v in relief["count_words"].items()}
        self.body_parts: dict[str, str] = dict(relief["body_parts"])
        self.which_side: dict[str, WhichSide] = {
            name: WhichSide(**sides) for name, sides in relief["which_side"].items()
        }
        self.sequences: dict[str, Sequence] = {
            name: Sequence(area=seq["area"], steps=tuple(Step(**step) for step in seq["steps"]))
            for name, seq in relief["sequences"].items()
        }
        self.persists: tuple[Step, ...] = tuple(Step(**step) for step in relief["persists"])
        advice = data["advice"]
        self.prevention = _advice_list(advice["prevention"])
        self.causes = _advice_list(advice["causes"])
        red_flags = advice["red_flags"]
        self.red_flags = _advice_list(red_flags)
        self.urgency: dict[str, str] = dict(red_flags["urgency"])
        self.signs: dict[str, Sign] = {
            key: Sign(**sign) for key, sign in red_flags["signs"].items()
        }
        self.symptoms: dict[str, str] = dict(red_flags["symptoms"])
        routine = advice["routine"]
        self.routine = Routine(
            title=routine["title"],
            intro=routine["intro"],
            finish=routine["finish"],
            card_note=routine["card_note"],
            stretches=tuple(
                Stretch(
                    name=stretch["name"],
                    do=stretch["do"],
                    holds=tuple(Hold(**hold) for hold in stretch["holds"]),
                    pose=stretch.get("pose", ""),
                )
                for stretch in routine["stretches"]
            ),
        )
        self.tips: tuple[str, ...] = tuple(advice["tips"])

    def phrase(self, key: str, **fields: str) -> str:
        """The phrase stored under ``phrases.<key>``, with any ``{field}`` filled in."""
        try:
            text = self._data["phrases"][key]
        except KeyError:
            raise ContentError(f"no phrase {key!r} in the content file") from None
        return text.format(**fields) if fields else text

    def relief_text(self, key: str, **fields: str) -> str:
        """A relief-section string such as ``card_title``, with any ``{field}`` filled in."""
        try:
            text = self._data["relief"][key]
        except KeyError:
            raise ContentError(f"no relief text {key!r} in the content file") from None
        return text.format(**fields)

    def advice_text(self, key: str) -> str:
        """A line stored under ``advice.phrases.<key>``: the prompts of the longer advice."""
        try:
            return self._data["advice"]["phrases"][key]
        except KeyError:
            raise ContentError(f"no advice phrase {key!r} in the content file") from None

    def screen_text(self, key: str) -> str:
        """Words only a screen shows, stored under ``screens.<key>``: a button's label, say."""
        try:
            return self._data["screens"][key]
        except KeyError:
            raise ContentError(f"no screen text {key!r} in the content file") from None

    def reminder_text(self, key: str, **fields: str) -> str:
        """A line stored under ``reminders.<key>``, with any ``{field}`` filled in."""
        try:
            text = self._data["reminders"][key]
        except KeyError:
            raise ContentError(f"no reminder text {key!r} in the content file") from None
        return text.format(**fields) if fields else text

    def reminder_words(self, key: str) -> Any:
        """A group of words stored under ``reminders.<key>``: the reminder's own text, the clock."""
        try:
            return self._data["reminders"][key]
        except KeyError:
            raise ContentError(f"no reminder words {key!r} in the content file") from None

    def sign_for(self, symptom_id: str | None) -> Sign | None:
        """The red flag a SYMPTOM slot id stands for; None when unfilled or unknown."""
        sign = self.symptoms.get(symptom_id or "")
        return self.signs[sign] if sign else None

    def sequence_for(self, body_part_id: str | None) -> str:
        """Name of the step sequence for a BODY_PART slot id; unknown or missing means general.

        The name may be one of ``which_side`` instead: then the person is asked front or back.
        """
        return self.body_parts.get(body_part_id or "", "general")


def for_locale(locale: str | None) -> Content:
    """Content for a request's locale: its own overlay if we ship one, else its language's file.

    A locale never falls back to another language, only to its own; a language we ship nothing
    for at all gets English, the one answer that still gives relief. The locale only picks one
    of ``shipped()``: request data never becomes part of a path, and however many odd locales
    arrive, at most one Content per shipped file is ever cached.
    """
    if not isinstance(locale, str):
        locale = DEFAULT_LOCALE
    language, _, region = locale.partition("-")
    exact = f"{language.lower()}-{region.upper()}"
    for name in (exact, language.lower()):
        if name in shipped():
            return load(name)
    return load(DEFAULT_LANGUAGE)


@cache
def shipped() -> frozenset[str]:
    """What we ship, listed once per process at first use: languages (``en``), one content file
    each, and locale overlays (``en-GB``) that hold only what differs in that country."""
    stems = (name.partition(".") for name in os.listdir(CONTENT_DIR))
    return frozenset(
        stem for stem, _, suffix in stems if suffix in ("json", "yaml") and _is_content_name(stem)
    )


def _is_content_name(stem: str) -> bool:
    language, dash, region = stem.partition("-")
    if not (language.isascii() and language.isalpha() and language.islower()):
        return False
    return not dash or (region.isascii() and region.isalpha() and region.isupper())


@cache
def load(name: str = DEFAULT_LANGUAGE) -> Content:
    """Content for a language (``en``) or a shipped locale (``en-GB``), parsed once per process.

    The Lambda artifact carries each one prebuilt as JSON, overlay and facts already applied.
    """
    if name not in shipped():
        raise ContentError(f"no content file for {name!r}")
    prebuilt = _content_file(name, ".json")
    if os.path.isfile(prebuilt):
        with open(prebuilt, encoding="utf-8") as stream:
            return Content(json.load(stream))
    return Content(composed(name, read_source))


def composed(name: str, read: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """The whole content of a language or locale, from ``read(stem)`` of the files it is made of.

    A locale's overlay is laid over its language's file (mappings merge, anything else is
    replaced), then each ``{fact}`` named under ``facts`` (the emergency number, as people in
    that country say it) is written into every string.
    """
    language = name.partition("-")[0]
    data = read(language)
    if name != language:
        data = _overlaid(data, read(name))
    facts = {f"{{{key}}}": str(value) for key, value in data.get("facts", {}).items()}
    return _with_facts(data, facts)


def _overlaid(base: Any, overlay: Any) -> Any:
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = dict(base)
        for key, value in overlay.items():
            merged[key] = _overlaid(base.get(key), value)
        return merged
    return overlay


def _with_facts(value: Any, facts: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, fact in facts.items():
            value = value.replace(placeholder, fact)
        return value
    if isinstance(value, dict):
        return {key: _with_facts(item, facts) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_facts(item, facts) for item in value]
    return value


def read_source(stem: str) -> dict[str, Any]:
    """One YAML file of ``skill/content/`` as it is written, before overlays and facts."""
    import yaml  # only where the YAML source is read: never on Lambda

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(_content_file(stem, ".yaml"), encoding="utf-8") as stream:
        return yaml.load(stream, Loader=loader)


def _content_file(name: str, suffix: str) -> str:
    return os.path.join(CONTENT_DIR, f"{name}{suffix}")
