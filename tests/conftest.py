import json
import os
from pathlib import Path

import pytest
from helpers import Clock
from hypothesis import settings
from reminders_api import Served

from console.nlu import shared_understanding
from console.repl import Device
from skill import content as skill_content
from skill.app import create_skill

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json"

# Property-based tests: locally, new examples each run and failures kept in .hypothesis/ to be
# tried first next time; on CI (.ci/run sets HYPOTHESIS_PROFILE=ci), a fixed seed, so a run there
# is repeatable. Either way a failure prints a @reproduce_failure blob that replays it.
settings.register_profile("dev", print_blob=True)
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def reminders_server(tmp_path_factory):
    """An HTTPS imitation of Alexa's Reminders API (tests/reminders_api.py), one for the run."""
    server = Served(tmp_path_factory.mktemp("reminders-api"))
    yield server
    server.stop()


@pytest.fixture
def api(reminders_server, monkeypatch):
    """The imitation, fresh for each test, trusted by ``requests`` for this test only."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(reminders_server.authority))
    reminders_server.api.reset()
    return reminders_server.api


@pytest.fixture(scope="session")
def skill():
    return create_skill()


@pytest.fixture(scope="session")
def en_us_understanding():
    return shared_understanding("en-US")


@pytest.fixture
def device(skill):
    """An Echo for one person, at a fixed time of day."""
    return Device(skill=skill, clock=Clock())


@pytest.fixture(scope="session")
def content():
    return skill_content.for_locale("en-US")


@pytest.fixture(scope="session")
def language_model():
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
