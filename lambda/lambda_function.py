"""AWS Lambda entry point: a thin door into the skill object.

SKILL_ID (set by template.yaml) makes the skill refuse requests meant for any other skill;
TABLE_NAME (also set there) gives it memory between sessions in DynamoDB (skill/persistence.py).
"""

import os

from skill.app import create_skill, handle_event
from skill.persistence import store_from_environment

SKILL = create_skill(
    skill_id=os.environ.get("SKILL_ID") or None,
    persistence_adapter=store_from_environment(os.environ),
)


def lambda_handler(event, context):
    return handle_event(SKILL, event, context)
