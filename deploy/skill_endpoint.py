"""Point the skill package at the deployed Lambda function, before `ask deploy` uploads it.

    python deploy/skill_endpoint.py FUNCTION_ARN [--skill-id SKILL_ID]

FUNCTION_ARN is the stack's CrampCoachFunctionArn output (`sam list stack-outputs`). It becomes
the endpoint of both the requests and the SKILL_DISABLED event in interaction_model/skill.json.
With --skill-id, .ask/ask-states.json is written too, so that `ask deploy` updates that skill
(the one whose id the stack was deployed with) instead of creating a new one.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "interaction_model" / "skill.json"
ASK_STATES = ROOT / ".ask" / "ask-states.json"
LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w-]+)?")
SKILL_ID = re.compile(r"amzn1\.ask\.skill\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def set_endpoint(manifest_path: Path, function_arn: str) -> None:
    if not LAMBDA_ARN.fullmatch(function_arn):
        raise ValueError(f"not a Lambda function ARN: {function_arn!r}")
    document = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest = document["manifest"]
    manifest["apis"]["custom"]["endpoint"]["uri"] = function_arn
    manifest["events"]["endpoint"]["uri"] = function_arn
    manifest_path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def write_ask_states(states_path: Path, skill_id: str, profile: str = "default") -> None:
    if not SKILL_ID.fullmatch(skill_id):
        raise ValueError(f"not an Alexa skill id: {skill_id!r}")
    states = {"askcliStatesVersion": "2020-03-31", "profiles": {profile: {"skillId": skill_id}}}
    states_path.parent.mkdir(parents=True, exist_ok=True)
    states_path.write_text(json.dumps(states, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("function_arn", help="the stack's CrampCoachFunctionArn output")
    parser.add_argument("--skill-id", help="the skill to update with `ask deploy`")
    args = parser.parse_args(argv)
    try:
        set_endpoint(MANIFEST, args.function_arn)
        if args.skill_id:
            write_ask_states(ASK_STATES, args.skill_id)
    except ValueError as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
