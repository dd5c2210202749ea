"""Loads what the skill says from ``skill/content/<language>.yaml`` and hands it out by key.

The Lambda artifact carries ``<language>.json`` instead, made from the YAML at build time
(deploy/build_artifact.py): it parses faster on a cold start and needs no PyYAML on Lambda.
"""

import json
import os
from functools import cache
from typing import Any, NamedTuple

# os.path rather than pathlib: pathlib is a few milliseconds of every cold start on Lambda.
CONTENT_DIR = os.path.join(os.path.dirname(__file__), "content")
DEFAULT_LOCALE = "en-US"
DEFAULT_LANGUAGE = "en"


class ContentError(LookupError):
    """A key the code asks for is missing from the content file."""


class Step(NamedTuple):
    """One relief step: an instruction, and optionally a timed hold."""

    do: str
    hold: int = 0
    cue: str = ""
    release: str = ""


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
    """A red flag: how urgent it is (a key of ``urgency``), and why, in one short sentence."""

    level: str
    why: str


class Hold(NamedTuple):
    cue: str
    seconds: int
    release: str


class Stretch(NamedTuple):
    """One stretch of the daily routine: its name, one sentence on how, and its timed holds."""

    name: str
    do: str
    holds: tuple[Hold, ...]


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
        """Name of the step sequence for a BODY_PART slot id; unknown or missing means general."""
        return self.body_parts.get(body_part_id or "", "general")


def for_locale(locale: str | None) -> Content:
    """Content for a request's locale; a language we ship no file for gets English.

    The locale only picks one of ``languages()``: request data never becomes part of a path, and
    however many odd locales arrive, at most one Content per shipped language is ever cached.
    """
    language = locale.split("-")[0].lower() if isinstance(locale, str) else DEFAULT_LANGUAGE
    return load(language if language in languages() else DEFAULT_LANGUAGE)


@cache
def languages() -> frozenset[str]:
    """The languages we ship, one content file each: listed once per process, at first use."""
    names = (name.partition(".") for name in os.listdir(CONTENT_DIR))
    return frozenset(
        stem
        for stem, _, suffix in names
        if suffix in ("json", "yaml") and stem.isascii() and stem.isalpha() and stem.islower()
    )


@cache
def load(language: str = DEFAULT_LANGUAGE) -> Content:
    """Parse the content file for a language once per process: prebuilt JSON if there is one."""
    if language not in languages():
        raise ContentError(f"no content file for the language {language!r}")
    prebuilt = _content_file(language, ".json")
    if os.path.isfile(prebuilt):
        with open(prebuilt, encoding="utf-8") as stream:
            return Content(json.load(stream))
    import yaml  # only where the YAML source is read: never on Lambda

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(_content_file(language, ".yaml"), encoding="utf-8") as stream:
        return Content(yaml.load(stream, Loader=loader))


def _content_file(language: str, suffix: str) -> str:
    return os.path.join(CONTENT_DIR, f"{language}{suffix}")
