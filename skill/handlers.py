"""ASK SDK handlers, one per request kind. Each reads the state, picks a reply, and answers."""

import logging
import traceback

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_locale, get_slot, is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)
from ask_sdk_model.slu.entityresolution import StatusCode
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard

from skill import advice, display, persistence, reminder_replies, reminders, replies
from skill import content as skill_content
from skill.replies import Reply
from skill.state import (
    ASKED_CRAMP_NOW,
    ASKED_IS_IT_GONE,
    ASKED_REMINDER_TIME,
    ASKED_WANT_TIPS,
    ASKED_WHICH_SIDE,
    Conversation,
)

log = logging.getLogger(__name__)


def conversation_of(handler_input: HandlerInput) -> Conversation:
    return Conversation.from_attributes(handler_input.attributes_manager.session_attributes)


def content_of(handler_input: HandlerInput) -> skill_content.Content:
    return skill_content.for_locale(get_locale(handler_input))


def respond(handler_input: HandlerInput, conversation: Conversation, reply: Reply) -> Response:
    """Save the state, remember the reply for "repeat", and build the response."""
    conversation.last_speech = reply.speech
    conversation.last_reprompt = reply.reprompt
    conversation.save_to(handler_input.attributes_manager.session_attributes)
    builder = handler_input.response_builder.speak(reply.speech)
    if reply.reprompt:
        builder.ask(reply.reprompt)
    if reply.card_title:
        builder.set_card(SimpleCard(title=reply.card_title, content=reply.card_text))
    if reply.screen is not None and display.supported(handler_input):
        directive = display.directive_for(reply.screen, content_of(handler_input))
        if directive is not None:
            builder.add_directive(directive)
    return builder.set_should_end_session(reply.ends_session).response


def resolved_id(handler_input: HandlerInput, slot_name: str) -> str | None:
    """The entity-resolution id of a slot, as Alexa matched it; None when unfilled or no match."""
    return matched_id(get_slot(handler_input, slot_name))


def matched_id(slot) -> str | None:
    """The id entity resolution matched a slot's value to: one of the slot type's values."""
    if slot is None or slot.resolutions is None:
        return None
    for authority in slot.resolutions.resolutions_per_authority or []:
        if authority.status.code == StatusCode.ER_SUCCESS_MATCH and authority.values:
            return authority.values[0].value.id
    return None


def unmatched(handler_input: HandlerInput, slot_name: str) -> bool:
    """Alexa heard a value for the slot, but it is none of the slot type's values."""
    slot = get_slot(handler_input, slot_name)
    return bool(slot and slot.value) and resolved_id(handler_input, slot_name) is None


def by_stage(conversation: Conversation, in_advice, otherwise):
    """The reply function for where the person is: inside longer advice or the stretch routine
    (skill/advice.py), or anywhere else (skill/replies.py)."""
    if conversation.in_advice_list or conversation.in_routine:
        return in_advice
    return otherwise


class ConversationHandler(AbstractRequestHandler):
    """Base for handlers that answer from the conversation state with one reply function."""

    def handle(self, handler_input):
        content = content_of(handler_input)
        conversation = conversation_of(handler_input)
        replies.settle(content, conversation)
        advice.settle(content, conversation)
        reply = self.reply(content, conversation, handler_input)
        return respond(handler_input, conversation, reply)

    def reply(self, content, conversation, handler_input) -> Reply:
        raise NotImplementedError

    def answers_with_relief(self, conversation: Conversation) -> bool:
        """Whether this request gets a relief step, so that the store is never waited on
        (skill/persistence.py). Inside the relief steps every request does, unless its handler
        says otherwise; outside them, only a ReliefHandler's."""
        return conversation.in_relief


class IntentHandler(ConversationHandler):
    """A handler for the intents named in ``intents``."""

    intents: tuple[str, ...] = ()

    def can_handle(self, handler_input):
        return any(is_intent_name(name)(handler_input) for name in self.intents)


