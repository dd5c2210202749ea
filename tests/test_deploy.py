"""The AWS SAM deployment: the template lints, `sam build` works here, and its artifact is complete.

The artifact is run the way Lambda runs it: a fresh Python 3.13 process (-I -S) with only the
artifact on its path (no site-packages: no boto3, PyYAML or anything else this machine has).
"""

import io
import json
import os
import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
import yaml
from reminders_api import Served

from console import envelopes, transcript
from console.nlu import Match, Understanding
from skill import content
from skill.app import create_skill, handle_event

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "template.yaml"
TOOL_ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}
TEXT = content.for_locale("en-US")
OTHER_SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"

# Runs in the artifact's Python: the events come on stdin, one answer (or error) per event.
RUN_IN_ARTIFACT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
answers = []
for event in json.load(sys.stdin):
    try:
        answers.append(lambda_function.lambda_handler(event, None))
    except Exception as error:
        answers.append({"error": type(error).__name__, "message": str(error)})
loaded = {"boto3", "botocore", "yaml", "sqlite3", "flask", "requests"} & set(sys.modules)
print(json.dumps({"answers": answers, "loaded": sorted(loaded), "path": sys.path}))
"""


class CloudFormationLoader(yaml.SafeLoader):
    """Reads a template's short-form intrinsic functions (!Ref, !Sub, ...) as plain mappings."""


CloudFormationLoader.add_multi_constructor(
    "!",
    lambda loader, tag, node: {
        tag: (
            loader.construct_scalar(node)
            if isinstance(node, yaml.ScalarNode)
            else loader.construct_sequence(node)
        )
    },
)


@pytest.fixture(scope="module")
def template() -> dict:
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=CloudFormationLoader)


