"""End to end: virtual-alexa, an Alexa simulator nobody here wrote, talks to the real server.

The server is started with the documented command, ``make serve ARGS="..."``, on a free port of
127.0.0.1 with its own SQLite file and only the signature check off, since virtual-alexa cannot
sign; timestamps are still checked. It runs in its own process group, stopped as a whole.
virtual-alexa matches plain utterances against interaction_model/.../en-US.json itself.
"""

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from console import transcript
from skill import content as skill_content

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MODEL = ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json"
STARTUP_SECONDS = 30


@pytest.fixture(scope="module")
def virtual_alexa() -> Path:
    """Installs virtual-alexa from tests/e2e/package-lock.json once; on CI, missing npm fails."""
    if not (HERE / "node_modules" / "virtual-alexa").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            message = "npm is needed to install virtual-alexa for the end-to-end test"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=HERE,
            check=True,
            stdin=subprocess.DEVNULL,
        )
    return HERE / "drive.js"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory):
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is needed: the test starts the server with `make serve`")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    args = [
        *("--port", str(port)),
        *("--store-path", str(log_path.with_name("memory.sqlite3"))),
        "--dev-skip-signature-check",
    ]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [make, "--no-print-directory", "serve", f"ARGS={shlex.join(args)}"],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # make and the server it starts: one process group
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_healthy(server, url + "healthz", log_path)
        assert "-m webserver --port" in log_path.read_text(), "make serve ran something else"
        yield url
    finally:
        _stop(server)


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to make and the server together; SIGKILL if they have not gone in 10 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _wait_until_healthy(server: subprocess.Popen, health_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {log_path.read_text()}")
        try:
            with urllib.request.urlopen(health_url, timeout=1) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail("the server did not answer /healthz")


def drive(driver: Path, url: str, *conversations: list[str]) -> list[list[dict]]:
    plan = {"url": url, "model": str(MODEL), "conversations": list(conversations)}
    result = subprocess.run(
        ["node", str(driver), json.dumps(plan)],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def said(turn: dict) -> str:
    return transcript.to_transcript(turn["response"]["response"]["outputSpeech"]["ssml"])


def reprompt(turn: dict) -> str:
    return transcript.to_transcript(
        turn["response"]["response"]["reprompt"]["outputSpeech"]["ssml"]
    )


def stays_open(turn: dict) -> bool:
    return turn["response"]["response"].get("shouldEndSession") is False


@pytest.fixture(scope="module")
def content():
    return skill_content.for_locale("en-US")


def test_a_whole_cramp_conversation(virtual_alexa, server_url, content):
    (turns,) = drive(
        virtual_alexa,
        server_url,
        ["@launch", "my calf is cramping", "next", "repeat", "it's gone", "yes", "stop"],
    )
    launch, cramp, following, again, gone, tips, stop = turns
    calf = content.sequences["calf"].steps

    assert launch["request"]["request"]["type"] == "LaunchRequest"
    assert said(launch) == content.phrase("launch")
    assert reprompt(launch) == content.phrase("launch_reprompt")
    assert stays_open(launch)

    assert cramp["request"]["request"]["intent"]["name"] == "CrampNowIntent"
    assert said(cramp).startswith(f"{content.phrase('first_step_opener')} {calf[0].do}")
    assert content.phrase("next_prompt") in said(cramp)
    assert stays_open(cramp)

    assert said(following).startswith(calf[1].do)
    assert said(again) == said(following)
    assert reprompt(again) == content.phrase("step_reprompt")

    assert said(gone).startswith(content.phrase("gone"))
    assert said(gone).endswith(content.phrase("offer_tips"))
    card = gone["response"]["response"]["card"]
    assert card["title"] == content.relief_text("card_title", area="calf")
    assert calf[0].do in card["content"]

    assert said(tips).startswith(content.phrase("disclaimer"))  # never spoken in the cramp itself
    assert content.prevention.pages[0].intro in said(tips)
    assert stays_open(tips)

    assert stop["request"]["request"]["intent"]["name"] == "AMAZON.StopIntent"
    assert said(stop) == content.phrase("stop")
    assert not stays_open(stop)


def test_a_one_shot_cramp_starts_with_what_to_do(virtual_alexa, server_url, content):
    """ "Alexa, tell cramp coach I've got a cramp in my foot": a new session, steps first."""
    ((turn,),) = drive(virtual_alexa, server_url, ["I've got a cramp in my foot"])
    assert turn["request"]["session"]["new"] is True
    assert turn["request"]["request"]["intent"]["name"] == "CrampNowIntent"
    first_step = content.sequences["foot"].steps[0].do
    assert said(turn).startswith(f"{content.phrase('first_step_opener')} {first_step}")
    assert stays_open(turn)
