"""`make bench`: how fast the built Lambda artifact starts and answers, beside a hello-world skill.

    python bench/run.py ARTIFACT --python PYTHON3.13 [--cold-runs 21] [--requests 2000]
        [--compare OTHER_ARTIFACT]

Cold start: a fresh Python 3.13 process (-P -S -B: no site-packages, nothing written) with only the
artifact on its path imports what the Lambda runtime imports before the handler (json, logging and
a few more), then the Lambda entry, and answers one request; the median of the runs,
in the process (import and answer) and for the whole process (interpreter start included). The
hello-world skill (bench/hello_world.py) runs the same way on the artifact's own dependencies,
interleaved run by run; with --compare, so does another build of the skill (an earlier commit's,
say), to tell a change's effect from the load of the machine.

Warm: one process per skill answers each kind of request again and again; p50 and p99 of each,
Alexa's CanFulfillIntentRequest for a cramp among them. No store is configured (no TABLE_NAME):
that is the relief path's own cost.

A benchmark, not a test: numbers vary with the machine; nothing here passes or fails.
"""

import argparse
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console import envelopes  # noqa: E402  (the repository is put on the path first)
from console.nlu import Match  # noqa: E402
from console.repl import Device  # noqa: E402

# What the Lambda runtime's bootstrap (awslambdaric) has imported before it imports the handler.
RUNTIME = "import importlib, json, logging, os, sys, time, traceback"

COLD = (
    RUNTIME
    + """
started = time.perf_counter()
import {entry} as entry
with open(sys.argv[1]) as events:
    answer = entry.lambda_handler(json.load(events), None)
elapsed = time.perf_counter() - started
assert answer["response"].get("outputSpeech"), answer
print(elapsed * 1000)
"""
)

WARM = (
    RUNTIME
    + """
import {entry} as entry
with open(sys.argv[1]) as events:
    events = json.load(events)
requests = int(sys.argv[2])
latencies = {{}}
for label, event in events.items():
    for _ in range(requests // 10):
        entry.lambda_handler(event, None)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        entry.lambda_handler(event, None)
        timings.append(time.perf_counter() - started)
    timings.sort()
    latencies[label] = [timings[len(timings) // 2], timings[int(len(timings) * 0.99)]]
print(json.dumps(latencies))
"""
)

SKILL = "Cramp Coach"
HELLO = "hello world (ask-sdk-core)"

# Each utterance with the state it is said in: a session is opened by the first of a group.
CONVERSATION = [
    ["my calf is cramping", "next", "back", "repeat", "it still hurts", "help", "start over"],
    ["my foot is cramping", "it's gone", "yes"],
    ["open cramp coach", "no"],
    ["open cramp coach", "purple elephants", "stop"],
    ["forget me"],
    ["how do I prevent cramps", "more"],
    ["why do my feet cramp"],
    ["my calf is swollen and red"],
    ["guide me through my stretches", "next", "pause", "resume"],
    ["give me a tip"],
]


def skill_events() -> dict[str, dict]:
    """One request envelope of each kind, as Alexa sends it at that point of a conversation."""
    events = {}
    device = Device()
    for session in CONVERSATION:
        device.session = None
        for utterance in session:
            turn = device.say(utterance)
            request = turn.request["request"]
            label = request.get("intent", {}).get("name") or request["type"]
            events.setdefault(label, turn.request)
    device.say("my calf is cramping")
    events["SessionEndedRequest"] = device.end_session().request
    events["CanFulfillIntentRequest"] = can_fulfill_event(events["CrampNowIntent"])
    return events


def can_fulfill_event(intent_request: dict) -> dict:
    """Alexa asking whether the skill would take a cramp said without its name: no session."""
    event = {key: value for key, value in intent_request.items() if key != "session"}
    event["request"] = {**intent_request["request"], "type": "CanFulfillIntentRequest"}
    return event