class LaunchHandler(ConversationHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def answers_with_relief(self, conversation):
        return False  # a launch starts a new session

    def reply(self, content, conversation, handler_input):
        return replies.launch(content, conversation)


class ReliefHandler(IntentHandler):
    """Intents that start or continue the relief steps whatever the stage: a person in a cramp.

    A new relief intent is a subclass of this and is then known everywhere it matters (the store
    never runs on it: RELIEF_INTENTS, skill/persistence.py)."""

    def answers_with_relief(self, conversation):
        return True


class CrampNowHandler(ReliefHandler):
    intents = ("CrampNowIntent",)

    def reply(self, content, conversation, handler_input):
        if unmatched(handler_input, "bodyPart"):
            return replies.not_a_leg_cramp(content, conversation)
        body_part = resolved_id(handler_input, "bodyPart")
        if conversation.in_relief:
            return replies.cramp_again(content, conversation, body_part)
        return replies.start_relief(content, conversation, body_part)


class CrampGoneHandler(IntentHandler):
    intents = ("CrampGoneIntent",)

    def reply(self, content, conversation, handler_input):
        return replies.gone(content, conversation)

    def answers_with_relief(self, conversation):
        return False  # the relief steps end here


class CrampPersistsHandler(ReliefHandler):
    """ "It still hurts": escalate during relief; otherwise a cramp is on, or back: the steps
    for the body part it was in, when there was one."""

    intents = ("CrampPersistsIntent",)

    def reply(self, content, conversation, handler_input):
        if not conversation.in_relief:
            return replies.restart_relief(content, conversation)
        return replies.still_hurts(content, conversation)


class CrampEasingHandler(IntentHandler):
    """ "It's getting better", "almost": keep going with the steps; outside them there is
    nothing to ease."""

    intents = ("CrampEasingIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return replies.easing(content, conversation)
        return by_stage(conversation, advice.fallback, replies.fallback)(content, conversation)


class NotYetHandler(IntentHandler):
    """ "Not yet": keep going with the step, counted; outside the steps there is nothing to wait
    for."""

    intents = ("NotYetIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return replies.not_yet(content, conversation)
        return by_stage(conversation, advice.fallback, replies.fallback)(content, conversation)


class SideHandler(IntentHandler):
    """ "Front" or "back" of a thigh or an ankle, when asked. Unasked, a bare "back" means what
    Alexa's "previous" means; "front" is not understood."""

    intents = ("SideIntent",)

    def reply(self, content, conversation, handler_input):
        side = resolved_id(handler_input, "side")
        if conversation.question == ASKED_WHICH_SIDE:
            return replies.choose_side(content, conversation, side)
        if side == replies.BACK:
            return PreviousHandler().reply(content, conversation, handler_input)
        return by_stage(conversation, advice.fallback, replies.fallback)(content, conversation)


class DrivingHandler(ReliefHandler):
    """ "I'm driving", in any stage: pull over first; the steps wait for "ready"."""

    intents = ("DrivingIntent",)

    def reply(self, content, conversation, handler_input):
        return replies.driving(content, conversation, resolved_id(handler_input, "bodyPart"))


class CallForHelpHandler(IntentHandler):
    """ "Call an ambulance", in any stage: the skill cannot call; the emergency number now."""

    intents = ("CallForHelpIntent",)

    def reply(self, content, conversation, handler_input):
        return replies.cannot_call(content)


class NextHandler(IntentHandler):
    """Next (or "more", "done", "now what"): the next relief step, page of advice, or stretch."""

    intents = ("AMAZON.NextIntent", "AMAZON.MoreIntent", "StepDoneIntent")

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return replies.next_step(content, conversation)
        if conversation.in_advice_list:
            return advice.more(content, conversation)
        if conversation.in_routine:
            return advice.next_stretch(content, conversation)
        return replies.nothing_to_move_through(content)


class PreviousHandler(IntentHandler):
    intents = ("AMAZON.PreviousIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return replies.previous_step(content, conversation)
        if conversation.in_advice_list:
            return advice.previous_page(content, conversation)
        if conversation.in_routine:
            return advice.previous_stretch(content, conversation)
        return replies.nothing_to_move_through(content)


class RepeatHandler(IntentHandler):
    intents = ("AMAZON.RepeatIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_routine:
            return advice.current_stretch(content, conversation)
        return replies.repeat(content, conversation)


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return replies.start_over(content, conversation)
        if conversation.in_advice_list:
            return advice.list_from_the_top(content, conversation)
        if conversation.in_routine:
            return advice.routine_from_the_top(content, conversation)
        return replies.launch(content, conversation)


class YesHandler(IntentHandler):
    """Yes answers the question last asked; in relief steps, a list or the routine it means
    "go on" (after a pause, "carry on with this stretch")."""

    intents = ("AMAZON.YesIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.question == ASKED_CRAMP_NOW:
            return replies.start_relief(content, conversation, None)
        if conversation.question == ASKED_IS_IT_GONE:
            return replies.gone(content, conversation)
        if conversation.question == ASKED_WANT_TIPS:
            return advice.prevention(content, conversation, None)
        if conversation.in_advice_list:
            return advice.more(content, conversation)
        if conversation.in_relief:
            return replies.yes_in_relief(content, conversation)
        if conversation.in_routine and conversation.routine_paused:
            return advice.current_stretch(content, conversation)
        if conversation.in_routine:
            return advice.next_stretch(content, conversation)
        return replies.nothing_asked(content, conversation)

    def answers_with_relief(self, conversation):
        if conversation.question == ASKED_CRAMP_NOW:
            return True  # "are you having a cramp now?" "yes": the relief steps start
        return conversation.in_relief and conversation.question != ASKED_IS_IT_GONE


class NoHandler(IntentHandler):
    intents = ("AMAZON.NoIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.question == ASKED_CRAMP_NOW:
            return advice.prevention(content, conversation, None)
        if conversation.in_relief:
            return replies.no_in_relief(content, conversation)
        if conversation.in_routine:
            return advice.pause_routine(content, conversation)
        return replies.goodbye(content)


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.question in reminder_replies.QUESTIONS:
            return reminder_reply(
                handler_input, conversation, reminder_replies.help_for(content, conversation)
            )
        return by_stage(conversation, advice.help_for, replies.help_for)(content, conversation)


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")

    def reply(self, content, conversation, handler_input):
        return by_stage(conversation, advice.stop, replies.stop)(content, conversation)


class PreventionHandler(IntentHandler):
    intents = ("PreventionIntent",)

    def reply(self, content, conversation, handler_input):
        return advice.prevention(content, conversation, resolved_id(handler_input, "topic"))


class CausesHandler(IntentHandler):
    intents = ("CausesIntent",)

    def reply(self, content, conversation, handler_input):
        return advice.causes(content, conversation)


class SeeDoctorHandler(IntentHandler):
    intents = ("SeeDoctorIntent",)

    def reply(self, content, conversation, handler_input):
        return advice.see_doctor(content, conversation, resolved_id(handler_input, "symptom"))


class StretchRoutineHandler(IntentHandler):
    intents = ("StretchRoutineIntent",)

    def reply(self, content, conversation, handler_input):
        return advice.start_routine(content, conversation)


class TipHandler(IntentHandler):
    intents = ("TipIntent",)

    def reply(self, content, conversation, handler_input):
        return advice.tip(content, conversation)


class PauseHandler(IntentHandler):
    """Pause holds the routine; during relief it means "give me a moment"."""

    intents = ("AMAZON.PauseIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_routine:
            return advice.pause_routine(content, conversation)
        if conversation.in_relief:
            return replies.keep_going(content, conversation)
        return replies.nothing_asked(content, conversation)


class ResumeHandler(IntentHandler):
    """Resume the routine, in this session or one left part-way in an earlier session; in the
    relief steps, "I'm ready"."""

    intents = ("AMAZON.ResumeIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return replies.ready(content, conversation)
        if conversation.in_routine:
            return advice.current_stretch(content, conversation)
        if conversation.resume_point > 0:
            return advice.start_routine(content, conversation, conversation.resume_point)
        return replies.nothing_to_move_through(content)


class DeleteDataHandler(IntentHandler):
    """ "Forget me": delete the person's stored record; say it is gone only once it is."""

    intents = ("DeleteDataIntent",)

    def reply(self, content, conversation, handler_input):
        conversation.forget()
        if persistence.forget(handler_input):
            return replies.forgotten(content)
        return replies.not_forgotten(content)


class SetReminderHandler(IntentHandler):
    """ "Remind me to stretch every evening at nine": ask the time if it is missing, then restate
    the reminder and ask before setting it. Never while a cramp is being eased."""

    intents = ("SetReminderIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return advice.ease_cramp_first(content, conversation)
        slot = get_slot(handler_input, REMINDER_TIME_SLOT)
        said = slot.value if slot else None
        at = reminders.ClockTime.parse(said)
        if at is None:
            elicit_reminder_time(handler_input)
            return reminder_replies.ask_time(content, conversation, exact=bool(said))
        return reminder_replies.confirm(content, conversation, at)


class ReminderAnswerHandler(ConversationHandler):
    """Yes or no to "would you like a daily reminder?" or to "shall I set it for nine p.m.?"."""

    def can_handle(self, handler_input):
        return any(
            is_intent_name(name)(handler_input) for name in ("AMAZON.YesIntent", "AMAZON.NoIntent")
        ) and (conversation_of(handler_input).question in reminder_replies.QUESTIONS)

    def handle(self, handler_input):
        content = content_of(handler_input)
        conversation = conversation_of(handler_input)
        said_yes = is_intent_name("AMAZON.YesIntent")(handler_input)
        at = reminder_replies.asked_time(conversation)
        if at is not None:
            if said_yes:
                return set_reminder(handler_input, content, conversation, at, may_ask=True)
            elicit_reminder_time(handler_input)
            return respond(
                handler_input, conversation, reminder_replies.other_time(content, conversation)
            )
        if said_yes:
            elicit_reminder_time(handler_input)
            return respond(
                handler_input, conversation, reminder_replies.ask_time(content, conversation)
            )
        conversation.question = ""
        return respond(handler_input, conversation, replies.goodbye(content))


class ReminderPermissionHandler(AbstractRequestHandler):
    """Alexa's answer to asking the person for the reminders permission (Connections.Response):
    granted, the reminder they agreed to (its time carried in the token) is set; refused or not
    answered, a short answer and the permissions card."""

    def can_handle(self, handler_input):
        request = handler_input.request_envelope.request
        return (
            is_request_type("Connections.Response")(handler_input)
            and request.name == "AskFor"
            and (request.token or "").startswith(PERMISSION_TOKEN)
        )

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        content = content_of(handler_input)
        conversation = conversation_of(handler_input)
        at = reminders.ClockTime.parse(request.token.removeprefix(PERMISSION_TOKEN))
        if at is None or permission_answer(request) != "ACCEPTED":
            result = reminders.Result(reminders.NEEDS_PERMISSION)
            return answer_reminder(handler_input, content, conversation, result, at)
        return set_reminder(handler_input, content, conversation, at, may_ask=False)


class CancelReminderHandler(IntentHandler):
    """ "Stop reminding me to stretch": delete the daily reminder. Never during a cramp."""

    intents = ("CancelReminderIntent",)

    def reply(self, content, conversation, handler_input):
        if conversation.in_relief:
            return advice.ease_cramp_first(content, conversation)
        result = reminders.cancel(handler_input.request_envelope)
        return reminder_replies.after_cancelling(content, conversation, result)


# The slot SetReminderIntent asks for, and how a request for the reminders permission is marked:
# the token Alexa hands back with the answer carries the time the person agreed to ("21:00").
REMINDER_TIME_SLOT = "time"
PERMISSION_TOKEN = "stretch-reminder@"


def elicit_reminder_time(handler_input: HandlerInput) -> None:
    """Have Alexa take the person's next words as SetReminderIntent's time (Dialog.ElicitSlot)."""
    # Imported here: these two packages are 3 ms of a cold start, and a cramp never needs them.
    from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus
    from ask_sdk_model.dialog import ElicitSlotDirective

    intent = Intent(
        name=SetReminderHandler.intents[0],
        confirmation_status=IntentConfirmationStatus.NONE,
        slots={
            REMINDER_TIME_SLOT: Slot(
                name=REMINDER_TIME_SLOT, confirmation_status=SlotConfirmationStatus.NONE
            )
        },
    )
    handler_input.response_builder.add_directive(
        ElicitSlotDirective(updated_intent=intent, slot_to_elicit=REMINDER_TIME_SLOT)
    )


def reminder_reply(handler_input: HandlerInput, conversation: Conversation, reply: Reply) -> Reply:
    """A reply to a reminder question; while it asks for the time, Alexa listens for one."""
    if conversation.question == ASKED_REMINDER_TIME:
        elicit_reminder_time(handler_input)
    return reply


def set_reminder(handler_input, content, conversation, at, may_ask: bool) -> Response:
    """Set the daily reminder the person agreed to; without the permission, Alexa asks them for
    it first (``may_ask``: not again right after they were asked)."""
    envelope = handler_input.request_envelope
    if may_ask and not reminders.has_permission(envelope):
        return ask_permission(handler_input, conversation, at)
    result = reminders.set_daily(envelope, at, reminder_replies.alert_text(content, at))
    if may_ask and result.outcome == reminders.NEEDS_PERMISSION:  # 401: the permission lapsed
        return ask_permission(handler_input, conversation, at)
    return answer_reminder(handler_input, content, conversation, result, at)


def ask_permission(handler_input, conversation, at) -> Response:
    """Alexa asks the person, in its own words, to let Cramp Coach set reminders."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective  # as ElicitSlotDirective

    conversation.question = ""
    conversation.save_to(handler_input.attributes_manager.session_attributes)
    ask_for = SendRequestDirective(
        name="AskFor",
        payload={
            "@type": "AskForPermissionsConsentRequest",
            "@version": "2",
            "permissionScopes": [{"permissionScope": reminders.SCOPE, "consentLevel": "ACCOUNT"}],
        },
        token=f"{PERMISSION_TOKEN}{at}",
    )
    return handler_input.response_builder.add_directive(ask_for).response


def answer_reminder(handler_input, content, conversation, result, at) -> Response:
    """What came of setting the reminder; without the permission, the card that grants it."""
    reply = reminder_replies.after_setting(content, conversation, result, at)
    if result.outcome == reminders.NEEDS_PERMISSION:
        handler_input.response_builder.set_card(
            AskForPermissionsConsentCard(permissions=[reminders.SCOPE])
        )
    if handler_input.request_envelope.session is None:  # nothing to keep: the answer ends it
        return (
            handler_input.response_builder.speak(reply.speech).set_should_end_session(True).response
        )
    return respond(handler_input, conversation, reply)


def permission_answer(request) -> str:
    """ACCEPTED, DENIED or NOT_ANSWERED, where version 2 of AskFor may put it: beside the
    scopes, or in the reminders scope's entry."""
    payload = request.payload or {}
    if isinstance(payload.get("status"), str):
        return payload["status"]
    for scope in payload.get("permissionScopes") or []:
        if isinstance(scope, dict) and scope.get("permissionScope") == reminders.SCOPE:
            return str(scope.get("status", ""))
    return ""


class CanFulfillHandler(AbstractRequestHandler):
    """Alexa asking, before it routes a request said without the skill's name, whether the skill
    would take it. Nothing else happens: no speech, no card, no store, no log line.

    YES only for what a person can start with, with no conversation behind it: a cramp (in a body
    part of ours, or none named) and the longer advice, the intents of ``STANDALONE``. NO for:

    - next, back, repeat, start over, yes, no, more, pause, resume, and "it's gone", "it's
      easing", "it still hurts": they answer a conversation, and a request routed without the
      name has none (without one the skill can only say there is nothing to go on with);
    - help, stop, cancel, home and fallback: said without a name, they are meant for Alexa;
    - "call an ambulance": the skill cannot call, so it must never be picked as if it could;
    - "forget me": said without a name, it is no request to delete this skill's record;
    - an intent the skill does not know.

    A slot value is judged as the intent's handler will judge it, by entity resolution against
    the interaction model's values and synonyms: matched, it is understood and fulfilled; not
    matched ("my elbow is cramping"), neither, and the intent is NO. When Alexa sent no
    resolution to go by, the value may or may not be ours: understood MAYBE, intent MAYBE.
    """

    STANDALONE = (
        CrampNowHandler,
        PreventionHandler,
        CausesHandler,
        SeeDoctorHandler,
        StretchRoutineHandler,
        TipHandler,
    )

    def __init__(self):
        self.standalone_intents = frozenset(
            name for handler in self.STANDALONE for name in handler.intents
        )

    def can_handle(self, handler_input):
        return is_request_type("CanFulfillIntentRequest")(handler_input)

    def handle(self, handler_input):
        intent = handler_input.request_envelope.request.intent
        if intent is None or intent.name not in self.standalone_intents:
            answer = CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO)
        else:
            answer = can_fulfill(intent.slots or {})
        return handler_input.response_builder.set_can_fulfill_intent(answer).response


def can_fulfill(slots: dict) -> CanFulfillIntent:
    """The answer for an intent the skill takes on its own: as sure as its least sure slot."""
    answers = {name: slot_answer(slot) for name, slot in slots.items() if slot.value}
    understood = [answer.can_understand for answer in answers.values()]
    if CanUnderstandSlotValues.NO in understood:
        verdict = CanFulfillIntentValues.NO
    elif CanUnderstandSlotValues.MAYBE in understood:
        verdict = CanFulfillIntentValues.MAYBE
    else:
        verdict = CanFulfillIntentValues.YES
    return CanFulfillIntent(can_fulfill=verdict, slots=answers or None)


def slot_answer(slot) -> CanFulfillSlot:
    """YES for a value entity resolution matched to one of ours, NO for one it matched to none,
    MAYBE (and not fulfilled) when Alexa sent no resolution to go by."""
    if matched_id(slot) is not None:
        return CanFulfillSlot(CanUnderstandSlotValues.YES, CanFulfillSlotValues.YES)
    authorities = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    if any(a.status.code == StatusCode.ER_SUCCESS_NO_MATCH for a in authorities or []):
        return CanFulfillSlot(CanUnderstandSlotValues.NO, CanFulfillSlotValues.NO)
    return CanFulfillSlot(CanUnderstandSlotValues.MAYBE, CanFulfillSlotValues.NO)


def cannot_fulfill() -> Response:
    """The answer to a CanFulfillIntentRequest when anything went wrong: NO, and nothing said.

    Relief speech, the answer to every other failure, is no valid answer to this question, and
    nobody is in a cramp yet: Alexa routes the request elsewhere, or asks again.
    """
    return Response(can_fulfill_intent=CanFulfillIntent(can_fulfill=CanFulfillIntentValues.NO))


def is_can_fulfill(request) -> bool:
    return getattr(request, "object_type", None) == "CanFulfillIntentRequest"


def log_can_fulfill_failure(request, exception: BaseException) -> None:
    """The request id, the kind of failure and where: not its message, which may carry what
    the person said (a symptom is health information)."""
    frames = traceback.extract_tb(exception.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    log.error(
        "can-fulfill request %s failed with %s at %s; answered NO",
        getattr(request, "request_id", None),
        type(exception).__name__,
        where,
    )


class CannotFulfillExceptionHandler(AbstractExceptionHandler):
    """Any failure while answering a CanFulfillIntentRequest: NO, never relief speech."""

    def can_handle(self, handler_input, exception):
        return is_can_fulfill(handler_input.request_envelope.request)

    def handle(self, handler_input, exception):
        log_can_fulfill_failure(handler_input.request_envelope.request, exception)
        return cannot_fulfill()


class SkillDisabledHandler(AbstractRequestHandler):
    """The person disabled the skill: delete their stored record. Nobody hears an event's answer."""

    def can_handle(self, handler_input):
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input):
        persistence.forget(handler_input)
        return handler_input.response_builder.response


class ScreenTouchHandler(ConversationHandler):
    """A tap on a screen's button (an APL UserEvent naming an intent, skill/display.py): answered
    exactly as that intent would be."""

    def can_handle(self, handler_input):
        return display.touched_intent(handler_input) in TOUCHABLE

    def reply(self, content, conversation, handler_input):
        handler = TOUCHABLE[display.touched_intent(handler_input)]
        return handler.reply(content, conversation, handler_input)


class FallbackHandler(ConversationHandler):
    """AMAZON.FallbackIntent, and any intent this skill does not know."""

    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def reply(self, content, conversation, handler_input):
        if conversation.question in reminder_replies.QUESTIONS:
            return reminder_reply(
                handler_input, conversation, reminder_replies.fallback(content, conversation)
            )
        return by_stage(conversation, advice.fallback, replies.fallback)(content, conversation)


class SessionEndedHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        log.info(
            "session ended: request=%s reason=%s error=%s",
            request.request_id,
            request.reason,
            request.error,
        )
        return handler_input.response_builder.response


class UnspokenRequestHandler(AbstractRequestHandler):
    """Requests nobody hears an answer to (System.ExceptionEncountered, other skill events, screen
    events): logged and answered with nothing, since speech there is an invalid response."""

    def can_handle(self, handler_input):
        return not any(
            is_request_type(kind)(handler_input)
            for kind in ("LaunchRequest", "IntentRequest", "SessionEndedRequest")
        )

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        log.info(
            "no answer to %s: request=%s error=%s",
            request.object_type,
            request.request_id,
            getattr(request, "error", None),
        )
        return handler_input.response_builder.response


class RelieveAnywayExceptionHandler(AbstractExceptionHandler):
    """Catch-all: log with the request id, never speak the error, still give relief first."""

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        request = handler_input.request_envelope.request
        log.error(
            "request %s failed",
            getattr(request, "request_id", None),
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        reply = replies.error(relief_content(getattr(request, "locale", None)))
        return (
            handler_input.response_builder.speak(reply.speech).set_should_end_session(True).response
        )


def relief_content(locale) -> skill_content.Content:
    """The content to give relief in when something failed: English if the locale's fails too."""
    try:
        return skill_content.for_locale(locale)
    except Exception:
        log.exception("no content for locale %r; giving relief in English", locale)
        return skill_content.load()


# What each of a screen's buttons does: the handler of the intent it stands for.
TOUCHABLE: dict[str, IntentHandler] = {
    display.NEXT: NextHandler(),
    display.BACK: PreviousHandler(),
    display.GONE: CrampGoneHandler(),
}

REQUEST_HANDLERS = (
    LaunchHandler(),
    CrampNowHandler(),
    CrampGoneHandler(),
    CrampPersistsHandler(),
    CrampEasingHandler(),
    NotYetHandler(),
    SideHandler(),
    DrivingHandler(),
    CallForHelpHandler(),
    NextHandler(),
    PreviousHandler(),
    RepeatHandler(),
    StartOverHandler(),
    ReminderAnswerHandler(),
    YesHandler(),
    NoHandler(),
    HelpHandler(),
    StopHandler(),
    PreventionHandler(),
    CausesHandler(),
    SeeDoctorHandler(),
    StretchRoutineHandler(),
    TipHandler(),
    PauseHandler(),
    ResumeHandler(),
    DeleteDataHandler(),
    SetReminderHandler(),
    CancelReminderHandler(),
    ReminderPermissionHandler(),
    SkillDisabledHandler(),
    SessionEndedHandler(),
    ScreenTouchHandler(),  # before UnspokenRequestHandler, which would take any UserEvent
    UnspokenRequestHandler(),
    FallbackHandler(),
)

# The intents whose answer is a relief step whatever the stage.
RELIEF_INTENTS = tuple(
    intent
    for handler in REQUEST_HANDLERS
    if isinstance(handler, ReliefHandler)
    for intent in handler.intents
)


def answers_with_relief(handler_input: HandlerInput, conversation: Conversation) -> bool:
    """Whether the handler the SDK will pick for this request (the first in REQUEST_HANDLERS that
    can handle it; for a tap on a screen's button, the handler of the intent it stands for)
    answers it with a relief step."""
    handler = TOUCHABLE.get(display.touched_intent(handler_input)) or next(
        (handler for handler in REQUEST_HANDLERS if handler.can_handle(handler_input)), None
    )
    return isinstance(handler, ConversationHandler) and handler.answers_with_relief(conversation)
