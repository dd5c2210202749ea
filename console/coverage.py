"""How much of a corpus of real phrasings the console understands, intent by intent.

    python -m console.coverage                    # en-US, the console as it runs
    python -m console.coverage --exact-only       # only what matches the model's samples exactly
    python -m console.coverage --misses           # and every phrasing it gets wrong
    python -m console.coverage --folds 5          # choose the generaliser's threshold

A corpus (``tests/data/phrasings.<locale>.tsv``) is held out: written apart from the model's
samples, it is never training data, and nothing is tuned on it. A phrasing counts as understood
when the intent and every slot come out as the corpus says: the value's id, or ``?`` for a value
the model must not know.

The generaliser's threshold is chosen with ``--folds`` instead: the model's own samples split in
folds, each understood by a console built without it, beside the off-topic lines of
``tests/data/off_topic.<locale>.txt``, which should be rejected (fallback, or a value that is
not ours), at each threshold.
"""

import argparse
import copy
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from console.generalise import THRESHOLD
from console.nlu import (
    FALLBACK_INTENT,
    MODELS_DIR,
    TIME_SLOT_TYPE,
    UNKNOWN_VALUE,
    Match,
    Understanding,
    model_locales,
    normalize,
    time_words,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tests" / "data"


@dataclass(frozen=True)
class Phrasing:
    utterance: str
    intent: str
    slots: dict[str, str]


def corpus_path(locale: str) -> Path:
    return CORPUS_DIR / f"phrasings.{locale}.tsv"


def corpus_locales() -> list[str]:
    return sorted(path.name.split(".")[1] for path in CORPUS_DIR.glob("phrasings.*.tsv"))


def off_topic(locale: str) -> list[str]:
    """Things said near an Echo that are not for this skill, one a line; # lines are notes."""
    text = (CORPUS_DIR / f"off_topic.{locale}.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def read_corpus(path: Path) -> list[Phrasing]:
    """The phrasings of one corpus file: tab-separated, a header line, # lines are notes."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    header, *rows = rows
    assert header == ["utterance", "intent", "slots"], f"{path.name}: header is {header}"
    phrasings = []
    for row in rows:
        assert len(row) == 3, f"{path.name}: not three columns: {row}"
        utterance, intent, slots = row
        phrasings.append(Phrasing(utterance, intent, parse_slots(slots)))
    return phrasings


def parse_slots(text: str) -> dict[str, str]:
    """``bodyPart=CALF,topic=FOOD`` as a dict."""
    return dict(pair.split("=", 1) for pair in text.split(",") if pair)


def rejected(match: Match) -> bool:
    """Not taken for anything the skill does: fallback, or a slot value that is not ours."""
    return match.intent == FALLBACK_INTENT or any(s.value_id is None for s in match.slots.values())


def understood(match: Match, phrasing: Phrasing) -> bool:
    found = parse_slots(match.resolved())
    if match.intent != phrasing.intent or found.keys() != phrasing.slots.keys():
        return False
    return all(
        found[name].startswith(UNKNOWN_VALUE) if value == UNKNOWN_VALUE else found[name] == value
        for name, value in phrasing.slots.items()
    )


@dataclass
class Report:
    total: Counter
    hits: Counter
    misses: list[tuple[Phrasing, Match]]

    @property
    def coverage(self) -> float:
        return sum(self.hits.values()) / max(sum(self.total.values()), 1)

    def table(self) -> str:
        width = max(map(len, self.total), default=0)
        rows = [*sorted(self.total.items()), ("all", sum(self.total.values()))]
        lines = []
        for intent, count in rows:
            hits = sum(self.hits.values()) if intent == "all" else self.hits[intent]
            lines.append(f"{intent:<{width}}  {hits:>3} / {count:<3}  {hits / count:6.1%}")
        return "\n".join(lines)


def measure(understand, phrasings: list[Phrasing]) -> Report:
    report = Report(Counter(), Counter(), [])
    for phrasing in phrasings:
        match = understand(phrasing.utterance)
        report.total[phrasing.intent] += 1
        if understood(match, phrasing):
            report.hits[phrasing.intent] += 1
        else:
            report.misses.append((phrasing, match))
    return report


def held_out_samples(language_model: dict, folds: int, a_time: str, seed: int = 0):
    """For each fold: the model without a share of its samples, and those samples as said,
    each with its intent (a time of day said as ``a_time``)."""
    places = [
        (i, j)
        for i, intent in enumerate(language_model["intents"])
        for j in range(len(intent.get("samples", [])))
    ]
    random.Random(seed).shuffle(places)
    for fold in range(folds):
        held = set(places[fold::folds])
        model = copy.deepcopy(language_model)
        said = []
        for i, intent in enumerate(model["intents"]):
            if "samples" not in intent:
                continue
            said += [
                (as_said(sample, intent, model, j, a_time), intent["name"])
                for j, sample in enumerate(intent["samples"])
                if (i, j) in held
            ]
            intent["samples"] = [s for j, s in enumerate(intent["samples"]) if (i, j) not in held]
        yield model, said


def as_said(sample: str, intent: dict, language_model: dict, choice: int, a_time: str) -> str:
    """A sample with each ``{slot}`` filled by one of its type's values (which one by choice),
    and a time slot (AMAZON.TIME) by ``a_time``."""
    types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    values = {t["name"]: t["values"] for t in language_model.get("types", [])}

    def value(slot: re.Match) -> str:
        if types[slot.group(1)] == TIME_SLOT_TYPE:
            return a_time
        listed = values[types[slot.group(1)]]
        return listed[choice % len(listed)]["name"]["value"]

    return normalize(re.sub(r"\{(\w+)\}", value, sample))


def cross_validate(locale: str, folds: int, thresholds: list[float]) -> str:
    """Per threshold: held-out samples understood as their intent, off-topic lines rejected."""
    model = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    noise = off_topic(locale)
    scores = {threshold: Counter() for threshold in thresholds}
    numbers = time_words(locale.partition("-")[0]).numbers
    nine = next(word for word, value in numbers.items() if value == 9)
    whole = model["interactionModel"]["languageModel"]
    for language_model, said in held_out_samples(whole, folds, nine):
        for threshold in thresholds:
            understand = Understanding(
                locale, language_model=language_model, threshold=threshold
            ).understand
            score = scores[threshold]
            score["samples"] += len(said)
            score["understood"] += sum(understand(u).intent == intent for u, intent in said)
            score["off topic"] += len(noise)
            score["rejected"] += sum(rejected(understand(u)) for u in noise)
    return "\n".join(
        f"threshold {threshold:.2f}: held-out samples understood"
        f" {s['understood'] / s['samples']:6.1%}, off-topic lines rejected"
        f" {s['rejected'] / s['off topic']:6.1%}"
        for threshold, s in scores.items()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console.coverage", description=__doc__)
    parser.add_argument("--locale", default="en-US", choices=model_locales())
    parser.add_argument("--corpus", type=Path, help="default: tests/data/phrasings.<locale>.tsv")
    parser.add_argument("--exact-only", action="store_true", help="the model's samples alone")
    parser.add_argument("--misses", action="store_true", help="list what was not understood")
    parser.add_argument("--folds", type=int, help="cross-validate the threshold on the samples")
    parser.add_argument(
        "--thresholds", default=f"0.3,0.35,{THRESHOLD},0.45,0.5", help="for --folds"
    )
    args = parser.parse_args(argv)
    if args.folds:
        thresholds = [float(t) for t in args.thresholds.split(",")]
        print(cross_validate(args.locale, args.folds, thresholds))
        return 0
    understanding = Understanding(args.locale, exact_only=args.exact_only)
    report = measure(understanding.understand, read_corpus(args.corpus or corpus_path(args.locale)))
    print(report.table())
    if args.misses:
        for phrasing, match in report.misses:
            print(f"{phrasing.utterance}\t{phrasing.intent}\t-> {match.intent}\t{match.resolved()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
