"""The HTTP endpoint: signed requests answered, everything else refused with a short reason."""

import json
import logging
from urllib.error import URLError

import pytest
from alexa_signing import CHAIN_URL, CertificateAuthority
from ask_sdk_webservice_support.verifier import VerificationException
from cryptography import x509
from web_helpers import (
    aged,
    body_of,
    check_refusal,
    check_reply,
    launch,
    permission_answer,
    post_signed,
)

from console import transcript
from skill import content as skill_content
from webserver import envelope as envelope_checks
from webserver import verification
from webserver.app import MAX_BODY_BYTES, Settings, create_app

OTHER_SKILL = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
OUR_SKILL = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"


def spoken(reply) -> str:
    return transcript.to_transcript(reply.get_json()["response"]["outputSpeech"]["ssml"])


def test_health_check_answers(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.get_json() == {"status": "ok"}


def test_a_signed_launch_is_answered_with_the_launch_question(client, alexa_certificate):
    reply = post_signed(client, alexa_certificate, launch())
    assert reply.status_code == 200
    check_reply(reply.get_json(), "LaunchRequest")
    assert spoken(reply) == skill_content.for_locale("en-US").phrase("launch")


def test_a_signed_cramp_gets_the_calf_stretch_first(client, alexa_certificate, say):
    reply = post_signed(client, alexa_certificate, say("my calf is cramping"))
    assert reply.status_code == 200
    first_step = skill_content.for_locale("en-US").sequences["calf"].steps[0].do
    assert first_step in spoken(reply)


def test_alexas_answer_to_the_reminders_permission_question_is_answered(client, alexa_certificate):
    """Connections.Response: here the person said no, so nothing is set and the card is sent."""
    reply = post_signed(client, alexa_certificate, permission_answer("DENIED"))
    assert reply.status_code == 200
    check_reply(reply.get_json(), "Connections.Response")
    assert spoken(reply) == skill_content.load("en").reminder_text("no_permission")
    assert reply.get_json()["response"]["card"]["type"] == "AskForPermissionsConsent"


def _with(event: dict, path: str, value) -> dict:
    """``event`` with the field at dotted ``path`` set to ``value`` (or removed for ...)."""
    *parents, name = path.split(".")
    target = event
    for parent in parents:
        target = target[parent]
    if value is ...:
        del target[name]
    else:
        target[name] = value
    return event


BAD_ENVELOPES = [
    ("a JSON array", lambda: [launch()], "not a JSON object"),
    ("no request", lambda: _with(launch(), "request", ...), "request is missing"),
    ("request is text", lambda: _with(launch(), "request", "hi"), "request must be an object"),
    ("no version", lambda: _with(launch(), "version", ...), "version is missing"),
    ("numeric request id", lambda: _with(launch(), "request.requestId", 7), "must be a string"),
    ("unknown type", lambda: _with(launch(), "request.type", "PizzaRequest"), "unknown request"),
    ("no timestamp", lambda: _with(launch(), "request.timestamp", ...), "timestamp is missing"),
    (
        "timestamp not a time",
        lambda: _with(launch(), "request.timestamp", "yesterday"),
        "not an ISO 8601",
    ),
    (
        "timestamp without zone",
        lambda: _with(launch(), "request.timestamp", "2030-01-01T00:00:00"),
        "no time zone",
    ),
    ("no context", lambda: _with(launch(), "context", ...), "context is missing"),
    (
        "no application id",
        lambda: _with(launch(), "context.System.application", {}),
        "applicationId is missing",
    ),
    (
        "attributes are a list",
        lambda: _with(launch(), "session.attributes", [1, 2]),
        "session.attributes must be an object",
    ),
    ("session.new is text", lambda: _with(launch(), "session.new", "yes"), "true or false"),
    ("a launch without a session", lambda: _with(launch(), "session", ...), "session is missing"),
    (
        "a path for a locale",
        lambda: _with(launch(), "request.locale", "../../interaction_model/skill"),
        "request.locale is not a language tag",
    ),
    ("an empty locale", lambda: _with(launch(), "request.locale", ""), "not a language tag"),
    (
        "a device that is text",
        lambda: _with(launch(), "context.System.device", "echo"),
        "context.System.device must be an object",
    ),
]


@pytest.mark.parametrize(
    ("make_event", "reason"),
    [(make, reason) for _, make, reason in BAD_ENVELOPES],
    ids=[name for name, _, _ in BAD_ENVELOPES],
)
def test_a_malformed_envelope_is_refused_with_its_reason(client, make_event, reason):
    reply = client.post("/", data=body_of(make_event()), content_type="application/json")
    assert reason in check_refusal(reply, 400)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda intent: intent.update(confirmationStatus=[]), "confirmationStatus is not a known"),
        (lambda intent: intent.update(slots=[]), "request.intent.slots must be an object"),
        (
            lambda intent: intent["slots"]["bodyPart"]["resolutions"]["resolutionsPerAuthority"][
                0
            ].pop("status"),
            "resolutionsPerAuthority.status is missing",
        ),
        (
            lambda intent: intent["slots"]["bodyPart"]["resolutions"]["resolutionsPerAuthority"][0][
                "values"
            ][0]["value"].pop("id"),
            "values.value.id is missing",
        ),
    ],
    ids=[
        "confirmation status",
        "slots a list",
        "resolution without status",
        "resolved value without id",
    ],
)
def test_an_intent_the_sdk_or_the_skill_could_not_read_is_refused(client, say, change, reason):
    event = say("my calf is cramping")
    change(event["request"]["intent"])
    reply = client.post("/", data=body_of(event), content_type="application/json")
    assert reason in check_refusal(reply, 400)


