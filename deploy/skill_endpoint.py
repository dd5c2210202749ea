"""Point the skill package at the deployed Lambda function, before `ask deploy` uploads it.

    python deploy/skill_endpoint.py FUNCTION_ARN [--skill-id SKILL_ID]
        [--privacy-policy-url URL] [--into MANIFEST]

FUNCTION_ARN is the stack's CrampCoachFunctionArn output (`sam list stack-outputs`). It becomes
the endpoint of both the requests and the SKILL_DISABLED event in interaction_model/skill.json.
With --skill-id, .ask/ask-states.json is written too, so that `ask deploy` updates that skill
(the one whose id the stack was deployed with) instead of creating a new one.

With --privacy-policy-url, the address where the deployer published their filled-in
deploy/privacy-policy.md becomes every locale's privacy policy URL. The repository's manifest
carries none: there is no policy to point at until the deployer publishes one.

With --into, another manifest gets the endpoint, the event subscriptions and the privacy policy
URL instead: one downloaded from the Alexa Skill Management API, for the path without the ASK CLI
(README, "Without the ASK CLI").
"""

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "interaction_model" / "skill.json"
ASK_STATES = ROOT / ".ask" / "ask-states.json"
LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w-]+)?")
SKILL_ID = re.compile(r"amzn1\.ask\.skill\.[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")
# Hosts that only ever stand in for a real address (RFC 2606 and 6761): never a privacy policy.
PLACEHOLDER_HOST = re.compile(r"(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def set_endpoint(manifest_path: Path, function_arn: str) -> None:
    """Requests and the package's event subscriptions (SKILL_DISABLED) go to the function."""
    if not LAMBDA_ARN.fullmatch(function_arn):
        raise ValueError(f"not a Lambda function ARN: {function_arn!r}")
    subscriptions = read(MANIFEST)["manifest"]["events"]["subscriptions"]
    document = read(manifest_path)
    manifest = document["manifest"]
    manifest.setdefault("apis", {}).setdefault("custom", {}).setdefault("endpoint", {})
    manifest["apis"]["custom"]["endpoint"]["uri"] = function_arn
    manifest["events"] = {"endpoint": {"uri": function_arn}, "subscriptions": subscriptions}
    write(manifest_path, document)


def set_privacy_policy(manifest_path: Path, url: str) -> None:
    """Every published locale's privacy policy URL: an https address that is not a stand-in."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"a privacy policy URL must be an https address: {url!r}")
    if PLACEHOLDER_HOST.search(parts.hostname):
        raise ValueError(f"{parts.hostname} is a placeholder, not where your policy is published")
    document = read(manifest_path)
    manifest = document["manifest"]
    compliance = manifest.setdefault("privacyAndCompliance", {}).setdefault("locales", {})
    for locale in manifest["publishingInformation"]["locales"]:
        compliance.setdefault(locale, {})["privacyPolicyUrl"] = url
    write(manifest_path, document)


def has_privacy_policy(manifest_path: Path) -> bool:
    manifest = read(manifest_path)["manifest"]
    urls = manifest.get("privacyAndCompliance", {}).get("locales", {})
    locales = manifest["publishingInformation"]["locales"]
    return all(urls.get(locale, {}).get("privacyPolicyUrl") for locale in locales)


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
    parser.add_argument(
        "--privacy-policy-url", help="where your filled-in deploy/privacy-policy.md is published"
    )
    parser.add_argument("--into", type=Path, help="fill this manifest instead of the package's")
    args = parser.parse_args(argv)
    manifest = args.into or MANIFEST
    try:
        set_endpoint(manifest, args.function_arn)
        if args.privacy_policy_url:
            set_privacy_policy(manifest, args.privacy_policy_url)
        if args.skill_id:
            write_ask_states(ASK_STATES, args.skill_id)
    except ValueError as error:
        parser.error(str(error))
    if not has_privacy_policy(manifest):
        print(
            "No privacy policy URL: fine for development. Before submitting for certification,"
            " publish deploy/privacy-policy.md filled in and set PRIVACY_POLICY_URL=https://...",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
