"""Daily stretch reminders through the Alexa Reminders API: set, move, find and cancel one.

Each person has at most one reminder from Cramp Coach, repeating every day at the time they chose.
Nothing here is spoken: every call returns an outcome (and, for a moved reminder, its old time),
and the handlers choose what to say. Every failure becomes an outcome too, never an exception.

The calls go through ask-sdk-model's ReminderManagementServiceClient and ask-sdk-core's
DefaultApiClient, to the request's ``context.System.apiEndpoint`` with its ``apiAccessToken``
(DefaultApiClient refuses any endpoint that is not HTTPS). The client is built only when a
reminder is set or cancelled: ``requests`` is imported then, never on a cramp's cold start, and no
relief step ever calls or waits on the API. DefaultApiClient calls ``requests`` without a
timeout, so each call here gets one, out of a budget for the whole request
(``API_BUDGET_SECONDS``): a slow API costs a person a "sorry", never Alexa's patience.
"""

import functools
import logging
import re
import time
from datetime import UTC, datetime, timedelta

from ask_sdk_model.permission_status import PermissionStatus
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Status,
    Trigger,
    TriggerType,
)

log = logging.getLogger(__name__)

SCOPE = "alexa::alerts:reminders:skill:readwrite"

# What came of a call.
SET = "set"
ALREADY_SET = "already_set"
MOVED = "moved"
CANCELLED = "cancelled"
NONE_TO_CANCEL = "none_to_cancel"
NEEDS_PERMISSION = "needs_permission"  # no permission, or the API answered 401
NOT_ON_THIS_DEVICE = "not_on_this_device"  # the API answered 403
FAILED = "failed"  # anything else: a 5xx, a 429, a timeout, an answer that cannot be read

# The whole request may spend this long on the API, and each call at most CALL_TIMEOUT (to
# connect, then between bytes read). Setting a reminder makes three calls, cancelling one two or
# more; Alexa waits about 8 s, the Lambda function 7 s, of which the store may take 1.5 s.
API_BUDGET_SECONDS = 4.0
CALL_TIMEOUT = (1.0, 2.0)
# The device's time zone is a nicety (the reminder starts on the right day): it gets less.
TIME_ZONE_BUDGET_SECONDS = 1.0
# What the budget is measured with (a test may stand in its own clock).
clock = time.monotonic

_DAILY_RULE = "FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"
# Compiled on first use, by re's own cache: nothing of this is on a cramp's cold start.
_RULE_TIME = r"BYHOUR=(\d{1,2});BYMINUTE=(\d{1,2})"


class ClockTime:
    """A time of day, as the reminder repeats at it.

    A plain class with slots, as skill/state.py's Conversation: a NamedTuple costs a cramp's
    cold start a few tenths of a millisecond to build, and this module is imported by then.
    """

    __slots__ = ("hour", "minute")

    def __init__(self, hour: int, minute: int):
        self.hour = hour
        self.minute = minute

    @classmethod
    def parse(cls, value: str | None) -> "ClockTime | None":
        """A time of day from "21:00", as AMAZON.TIME gives it (and as it is kept in a token);
        None for anything else, such as "EV" for "in the evening"."""
        hour, colon, minute = (value or "").partition(":")
        if not (colon and len(hour) == len(minute) == 2 and (hour + minute).isascii()):
            return None
        if not (hour + minute).isdigit() or int(hour) > 23 or int(minute) > 59:
            return None
        return cls(int(hour), int(minute))

    def __eq__(self, other) -> bool:
        if not isinstance(other, ClockTime):
            return NotImplemented
        return (self.hour, self.minute) == (other.hour, other.minute)

    def __hash__(self) -> int:
        return hash((self.hour, self.minute))

    def __repr__(self) -> str:
        return f"ClockTime({self.hour}, {self.minute})"

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


class Result:
    """What came of a call (one of the outcomes above), and a moved reminder's old time."""

    __slots__ = ("outcome", "previous")

    def __init__(self, outcome: str, previous: ClockTime | None = None):
        self.outcome = outcome
        self.previous = previous


