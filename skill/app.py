"""The one skill object every door (Lambda, web server, console) calls, and its safe entry."""

import json
import logging

from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_model.response import Response
from ask_sdk_model.ui import SsmlOutputSpeech

from skill import persistence, replies
from skill.handlers import (
    REQUEST_HANDLERS,
    CanFulfillHandler,
    CannotFulfillExceptionHandler,
    DeleteDataHandler,
    RelieveAnywayExceptionHandler,
    answers_with_relief,
    cannot_fulfill,
    is_can_fulfill,
    log_can_fulfill_failure,
    relief_content,
)
from skill.nesting import MAX_NESTING, nested_too_deeply
from skill.state import Conversation

log = logging.getLogger(__name__)
RESPONSE_VERSION = "1.0"
# How ask-sdk-core's CustomSkill.invoke refuses a request meant for another skill id.
SKILL_ID_REFUSAL = "Skill ID Verification failed"


class ReliefFirstSkill(CustomSkill):
    """ask-sdk-core's CustomSkill, whose answer to a readable request is never an exception.

    Its exception handler already gives relief when a handler fails; this covers what fails
    around the handlers too (the dispatcher, an interceptor, the response). Only a request meant
    for another skill is still refused, by raising. Every door gets this guarantee: Lambda and the
    console through ``handle_event``, the web server through flask-ask-sdk's SkillAdapter.

    The session attributes are settled first (skill/state.py), so what the SDK copies and the
    handlers read is only what the conversation state can hold.
    """

    def invoke(self, request_envelope, context):
        try:
            session = request_envelope.session
            if session is not None and session.attributes is not None:
                session.attributes = Conversation.settled_attributes(session.attributes)
            return super().invoke(request_envelope, context)
        except AskSdkException as error:
            if str(error).startswith(SKILL_ID_REFUSAL):
                raise
            failure = error
        except Exception as error:
            failure = error
        request = request_envelope.request
        if is_can_fulfill(request):
            log_can_fulfill_failure(request, failure)
            return cannot_fulfill_envelope()
        log.error(
            "request %s failed past the skill's exception handler",
            getattr(request, "request_id", None),
            exc_info=failure,
        )
        return relief_anyway_envelope(getattr(request, "locale", None))


def create_skill(skill_id: str | None = None, persistence_adapter=None) -> ReliefFirstSkill:
    """Build the skill. With ``skill_id`` set, requests for any other skill are refused.

    With a ``persistence_adapter`` (see skill.persistence), the skill remembers a person between
    sessions; whatever that store does, it never stops an answer.
    """
    memory = None if persistence_adapter is None else persistence.Forgiving(persistence_adapter)
    builder = CustomSkillBuilder(persistence_adapter=memory)
    builder.skill_id = skill_id
    # First: UnspokenRequestHandler would take this request type too, with an empty answer.
    builder.add_request_handler(CanFulfillHandler())
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler)
    if memory is not None:
        builder.add_global_request_interceptor(
            persistence.RecallWhenNeeded(memory, answers_with_relief, DeleteDataHandler.intents)
        )
        builder.add_global_response_interceptor(persistence.KeepWhatChanged(memory))
    builder.add_exception_handler(CannotFulfillExceptionHandler())
    builder.add_exception_handler(RelieveAnywayExceptionHandler())
    return ReliefFirstSkill(skill_configuration=builder.skill_configuration)


def handle_event(skill: CustomSkill, event: dict, context=None) -> dict:
    """Answer one Alexa request given as parsed JSON, the way Lambda hands it over.

    An event the SDK cannot even read still gets the first relief instruction back, and so does
    one whose handling fails (see ReliefFirstSkill): a person in a cramp hears what to do
    whatever went wrong. Only a request for another skill is refused: that error is raised.
    The log never quotes the event (the SDK's errors do), only what kind of failure it was.
    """
    if nested_too_deeply(event):
        log.error("unreadable request envelope: nested more than %d deep", MAX_NESTING)
        return skill.serializer.serialize(relief_anyway_envelope())
    try:
        envelope = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        if envelope.request is None:
            raise ValueError("the event has no request")
    except Exception as error:
        log.error("unreadable request envelope: %s", type(error).__name__)
        if _request_type(event) == "CanFulfillIntentRequest":
            return skill.serializer.serialize(cannot_fulfill_envelope())
        return skill.serializer.serialize(relief_anyway_envelope())
    return skill.serializer.serialize(skill.invoke(envelope, context))


def _request_type(event) -> object:
    request = event.get("request") if isinstance(event, dict) else None
    return request.get("type") if isinstance(request, dict) else None


def cannot_fulfill_envelope() -> ResponseEnvelope:
    """A complete answer to a CanFulfillIntentRequest that failed: NO, with nothing said."""
    return ResponseEnvelope(version=RESPONSE_VERSION, response=cannot_fulfill())


def relief_anyway_envelope(locale: str | None = None) -> ResponseEnvelope:
    """A complete response that gives the first relief instruction and ends the session."""
    reply = replies.error(relief_content(locale))
    return ResponseEnvelope(
        version=RESPONSE_VERSION,
        response=Response(
            output_speech=SsmlOutputSpeech(ssml=f"<speak>{reply.speech}</speak>"),
            should_end_session=True,
        ),
    )