def test_an_intent_without_a_name_is_refused(client, say):
    event = _with(say("next"), "request.intent.name", ...)
    reply = client.post("/", data=body_of(event), content_type="application/json")
    assert "intent.name is missing" in check_refusal(reply, 400)


BAD_BODIES = [
    ("not JSON", b"my calf hurts", "application/json", 400, "not valid JSON"),
    ("wrong content type", body_of(launch()), "text/plain", 415, "must be JSON"),
    ("no content type", body_of(launch()), None, 415, "must be JSON"),
    ("empty body", b"", "application/json", 400, "empty"),
    ("not UTF-8", b'{"version": "\xff"}', "application/json", 400, "not UTF-8"),
    ("deep", b"[" * 5_000 + b"]" * 5_000, "application/json", 400, "nested too deeply"),
    ("NaN", b'{"version": NaN}', "application/json", 400, "not valid JSON"),
    ("oversized", b'"' + b"a" * MAX_BODY_BYTES + b'"', "application/json", 413, "over 128 KB"),
]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [case[1:] for case in BAD_BODIES],
    ids=[case[0] for case in BAD_BODIES],
)
def test_a_bad_body_is_refused_and_the_server_keeps_serving(
    client, alexa_certificate, body, content_type, status, reason
):
    headers = {"Content-Type": content_type} if content_type else {}
    reply = client.post("/", data=body, headers=headers)
    assert reason in check_refusal(reply, status)
    assert post_signed(client, alexa_certificate, launch()).status_code == 200


def test_other_methods_and_paths_are_refused(client):
    check_refusal(client.get("/"), 405)
    check_refusal(client.post("/elsewhere", json={}), 404)


def test_a_request_for_another_skill_is_refused(make_client, alexa_certificate):
    client = make_client(skill_id=OUR_SKILL)
    refused = post_signed(client, alexa_certificate, launch(skill_id=OTHER_SKILL))
    assert "another skill" in check_refusal(refused, 400)
    assert post_signed(client, alexa_certificate, launch(skill_id=OUR_SKILL)).status_code == 200


def test_a_session_naming_another_skill_is_refused(make_client, alexa_certificate):
    client = make_client(skill_id=OUR_SKILL)
    event = _with(launch(skill_id=OUR_SKILL), "session.application.applicationId", OTHER_SKILL)
    assert "another skill" in check_refusal(post_signed(client, alexa_certificate, event), 400)


def test_a_replayed_old_request_is_refused(client, alexa_certificate):
    reply = post_signed(client, alexa_certificate, aged(launch(), seconds=10 * 60))
    assert "Timestamp verification failed" in check_refusal(reply, 400)


def test_a_request_from_the_future_is_refused(client, alexa_certificate):
    reply = post_signed(client, alexa_certificate, aged(launch(), seconds=-10 * 60))
    assert "Timestamp verification failed" in check_refusal(reply, 400)


def test_a_request_within_the_allowed_skew_is_answered(client, alexa_certificate):
    assert post_signed(client, alexa_certificate, aged(launch(), seconds=60)).status_code == 200


def test_an_unsigned_request_is_refused(client):
    reply = client.post("/", json=launch())
    assert "Missing Signature" in check_refusal(reply, 400)


def test_a_signature_over_another_body_is_refused(client, alexa_certificate):
    headers = alexa_certificate.headers(body_of(launch()))
    reply = client.post("/", data=body_of(launch()), headers=headers)
    assert "Request body is not valid" in check_refusal(reply, 400)


def test_a_signature_that_is_not_base64_is_refused(client, alexa_certificate):
    body = body_of(launch())
    headers = {**alexa_certificate.headers(body), "Signature-256": "not base64 at all!"}
    assert "not base64" in check_refusal(client.post("/", data=body, headers=headers), 400)


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.example/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:99999/echo.api/echo-api-cert.pem",
        "https://[s3.amazonaws.com/echo.api/echo-api-cert.pem",
    ],
)
def test_a_certificate_url_that_is_not_amazons_is_refused(client, alexa_certificate, url):
    reply = post_signed(client, alexa_certificate, launch(), url=url)
    assert "Signature Certificate URL" in check_refusal(reply, 400)