def has_permission(request_envelope) -> bool:
    """Whether the person has let this skill set reminders (context.System.user.permissions)."""
    user = getattr(request_envelope.context.system, "user", None)
    permissions = getattr(user, "permissions", None)
    if permissions is None:
        return False
    if permissions.scopes:
        scope = permissions.scopes.get(SCOPE)
        return scope is not None and scope.status == PermissionStatus.GRANTED
    return bool(permissions.consent_token)


def set_daily(request_envelope, at: ClockTime, text: str) -> Result:
    """Make sure the person has one reminder at ``at`` every day, saying ``text``.

    Their reminders from this skill are read first, so there is never a second one: one already
    at that time is left alone, and one at another time is moved (a single update, so nothing is
    ever half-made). Nothing is created when the reminders cannot be read.
    """
    if not has_permission(request_envelope):
        return Result(NEEDS_PERMISSION)
    if not _can_call(request_envelope):
        return Result(FAILED)
    budget = Budget(API_BUDGET_SECONDS)
    try:
        reminders = _reminders_client(request_envelope, budget)
        ours = _active(reminders.get_reminders())
        if any(_time_of(reminder) == at for reminder in ours):
            return Result(ALREADY_SET)
        request = daily_request(at, text, request_envelope, budget)
        if ours:
            reminders.update_reminder(ours[0].alert_token, request)
            return Result(MOVED, previous=_time_of(ours[0]))
        reminders.create_reminder(request)
        return Result(SET)
    except Exception as error:
        return Result(_failure("set a reminder", error))


def cancel(request_envelope) -> Result:
    """Delete the person's reminders from this skill (there should be one)."""
    if not has_permission(request_envelope):
        return Result(NONE_TO_CANCEL)  # without the permission, this skill can have set none
    if not _can_call(request_envelope):
        return Result(FAILED)
    budget = Budget(API_BUDGET_SECONDS)
    try:
        reminders = _reminders_client(request_envelope, budget)
        ours = _active(reminders.get_reminders())
        for reminder in ours:
            _delete(reminders, reminder.alert_token)
    except Exception as error:
        return Result(_failure("cancel a reminder", error))
    return Result(CANCELLED if ours else NONE_TO_CANCEL)


