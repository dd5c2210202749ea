import json
from pathlib import Path

import pytest

from skill import content as skill_content
from skill.app import create_skill
from skill.console import Device
from skill.nlu import Understanding

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = Path(__file__).parent / "requests"
MODEL_PATH = ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json"


@pytest.fixture(scope="session")
def skill():
    return create_skill()


@pytest.fixture(scope="session")
def en_us_understanding():
    return Understanding("en-US")


@pytest.fixture
def device(skill, en_us_understanding):
    return Device(skill=skill, understanding=en_us_understanding)


@pytest.fixture(scope="session")
def content():
    return skill_content.load("en")


@pytest.fixture(scope="session")
def language_model():
    return json.loads(MODEL_PATH.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]


def request_file(name: str) -> dict:
    """A request envelope saved as Alexa sends it."""
    return json.loads((REQUESTS / f"{name}.json").read_text(encoding="utf-8"))