def test_a_certificate_that_cannot_be_fetched_is_refused(client, alexa_certificate):
    url = "https://s3.amazonaws.com/echo.api/nothing-here.pem"
    reply = post_signed(client, alexa_certificate, launch(), url=url)
    assert "could not be fetched" in check_refusal(reply, 400)


def test_a_certificate_fetch_that_times_out_is_refused(alexa_certificate, monkeypatch):
    """The production fetch, with the network answering nothing: a 400 after a bounded wait."""
    waited = []

    def no_answer(url, timeout):
        waited.append(timeout)
        raise URLError(TimeoutError("timed out"))

    monkeypatch.setattr(verification, "urlopen", no_answer)
    client = create_app(Settings()).test_client()
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
    reply = post_signed(client, alexa_certificate, launch(), url=url)
    assert "could not be fetched" in check_refusal(reply, 400)
    assert waited == [verification.FETCH_TIMEOUT]


def test_an_oversized_chain_is_refused(client, alexa_certificate, chains):
    url = "https://s3.amazonaws.com/echo.api/huge.pem"
    chains[url] = alexa_certificate.chain * (verification.MAX_CHAIN_BYTES // 1000)
    reply = post_signed(client, alexa_certificate, launch(), url=url)
    assert "too large" in check_refusal(reply, 400)


def test_a_chain_from_an_untrusted_authority_is_refused(client, chains):
    stranger = CertificateAuthority(name="Someone Else").issue()
    url = "https://s3.amazonaws.com/echo.api/stranger.pem"
    chains[url] = stranger.chain
    reply = post_signed(client, stranger, launch(), url=url)
    assert "Certificate chain is not valid" in check_refusal(reply, 400)


@pytest.mark.parametrize(
    ("issue", "reason"),
    [
        ({"expired": True}, "Certificate chain is not valid"),
        ({"names": ("www.example.com",)}, "echo-api.amazon.com domain missing"),
        ({"names": ()}, "echo-api.amazon.com domain missing"),
    ],
    ids=["expired", "another name", "no names"],
)
def test_a_bad_signing_certificate_is_refused(client, authority, chains, issue, reason):
    certificate = authority.issue(**issue)
    url = "https://s3.amazonaws.com/echo.api/bad.pem"
    chains[url] = certificate.chain
    reply = post_signed(client, certificate, launch(), url=url)
    assert reason in check_refusal(reply, 400)


def test_an_expired_certificate_is_refused_by_the_end_certificate_check_too(authority):
    """certvalidator catches expiry first; the verifier's own date check holds on its own."""
    verifier = authority.verifier({})
    expired = x509.load_pem_x509_certificate(authority.issue(expired=True).chain)
    with pytest.raises(VerificationException, match="Signing Certificate expired"):
        verifier._validate_end_certificate(expired)


@pytest.mark.parametrize("chain", [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\n"])
def test_a_chain_that_is_not_certificates_is_refused(client, alexa_certificate, chains, chain):
    url = "https://s3.amazonaws.com/echo.api/garbage.pem"
    chains[url] = chain
    reply = post_signed(client, alexa_certificate, launch(), url=url)
    assert "Certificate chain" in check_refusal(reply, 400)


def test_a_real_bug_is_a_500_without_a_stack_trace(client, monkeypatch):
    def broken(event):
        raise RuntimeError("a bug")

    monkeypatch.setattr(envelope_checks, "fields", broken)
    reply = client.post("/", json=launch())
    assert check_refusal(reply, 500) == "internal error"
    assert "a bug" not in reply.get_data(as_text=True)


def test_turning_verification_off_warns_loudly_at_every_start(caplog):
    caplog.set_level(logging.WARNING, logger="webserver")
    for _ in range(2):
        create_app(Settings(verify_signature=False))
    warnings = [r.getMessage() for r in caplog.records if "DEVELOPMENT ONLY" in r.getMessage()]
    assert len(warnings) == 2
    assert "SIGNATURE" in warnings[0] and "TIMESTAMP" not in warnings[0]


def test_production_settings_do_not_warn(caplog):
    caplog.set_level(logging.WARNING, logger="webserver")
    create_app(Settings())
    assert not [r for r in caplog.records if "DEVELOPMENT ONLY" in r.getMessage()]


def test_with_signature_checks_off_an_unsigned_request_is_answered():
    client = create_app(Settings(verify_signature=False)).test_client()
    reply = client.post("/", json=launch())
    assert reply.status_code == 200
    check_reply(reply.get_json(), "LaunchRequest")


def test_with_timestamp_checks_off_an_old_request_is_answered(alexa_certificate, authority):
    app = create_app(
        Settings(verify_timestamp=False),
        signature_verifier=authority.verifier({CHAIN_URL: alexa_certificate.chain}),
    )
    reply = post_signed(app.test_client(), alexa_certificate, aged(launch(), seconds=3600))
    assert reply.status_code == 200


def test_refusals_are_logged_in_one_line(client, caplog):
    caplog.set_level(logging.INFO)
    client.post("/", json=launch())
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and "Missing Signature" in refusals[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]
    assert json.dumps([r.getMessage() for r in caplog.records]).count("Traceback") == 0


@pytest.fixture
def dispatched(monkeypatch):
    """Each request flask-ask-sdk's SkillAdapter dispatches, and each envelope deserialized."""
    from ask_sdk_core.serialize import DefaultSerializer
    from flask_ask_sdk.skill_adapter import SkillAdapter

    seen = {"dispatches": [], "deserialized": []}
    dispatch = SkillAdapter.dispatch_request
    deserialize = DefaultSerializer.deserialize

    def spy_dispatch(self):
        seen["dispatches"].append(self)
        return dispatch(self)

    def spy_deserialize(self, payload, obj_type):
        seen["deserialized"].append(obj_type)
        return deserialize(self, payload, obj_type)

    monkeypatch.setattr(SkillAdapter, "dispatch_request", spy_dispatch)
    monkeypatch.setattr(DefaultSerializer, "deserialize", spy_deserialize)
    return seen


def test_a_request_is_dispatched_by_the_skill_adapter_and_deserialized_once(
    client, alexa_certificate, dispatched
):
    """The view's checks build no objects: the adapter deserializes the envelope, once."""
    from ask_sdk_model import RequestEnvelope

    reply = post_signed(client, alexa_certificate, launch())
    assert reply.status_code == 200
    check_reply(reply.get_json(), "LaunchRequest")
    assert len(dispatched["dispatches"]) == 1
    assert dispatched["deserialized"] == [RequestEnvelope]


def test_a_refused_request_never_reaches_the_adapter(client, alexa_certificate, dispatched):
    event = _with(launch(), "request.locale", "../../etc")
    assert "not a language tag" in check_refusal(post_signed(client, alexa_certificate, event), 400)
    assert dispatched == {"dispatches": [], "deserialized": []}


def test_the_timestamp_is_checked_before_the_signature(authority, alexa_certificate):
    """A replay is refused before any certificate work: the signature verifier is not called."""
    verifier = authority.verifier({CHAIN_URL: alexa_certificate.chain})
    calls = []
    verify = verifier.verify

    def counting(*args, **kwargs):
        calls.append((args, kwargs))
        return verify(*args, **kwargs)

    verifier.verify = counting
    client = create_app(Settings(), signature_verifier=verifier).test_client()
    reply = client.post("/", json=aged(launch(), seconds=10 * 60))  # unsigned, and old
    assert "Timestamp verification failed" in check_refusal(reply, 400)
    assert calls == []
    assert post_signed(client, alexa_certificate, launch()).status_code == 200
    assert len(calls) == 1


def test_a_handler_that_raises_still_gets_relief_speech_through_the_adapter(
    client, alexa_certificate, dispatched, monkeypatch
):
    """Whatever fails inside the skill, the person hears the first relief instruction."""
    from skill import handlers

    def broken(self, handler_input):
        raise RuntimeError("a bug in the launch handler")

    monkeypatch.setattr(handlers.LaunchHandler, "handle", broken)
    reply = post_signed(client, alexa_certificate, launch())
    assert reply.status_code == 200
    check_reply(reply.get_json(), "LaunchRequest")
    assert reply.get_json()["response"]["shouldEndSession"] is True
    assert len(dispatched["dispatches"]) == 1


def test_a_failure_past_the_exception_handler_still_gets_relief_speech(
    client, alexa_certificate, dispatched, monkeypatch
):
    """ReliefFirstSkill.invoke, which the adapter calls, never raises for a readable request."""
    from skill import handlers

    def broken(self, handler_input):
        raise RuntimeError("a bug in the launch handler")

    def broken_too(self, handler_input, exception):
        raise RuntimeError("a bug in the exception handler")

    monkeypatch.setattr(handlers.LaunchHandler, "handle", broken)
    monkeypatch.setattr(handlers.RelieveAnywayExceptionHandler, "handle", broken_too)
    reply = post_signed(client, alexa_certificate, launch())
    assert reply.status_code == 200
    check_reply(reply.get_json(), "LaunchRequest")
    assert reply.get_json()["response"]["shouldEndSession"] is True
    assert len(dispatched["dispatches"]) == 1