def daily_request(at: ClockTime, text: str, request_envelope, budget: "Budget") -> ReminderRequest:
    """The reminder: every day at ``at``, in the device's time zone, from its next occurrence.

    Where the time zone cannot be had, the reminder takes the device's own (the API's default)
    and starts a day later at most, rather than fail.
    """
    locale = getattr(request_envelope.request, "locale", None) or "en-US"
    zone = _device_time_zone(request_envelope, budget)
    now = datetime.now(UTC)
    local_now = now.astimezone(zone).replace(tzinfo=None) if zone else now.replace(tzinfo=None)
    start = local_now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if start <= local_now or zone is None:
        start += timedelta(days=1)
    return ReminderRequest(
        request_time=local_now.replace(microsecond=0),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=start,
            time_zone_id=zone.key if zone else None,
            recurrence=Recurrence(
                start_date_time=start,
                recurrence_rules=[_DAILY_RULE.format(hour=at.hour, minute=at.minute)],
            ),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


class Budget:
    """What is left of the time a request may spend on the API, handed out call by call."""

    def __init__(self, seconds: float):
        self.ends = clock() + seconds

    def timeouts(self) -> tuple[float, float]:
        left = self.ends - clock()
        if left <= 0:
            raise TimeoutError("the request's time for the Reminders API is spent")
        return min(CALL_TIMEOUT[0], left), min(CALL_TIMEOUT[1], left)

    def part(self, seconds: float) -> "Budget":
        """A budget of at most ``seconds`` out of this one."""
        part = Budget(seconds)
        part.ends = min(part.ends, self.ends)
        return part


# --- the SDK's clients ------------------------------------------------------------------------


def _reminders_client(request_envelope, budget: Budget):
    from ask_sdk_model.services.reminder_management import ReminderManagementServiceClient

    _read_back_spoken_info()
    return ReminderManagementServiceClient(_api_configuration(request_envelope, budget))


def _device_time_zone(request_envelope, budget: Budget):
    """The device's time zone (the Alexa settings API), or None when it cannot be had."""
    try:
        from zoneinfo import ZoneInfo

        from ask_sdk_model.services.ups import UpsServiceClient

        device_id = request_envelope.context.system.device.device_id
        settings = UpsServiceClient(
            _api_configuration(request_envelope, budget.part(TIME_ZONE_BUDGET_SECONDS))
        )
        return ZoneInfo(settings.get_system_time_zone(device_id))
    except Exception:
        log.warning("no time zone for the device; the reminder takes its default", exc_info=True)
        return None


def _can_call(request_envelope) -> bool:
    """Alexa sends every request an API endpoint and a token; the text console has neither."""
    system = request_envelope.context.system
    if system.api_access_token and system.api_endpoint:
        return True
    log.warning("the request carries no API endpoint or access token: no reminders here")
    return False


def _api_configuration(request_envelope, budget: Budget):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model.services import ApiConfiguration

    system = request_envelope.context.system
    return ApiConfiguration(
        serializer=DefaultSerializer(),
        api_client=_budgeted_api_client_class()(budget),
        authorization_value=system.api_access_token,
        api_endpoint=system.api_endpoint,
    )


@functools.cache
def _budgeted_api_client_class():
    """DefaultApiClient, each of whose calls is bounded by what is left of a Budget.

    Made on first use: importing ask_sdk_core.api_client imports ``requests``.
    """
    from ask_sdk_core.api_client import DefaultApiClient

    class BudgetedApiClient(DefaultApiClient):
        def __init__(self, budget: Budget):
            self.budget = budget

        def _resolve_method(self, request):
            method = super()._resolve_method(request)
            return functools.partial(method, timeout=self.budget.timeouts())

    return BudgetedApiClient


@functools.cache
def _read_back_spoken_info() -> None:
    """Work around ask-sdk-model's AlertInfo, which cannot be read back from the API.

    AlertInfo names the type of its ``spoken_info`` as
    ``ask_sdk_model.services.reminder_management.alert_info_spoken_info.SpokenInfo``, a module
    ask-sdk-model no longer ships (1.82.0 has the same class as ``spoken_info.SpokenInfo``), so
    the deserializer fails on every reminder listed. While that module is missing, AlertInfo is
    pointed at the class that exists; once ask-sdk-model ships the module (or names the right
    one), this does nothing, and it can be deleted.
    """
    import importlib.util

    named = AlertInfo.deserialized_types["spoken_info"]
    module = named.rpartition(".")[0]
    if importlib.util.find_spec(module) is None:
        AlertInfo.deserialized_types = {
            **AlertInfo.deserialized_types,
            "spoken_info": f"{SpokenInfo.__module__}.{SpokenInfo.__name__}",
        }


# --- reading and deleting ---------------------------------------------------------------------


def _active(listed) -> list:
    """The reminders from this skill that will still go off (a daily one stays ON)."""
    return [reminder for reminder in listed.alerts or [] if reminder.status == Status.ON]


def _time_of(reminder) -> ClockTime | None:
    trigger = reminder.trigger
    recurrence = trigger.recurrence if trigger else None
    for rule in (recurrence.recurrence_rules if recurrence else None) or []:
        found = re.search(_RULE_TIME, rule)
        if found:
            return ClockTime(int(found.group(1)), int(found.group(2)))
    scheduled = trigger.scheduled_time if trigger else None
    return ClockTime(scheduled.hour, scheduled.minute) if scheduled else None


def _delete(reminders, alert_token: str) -> None:
    try:
        reminders.delete_reminder(alert_token)
    except Exception as error:
        if getattr(error, "status_code", None) != 404:  # already gone is what was asked
            raise


def _failure(doing: str, error: Exception) -> str:
    status = getattr(error, "status_code", None)
    outcome = {401: NEEDS_PERMISSION, 403: NOT_ON_THIS_DEVICE}.get(status, FAILED)
    log.warning("could not %s: %s (status %s)", doing, error, status, exc_info=outcome == FAILED)
    return outcome