def hello_events() -> dict[str, dict]:
    session = envelopes.Session()
    return {
        "LaunchRequest": envelopes.launch_request(session),
        "HelloWorldIntent": envelopes.intent_request(session, Match("HelloWorldIntent")),
        "AMAZON.HelpIntent": envelopes.intent_request(session, Match("AMAZON.HelpIntent")),
        "SessionEndedRequest": envelopes.session_ended_request(session),
    }


def run(python: str, path: list[Path], code: str, *args: str) -> tuple[str, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [python, "-P", "-S", "-B", "-c", code, *args],
        env={"PYTHONPATH": ":".join(map(str, path)), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout, (time.perf_counter() - started) * 1000


def size(directory: Path) -> tuple[int, int]:
    """Bytes on disk, and bytes of the deployment zip (deflated, as `sam deploy` uploads it)."""
    files = sorted(path for path in directory.rglob("*") if path.is_file())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.relative_to(directory))
    return sum(path.stat().st_size for path in files), buffer.tell()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("artifact", type=Path, help="the built artifact (.aws-sam/build/...)")
    parser.add_argument("--python", required=True, help="Python 3.13, the Lambda runtime's")
    parser.add_argument("--cold-runs", type=int, default=21)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--compare", type=Path, help="another built artifact, for its cold start")
    args = parser.parse_args(argv)
    artifact = args.artifact.resolve()

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        hello = scratch / "hello"
        hello.mkdir()
        shutil.copy2(ROOT / "bench" / "hello_world.py", hello)
        subprocess.run(
            [args.python, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", hello],
            check=True,
        )
        events = {"skill": skill_events(), "hello": hello_events()}
        first = {"skill": "CrampNowIntent", "hello": "HelloWorldIntent"}
        for name in events:
            (scratch / f"{name}.json").write_text(json.dumps(events[name]))
            (scratch / f"{name}-first.json").write_text(json.dumps(events[name][first[name]]))
        hello_path, skill_path = [hello, artifact], [artifact]

        variants = {
            HELLO: (hello_path, "hello_world", scratch / "hello-first.json"),
            SKILL: (skill_path, "lambda_function", scratch / "skill-first.json"),
        }
        if args.compare:
            other = args.compare.resolve()
            variants[f"compared: {other.name}"] = (
                [other],
                "lambda_function",
                scratch / "skill-first.json",
            )
        cold: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in variants}
        for _ in range(args.cold_runs):
            for name, (path, entry, event) in variants.items():
                out, wall = run(args.python, path, COLD.format(entry=entry), str(event))
                cold[name][0].append(float(out))
                cold[name][1].append(wall)

        warm = {}
        for name, path, entry, kinds in (
            (HELLO, hello_path, "hello_world", scratch / "hello.json"),
            (SKILL, skill_path, "lambda_function", scratch / "skill.json"),
        ):
            out, _ = run(
                args.python, path, WARM.format(entry=entry), str(kinds), str(args.requests)
            )
            warm[name] = json.loads(out)

    print(
        f"Python: {args.python}; {args.cold_runs} cold starts, {args.requests} warm requests each"
    )
    print("\nCold start (median ms)          import + first answer   whole process")
    for name, (inside, whole) in cold.items():
        print(f"  {name:<30} {statistics.median(inside):>20.1f} {statistics.median(whole):>15.1f}")
    skill_cold = statistics.median(cold[SKILL][0])
    hello_cold = statistics.median(cold[HELLO][0])
    print(f"  Cramp Coach / hello world: {skill_cold / hello_cold:.2f}x (target: within 1.10x)")
    for name, (inside, _) in cold.items():
        if name not in (HELLO, SKILL):
            print(f"  Cramp Coach / {name}: {skill_cold / statistics.median(inside):.2f}x")

    print("\nWarm latency per request (ms)       p50       p99")
    for name, latencies in warm.items():
        print(f"  {name}")
        for label, (p50, p99) in latencies.items():
            print(f"    {label:<30} {p50 * 1000:>7.3f}   {p99 * 1000:>7.3f}")

    on_disk, zipped = size(artifact)
    print(
        f"\nArtifact: {on_disk / 1e6:.1f} MB on disk, {zipped / 1e6:.2f} MB zipped (target: < 3 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