@pytest.fixture(scope="module")
def lambda_python() -> str:
    found = subprocess.run(
        ["make", "-s", "--no-print-directory", "lambda-python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not found:
        pytest.fail("no Python 3.13 here: install python3.13, or pyenv's 3.13.0")
    return found


@pytest.fixture(scope="module")
def artifact(tmp_path_factory, lambda_python) -> Path:
    build_dir = tmp_path_factory.mktemp("sam-build")
    result = subprocess.run(
        [BIN / "sam", "build", "--template", TEMPLATE, "--build-dir", build_dir],
        cwd=ROOT,
        env={**TOOL_ENV, "LAMBDA_PYTHON": lambda_python},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return build_dir / "CrampCoachFunction"


def run_in_artifact(artifact: Path, python: str, events: list[dict], **environ) -> dict:
    result = subprocess.run(
        [python, "-I", "-S", "-c", RUN_IN_ARTIFACT, str(artifact)],
        input=json.dumps(events),
        env={"PATH": "/usr/bin:/bin", **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return {**json.loads(result.stdout), "log": result.stderr}


def cramp_event(skill_id: str = envelopes.DEFAULT_SKILL_ID, said: str = "my calf is cramping"):
    session = envelopes.Session(skill_id=skill_id)
    return envelopes.intent_request(session, Understanding().understand(said))


def spoken(answer: dict) -> str:
    return transcript.to_text(answer["response"]["outputSpeech"]["ssml"])


def test_sam_validate_lint_passes():
    subprocess.run(
        [BIN / "sam", "validate", "--lint", "--template", TEMPLATE], env=TOOL_ENV, check=True
    )


def test_cfn_lint_passes():
    subprocess.run([BIN / "cfn-lint", TEMPLATE], env=TOOL_ENV, check=True)


def test_the_function_runs_python_3_13_on_arm_within_alexas_wait(template):
    function = template["Resources"]["CrampCoachFunction"]
    properties = function["Properties"]
    assert properties["Runtime"] == "python3.13"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Timeout"] < 8
    assert properties["Handler"] == "lambda_function.lambda_handler"
    assert function["Metadata"]["BuildMethod"] == "makefile"
    assert properties["Environment"]["Variables"] == {
        "SKILL_ID": {"Ref": "SkillId"},
        "TABLE_NAME": {"Ref": "MemoryTable"},
    }
    assert properties["Events"]["Alexa"] == {
        "Type": "AlexaSkill",
        "Properties": {"SkillId": {"Ref": "SkillId"}},
    }


def test_the_skill_id_parameter_takes_only_skill_ids(template):
    pattern = re.compile(template["Parameters"]["SkillId"]["AllowedPattern"])
    assert pattern.fullmatch(envelopes.DEFAULT_SKILL_ID)
    assert pattern.fullmatch(f"amzn1.ask.skill.{uuid.uuid4()}")
    for wrong in ("", "amzn1.ask.skill.", f"amzn1.ask.account.{uuid.uuid4()}", "arn:aws:lambda"):
        assert not pattern.fullmatch(wrong)


def test_the_table_matches_the_dynamodb_adapter_and_keeps_data_safe(template):
    table = template["Resources"]["MemoryTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}


def test_the_function_may_use_only_its_own_table(template):
    policies = template["Resources"]["CrampCoachFunction"]["Properties"]["Policies"]
    assert policies == [{"DynamoDBCrudPolicy": {"TableName": {"Ref": "MemoryTable"}}}]


def test_logs_are_kept_for_a_limited_time_and_the_arn_is_an_output(template):
    function = template["Resources"]["CrampCoachFunction"]["Properties"]
    log_group = function["LoggingConfig"]["LogGroup"]["Ref"]
    assert template["Resources"][log_group]["Properties"]["RetentionInDays"] <= 90
    assert template["Outputs"]["CrampCoachFunctionArn"]["Value"] == {
        "GetAtt": "CrampCoachFunction.Arn"
    }


def test_the_artifact_answers_a_cramp_with_only_itself_on_the_path(artifact, lambda_python):
    run = run_in_artifact(artifact, lambda_python, [cramp_event()])
    first_step = TEXT.sequences["calf"].steps[0].do
    assert spoken(run["answers"][0]).startswith(f"Okay. {first_step}")
    assert run["loaded"] == []
    assert not any("site-packages" in entry for entry in run["path"])


def test_with_its_table_set_a_cramp_is_answered_before_boto3_is_even_imported(
    artifact, lambda_python
):
    """As deployed (TABLE_NAME set): the relief steps never wait on DynamoDB, nor on boto3."""
    events = [cramp_event(said="my foot is cramping"), cramp_event()]
    run = run_in_artifact(artifact, lambda_python, events, TABLE_NAME="cramp-coach-memory")
    for answer in run["answers"]:
        assert spoken(answer).startswith("Okay.")
    assert run["loaded"] == []


def test_the_artifact_sets_a_daily_reminder_with_what_it_carries(artifact, lambda_python, tmp_path):
    """The Reminders API needs requests, zoneinfo and ask-sdk-model's clients on Lambda (a cramp
    imports none of them: see "loaded" above). Here the person has just allowed reminders."""
    served = Served(tmp_path)
    try:
        served.api.person("token-artifact")
        session = envelopes.Session(
            api_endpoint=served.api.url,
            api_access_token="token-artifact",
            permissions=(envelopes.REMINDERS_SCOPE,),
        )
        allowed = envelopes.permission_response(session, "stretch-reminder@21:00", "ACCEPTED")
        run = run_in_artifact(
            artifact, lambda_python, [allowed], REQUESTS_CA_BUNDLE=str(served.authority)
        )
    finally:
        served.stop()
    assert spoken(run["answers"][0]).startswith(TEXT.reminder_text("set", time="nine p.m."))
    (reminder,) = served.api.reminders["token-artifact"].values()
    assert reminder["trigger"]["timeZoneId"] == served.api.time_zone
    assert "requests" in run["loaded"]


def test_the_artifact_refuses_requests_for_another_skill(artifact, lambda_python):
    run = run_in_artifact(
        artifact,
        lambda_python,
        [cramp_event(OTHER_SKILL_ID), cramp_event()],
        SKILL_ID=envelopes.DEFAULT_SKILL_ID,
    )
    refused, answered = run["answers"]
    assert refused == {"error": "AskSdkException", "message": "Skill ID Verification failed!!"}
    assert spoken(answered).startswith("Okay.")


def test_the_artifact_holds_only_what_runs_on_lambda(artifact):
    top = {path.name for path in artifact.iterdir()}
    packages = {name for name in top if not name.endswith((".dist-info", ".py", ".pyc"))}
    assert packages == {
        "__pycache__",
        "ask_sdk_core",
        "ask_sdk_model",
        "ask_sdk_runtime",
        "certifi",
        "charset_normalizer",
        "dateutil",
        "idna",
        "requests",
        "skill",
        "urllib3",
    }
    assert {name for name in top if name.endswith((".py", ".pyc"))} == {
        "lambda_function.py",
        "six.pyc",
    }
    assert not list(artifact.rglob("*.so")), "pure Python only: the same files run on arm64"
    sources = sorted(f"{path.stem}.json" for path in (ROOT / "skill" / "content").glob("*.yaml"))
    assert sorted(path.name for path in (artifact / "skill" / "content").iterdir()) == sources


def test_every_shipped_module_imports_on_lambda(artifact, lambda_python):
    modules = [f"skill.{path.stem}" for path in sorted((artifact / "skill").glob("*.py"))]
    probe = f"import sys; sys.path.insert(0, {str(artifact)!r}); " + "; ".join(
        f"import {module}" for module in modules
    )
    subprocess.run([lambda_python, "-I", "-S", "-c", probe], check=True)


def test_the_bytecode_is_precompiled_for_python_3_13(artifact):
    for module in (artifact / "skill").glob("*.py"):
        assert (module.parent / "__pycache__" / f"{module.stem}.cpython-313.pyc").is_file()


@pytest.mark.parametrize("name", sorted(content.shipped()))
def test_the_built_content_is_the_yaml_content_with_overlay_and_facts(artifact, name):
    source = content.composed(name, content.read_source)
    built = json.loads((artifact / "skill" / "content" / f"{name}.json").read_text("utf-8"))
    assert built == json.loads(json.dumps(source))


def test_no_prebuilt_content_hides_the_yaml_in_the_source_tree():
    """The loader prefers JSON: one left in skill/content would shadow every edit to the YAML."""
    assert not list((ROOT / "skill" / "content").glob("*.json"))


def test_the_dependencies_ship_as_bytecode_with_only_their_licenses(artifact):
    """What keeps the zip small: no dependency sources beside their bytecode, no metadata but
    the licenses, no time zone database of dateutil's own."""
    sources = {path.relative_to(artifact) for path in artifact.rglob("*.py")}
    assert {path for path in sources if path.parts[0] != "skill"} == {Path("lambda_function.py")}
    assert (artifact / "requests" / "__init__.pyc").is_file()
    kept = {path.name for path in artifact.glob("*.dist-info/**/*") if path.is_file()}
    assert kept, "every dependency keeps its license"
    assert all(re.search(r"(?i)licen[cs]e|notice|copying|authors", name) for name in kept)
    assert not list(artifact.rglob("*.tar.gz"))


def test_every_kind_of_request_gets_the_same_answer_from_the_artifact(artifact, lambda_python):
    """Nothing the skill imports is missing from the artifact: each saved request, each intent
    of the interaction model and a SkillDisabled event are answered there exactly as from the
    source tree (a tip only in kind: it is picked at random), with nothing logged as failed."""
    events = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "tests" / "requests").glob("*.json"))
    ]
    model = json.loads(
        (ROOT / "interaction_model" / "interactionModels" / "custom" / "en-US.json").read_text(
            encoding="utf-8"
        )
    )["interactionModel"]["languageModel"]
    for intent in model["intents"]:
        declared = tuple(slot["name"] for slot in intent.get("slots", []))
        match = Match(intent["name"], {}, declared)
        events.append(envelopes.intent_request(envelopes.Session(), match))
    events.append(envelopes.skill_disabled_event(f"amzn1.ask.account.{uuid.uuid4().hex}"))
    run = run_in_artifact(artifact, lambda_python, events)
    assert "Traceback" not in run["log"] and "failed" not in run["log"], run["log"]
    skill = create_skill()
    for event, answer in zip(events, run["answers"], strict=True):
        expected = handle_event(skill, event)
        for response in (answer, expected):
            response.pop("userAgent")  # names the Python that answered
        request = event["request"]
        if request.get("intent", {}).get("name") == "TipIntent":
            assert set(answer["response"]) == set(expected["response"])
        else:
            assert answer == expected, request


def test_the_deployment_zip_is_under_three_megabytes(artifact):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(artifact.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(artifact))
    assert buffer.tell() < 3_000_000


def test_the_artifact_shows_a_screen_only_to_a_device_with_one(artifact, lambda_python):
    """The documents and drawings travel in the artifact, and are read only when a screen asks."""
    plain, screen = cramp_event(), cramp_event()
    interfaces = screen["context"]["System"]["device"]["supportedInterfaces"]
    interfaces["Alexa.Presentation.APL"] = {"runtime": {"maxVersion": "2024.2"}}
    run = run_in_artifact(artifact, lambda_python, [plain, screen])
    without, with_screen = run["answers"]
    assert "directives" not in without["response"]
    (directive,) = with_screen["response"]["directives"]
    source = json.loads((ROOT / "skill" / "screens" / "step.json").read_text(encoding="utf-8"))
    assert directive["document"]["mainTemplate"] == source["mainTemplate"]
    assert spoken(with_screen) == spoken(without)
    drawings = sorted(path.name for path in (ROOT / "skill" / "screens" / "drawings").iterdir())
    packed = artifact / "skill" / "screens" / "drawings"
    assert sorted(path.name for path in packed.iterdir()) == drawings
