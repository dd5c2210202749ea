"""AWS Lambda entry point: a thin door into the skill object."""

import os

from skill.app import create_skill, handle_event

SKILL = create_skill(skill_id=os.environ.get("SKILL_ID") or None)


def lambda_handler(event, context):
    return handle_event(SKILL, event, context)
