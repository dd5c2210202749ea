"""Loads what the skill says from ``skill/content/<language>.yaml`` and hands it out by key.

The Lambda artifact carries ``<language>.json`` instead, made from the YAML at build time
(deploy/build_artifact.py): it parses faster on a cold start and needs no PyYAML on Lambda.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CONTENT_DIR = Path(__file__).parent / "content"
DEFAULT_LOCALE = "en-US"


class ContentError(LookupError):
    """A key the code asks for is missing from the content file."""


@dataclass(frozen=True)
class Step:
    """One relief step: an instruction, and optionally a timed hold."""

    do: str
    hold: int = 0
    cue: str = ""
    release: str = ""


@dataclass(frozen=True)
class Sequence:
    area: str
    steps: tuple[Step, ...]


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

    def sequence_for(self, body_part_id: str | None) -> str:
        """Name of the step sequence for a BODY_PART slot id; unknown or missing means general."""
        return self.body_parts.get(body_part_id or "", "general")

    @property
    def phrase_keys(self) -> frozenset[str]:
        return frozenset(self._data["phrases"])


def for_locale(locale: str | None) -> Content:
    """Content for a request's locale; a language we have no file for gets English."""
    language = (locale or DEFAULT_LOCALE).split("-")[0].lower()
    if not any((CONTENT_DIR / f"{language}{suffix}").is_file() for suffix in (".json", ".yaml")):
        language = "en"
    return load(language)


@cache
def load(language: str = "en") -> Content:
    """Parse the content file for a language once per process: prebuilt JSON if there is one."""
    prebuilt = CONTENT_DIR / f"{language}.json"
    if prebuilt.is_file():
        with prebuilt.open(encoding="utf-8") as stream:
            return Content(json.load(stream))
    import yaml  # only where the YAML source is read: never on Lambda

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (CONTENT_DIR / f"{language}.yaml").open(encoding="utf-8") as stream:
        return Content(yaml.load(stream, Loader=loader))
