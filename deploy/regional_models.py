"""Writes each regional English model (en-GB, en-CA, en-AU, en-IN) from en-US's and that region's
differences, so a sample shared by every English model lives in one file only.

``interaction_model/regional/<locale>.yaml`` holds what people in that country say differently:
samples added to and removed from an intent, synonyms added to and removed from a slot value,
and the phrases of name-free ingress points that replace en-US's. ``make models`` writes
``interaction_model/interactionModels/custom/<locale>.json``; ``--check`` only reports the files
that are out of date (tests/test_regional_models.py runs it).

Usage: python -m deploy.regional_models [--check]
"""

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "interaction_model"
MODELS_DIR = PACKAGE / "interactionModels" / "custom"
REGIONAL_DIR = PACKAGE / "regional"
BASE_LOCALE = "en-US"
SECTIONS = {"samples_added", "samples_removed", "synonyms_added", "synonyms_removed", "ingress"}


class RegionalError(ValueError):
    """A regional file names something en-US does not have, or adds what it already has."""


def regional_locales() -> list[str]:
    return sorted(path.stem for path in REGIONAL_DIR.glob("*.yaml"))


def read_regional(locale: str) -> dict[str, Any]:
    with open(REGIONAL_DIR / f"{locale}.yaml", encoding="utf-8") as stream:
        return yaml.safe_load(stream) or {}


def read_model(locale: str) -> dict[str, Any]:
    return json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))


def model_text(model: dict[str, Any]) -> str:
    """A model file as every model file of the package is written."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def regional_model(base: dict[str, Any], regional: dict[str, Any]) -> dict[str, Any]:
    """``base`` (en-US's model file) with one region's differences applied; ``base`` is kept."""
    unknown = set(regional) - SECTIONS
    if unknown:
        raise RegionalError(f"unknown sections {sorted(unknown)}")
    model = copy.deepcopy(base)
    language = model["interactionModel"]["languageModel"]
    intents = {intent["name"]: intent for intent in language["intents"]}
    for name, samples in regional.get("samples_removed", {}).items():
        _remove(_named(intents, name, "intent").setdefault("samples", []), samples, name)
    for name, samples in regional.get("samples_added", {}).items():
        _add(_named(intents, name, "intent").setdefault("samples", []), samples, name)
    types = {slot_type["name"]: slot_type for slot_type in language.get("types", [])}
    for change, apply in (("synonyms_removed", _remove), ("synonyms_added", _add)):
        for type_name, values in regional.get(change, {}).items():
            slot_values = _named(types, type_name, "slot type")["values"]
            by_id = {value["id"]: value for value in slot_values}
            for value_id, synonyms in values.items():
                name = _named(by_id, value_id, f"{type_name} value")["name"]
                apply(name.setdefault("synonyms", []), synonyms, f"{type_name}.{value_id}")
    points = model["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]
    by_point = {point.get("name", point["type"]): point for point in points}
    for name, phrases in regional.get("ingress", {}).items():
        _named(by_point, name, "ingress point")["sampleUtterances"] = [
            {"format": "RAW_TEXT", "value": phrase} for phrase in phrases
        ]
    return model


def _named(things: dict[str, Any], name: str, kind: str) -> Any:
    if name not in things:
        raise RegionalError(f"en-US has no {kind} {name!r}")
    return things[name]


def _remove(items: list[str], unwanted: list[str], where: str) -> None:
    _check_list(unwanted, where)
    missing = [item for item in unwanted if item not in items]
    if missing:
        raise RegionalError(f"{where} has none of {missing} to remove")
    items[:] = [item for item in items if item not in unwanted]


def _add(items: list[str], wanted: list[str], where: str) -> None:
    _check_list(wanted, where)
    have = {item.casefold() for item in items}
    present = [item for item in wanted if item.casefold() in have]
    if present or len({item.casefold() for item in wanted}) != len(wanted):
        raise RegionalError(f"{where} already has {present or wanted}")
    items.extend(wanted)


def _check_list(items: Any, where: str) -> None:
    if not (items and isinstance(items, list) and all(isinstance(item, str) for item in items)):
        raise RegionalError(f"{where} needs a list of phrases")


def written(locale: str) -> str:
    """The text ``<locale>.json`` should hold."""
    return model_text(regional_model(read_model(BASE_LOCALE), read_regional(locale)))


def out_of_date() -> list[str]:
    return [
        locale
        for locale in regional_locales()
        if not (MODELS_DIR / f"{locale}.json").is_file()
        or (MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8") != written(locale)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_date()
        for locale in stale:
            print(f"{locale}.json is out of date: run make models", file=sys.stderr)
        return 1 if stale else 0
    for locale in regional_locales():
        (MODELS_DIR / f"{locale}.json").write_text(written(locale), encoding="utf-8")
        print(f"wrote {locale}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
