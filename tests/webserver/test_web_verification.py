"""The signature verifier: trust roots parsed once, chains validated once, URLs normalised."""

import base64
import http.client
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from alexa_signing import CHAIN_URL, CertificateAuthority
from ask_sdk_webservice_support.verifier import VerificationException
from web_helpers import body_of, check_refusal, launch
from werkzeug.datastructures import Headers

from webserver import verification
from webserver.app import Settings, create_app
from webserver.verification import AlexaRequestVerifier, certificate_url, remove_dot_segments


def post_signed(client, certificate, url=CHAIN_URL, **changes):
    body = body_of(launch())
    headers = {**certificate.headers(body, url), **changes}
    return client.post("/", data=body, headers=headers)


class Counting:
    """A fetch from ``chains`` (URL -> PEM) that counts what it was asked for."""

    def __init__(self, chains: dict[str, bytes]):
        self.chains = chains
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        if url not in self.chains:
            raise OSError(f"nothing served at {url}")
        return self.chains[url]


@pytest.fixture
def fetch(alexa_certificate):
    return Counting({CHAIN_URL: alexa_certificate.chain})


@pytest.fixture
def verifier(authority, fetch):
    return AlexaRequestVerifier(trust_roots=[authority.der], fetch=fetch)


@pytest.fixture
def client(verifier):
    return create_app(Settings(), signature_verifier=verifier).test_client()


def test_a_fresh_server_with_the_system_roots_gives_no_500_under_concurrent_first_use(
    alexa_certificate,
):
    """certvalidator used to parse the shared system roots from many threads at once (KeyError).

    The test authority is not among the system roots, so every answer must be the 400 of an
    untrusted chain; before the roots were parsed once, about a quarter of these were 500s.
    """
    from oscrypto import trust_list

    trust_list.clear_cache()  # the roots oscrypto hands out next are new, unparsed objects
    app = create_app(
        Settings(),
        signature_verifier=AlexaRequestVerifier(fetch=lambda url: alexa_certificate.chain),
    )
    answers: Counter = Counter()
    start = threading.Barrier(16)

    def hammer():
        client = app.test_client()
        start.wait()
        for _ in range(4):
            reply = post_signed(client, alexa_certificate)
            answers[(reply.status_code, reply.get_json()["error"])] += 1

    threads = [threading.Thread(target=hammer) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {(400, "request verification failed: Certificate chain is not valid"): 64}


def test_a_chain_is_fetched_and_validated_once_and_the_rest_checked_on_every_request(
    client, verifier, fetch, alexa_certificate, monkeypatch
):
    validations = []
    validate = verifier._validate_cert_chain
    monkeypatch.setattr(
        verifier, "_validate_cert_chain", lambda c: validations.append(c) or validate(c)
    )
    end_checks = []
    check_end = verifier._validate_end_certificate
    monkeypatch.setattr(
        verifier, "_validate_end_certificate", lambda c: end_checks.append(c) or check_end(c)
    )
    for _ in range(3):
        assert post_signed(client, alexa_certificate).status_code == 200
    assert fetch.asked == [CHAIN_URL]
    assert validations == [alexa_certificate.chain]
    assert len(end_checks) == 3
    other_signature = base64.b64encode(bytes(256)).decode()
    reply = post_signed(client, alexa_certificate, **{"Signature-256": other_signature})
    assert "Request body is not valid" in check_refusal(reply, 400)


def test_a_cached_chain_is_dropped_when_its_first_certificate_expires(authority, alexa_certificate):
    now = [datetime.now(UTC)]
    fetch = Counting({CHAIN_URL: alexa_certificate.chain})
    verifier = AlexaRequestVerifier(trust_roots=[authority.der], fetch=fetch, clock=lambda: now[0])
    client = create_app(Settings(), signature_verifier=verifier).test_client()
    assert post_signed(client, alexa_certificate).status_code == 200
    [entry] = verifier.chains._entries.values()
    assert entry.valid_until == min(
        authority.certificate.not_valid_after_utc,
        entry.signing_certificate.not_valid_after_utc,
    )
    now[0] = entry.valid_until - timedelta(seconds=1)
    assert post_signed(client, alexa_certificate).status_code == 200
    assert len(fetch.asked) == 1
    now[0] = entry.valid_until + timedelta(seconds=1)
    post_signed(client, alexa_certificate)  # certvalidator does not date the root itself
    assert len(fetch.asked) == 2
    now[0] = entry.signing_certificate.not_valid_after_utc + timedelta(seconds=1)
    reply = post_signed(client, alexa_certificate)
    assert "Certificate chain is not valid" in check_refusal(reply, 400)
    assert len(fetch.asked) == 3
    assert len(verifier.chains) == 0


def test_the_cache_is_bounded_and_keeps_the_chains_in_use(authority, alexa_certificate):
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in range(40)]
    fetch = Counting(dict.fromkeys(urls, alexa_certificate.chain))
    verifier = AlexaRequestVerifier(trust_roots=[authority.der], fetch=fetch)
    client = create_app(Settings(), signature_verifier=verifier).test_client()
    for url in urls:
        assert post_signed(client, alexa_certificate, url=urls[0]).status_code == 200
        assert post_signed(client, alexa_certificate, url=url).status_code == 200
    assert len(verifier.chains) == verification.MAX_CACHED_CHAINS
    assert fetch.asked.count(urls[0]) == 1
    assert len(fetch.asked) == len(urls)


SPELLINGS_OF_THE_CHAIN_URL = [
    CHAIN_URL + "#fragment",
    CHAIN_URL + "#",
    CHAIN_URL.replace("https://s3.amazonaws.com", "HTTPS://S3.AmazonAWS.com"),
    CHAIN_URL.replace("s3.amazonaws.com", "s3.amazonaws.com:443"),
    CHAIN_URL.replace("/echo.api/", "/echo.api/./"),
    CHAIN_URL.replace("/echo.api/", "/echo.api/x/../"),
    CHAIN_URL.replace("/echo.api/", "/echo.api/x/%2e%2e/"),
    CHAIN_URL.replace("/echo.api/", "/echo.api/x/%2E./"),
    CHAIN_URL.replace("/echo.api/", "/%65cho.api/"),
    CHAIN_URL.replace("cert", "%63ert"),
]


@pytest.mark.parametrize("url", SPELLINGS_OF_THE_CHAIN_URL)
def test_every_spelling_of_a_url_is_one_key_and_one_download(client, fetch, alexa_certificate, url):
    assert certificate_url(url) == CHAIN_URL
    assert post_signed(client, alexa_certificate).status_code == 200
    assert post_signed(client, alexa_certificate, url=url).status_code == 200
    assert fetch.asked == [CHAIN_URL]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://u:p@s3.amazonaws.com/echo.api/x.pem", "user information"),
        ("https://u@s3.amazonaws.com/echo.api/x.pem", "user information"),
        ("https://s3.amazonaws.com/echo.api/a b.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/a\tb.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/a\x7fb.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/caf\u00e9.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/a\\..\\..\\b.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/other/x.pem", "invalid path"),
        ("https://s3.amazonaws.com/echo.api/%2E%2E/other/x.pem", "invalid path"),
        ("https://s3.amazonaws.com/echo.api/..%2fother/x.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/%20x.pem", "malformed"),
        ("https://s3.amazonaws.com/echo.api/x.pem?versionId=1", "query"),
        ("https://s3.amazonaws.com:80/echo.api/x.pem", "invalid port"),
        ("https://s3.amazonaws.com:https/echo.api/x.pem", "malformed"),
        ("https://s3.amazonaws.com.evil.example/echo.api/x.pem", "invalid hostname"),
        ("ftp://s3.amazonaws.com/echo.api/x.pem", "invalid protocol"),
        ("https://s3.amazonaws.com/echo.api", "invalid path"),
        (CHAIN_URL + ", " + CHAIN_URL, "malformed"),
    ],
)
def test_a_url_that_is_not_plainly_amazons_is_refused_before_any_fetch(
    client, fetch, alexa_certificate, url, reason
):
    with pytest.raises(VerificationException, match=reason):
        certificate_url(url)
    reply = post_signed(client, alexa_certificate, url=url)
    assert reason in check_refusal(reply, 400)
    assert fetch.asked == []


def test_the_certificate_url_header_sent_twice_is_refused(verifier, alexa_certificate, fetch):
    body = body_of(launch())
    headers = Headers(alexa_certificate.headers(body))
    headers.add("SignatureCertChainUrl", CHAIN_URL)
    with pytest.raises(VerificationException, match="more than once"):
        verifier.verify(headers, body.decode(), None)
    assert fetch.asked == []


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("not base64 at all!", "not base64"),
        ("QUJD", "wrong length"),
        (base64.b64encode(bytes(255)).decode(), "wrong length"),
        (base64.b64encode(bytes(256)).decode()[:-4], "wrong length"),
        (base64.b64encode(bytes(128)).decode() * 2, "not base64"),
        ("", "wrong length"),
    ],
)
def test_a_signature_that_cannot_be_rsa_is_refused_before_any_fetch(
    client, fetch, alexa_certificate, signature, reason
):
    reply = post_signed(client, alexa_certificate, **{"Signature-256": signature})
    assert reason in check_refusal(reply, 400)
    assert fetch.asked == []


@pytest.mark.parametrize(
    "failure",
    [http.client.InvalidURL("nonnumeric port"), http.client.RemoteDisconnected("closed")],
    ids=["invalid URL", "remote disconnected"],
)
def test_an_http_client_error_in_the_production_fetch_is_a_400(
    alexa_certificate, monkeypatch, failure
):
    def failing(url, timeout):
        raise failure

    monkeypatch.setattr(verification, "urlopen", failing)
    client = create_app(Settings()).test_client()
    reply = post_signed(client, alexa_certificate)
    assert "could not be fetched" in check_refusal(reply, 400)


@pytest.mark.parametrize(
    ("path", "normal"),
    [
        ("/a/b/c/./../../g", "/a/g"),
        ("/mid/content=5/../6", "/mid/6"),
        ("/a/..", "/"),
        ("/a/.", "/a/"),
        ("/../../a", "/a"),
        ("/a//b/../c", "/a//c"),
        ("/echo.api/x.pem", "/echo.api/x.pem"),
    ],
)
def test_dot_segments_are_removed_as_rfc_3986_says(path, normal):
    assert remove_dot_segments(path) == normal


def test_an_untrusted_chain_is_not_cached(client, fetch):
    stranger = CertificateAuthority(name="Someone Else").issue()
    fetch.chains[CHAIN_URL] = stranger.chain
    for _ in range(2):
        reply = post_signed(client, stranger)
        assert "Certificate chain is not valid" in check_refusal(reply, 400)
    assert fetch.asked == [CHAIN_URL, CHAIN_URL]


def test_the_system_roots_are_read_once_and_again_after_a_day(monkeypatch):
    from oscrypto import trust_list

    reads = []
    get_list = trust_list.get_list

    def counting(*args, **kwargs):
        reads.append(1)
        return get_list(*args, **kwargs)

    monkeypatch.setattr(trust_list, "get_list", counting)
    roots = verification.TrustRoots()
    now = datetime.now(UTC)
    with roots.lock:
        roots.context(now)
        roots.context(now + verification.ROOTS_REFRESH - timedelta(minutes=1))
    assert len(reads) == 1
    with roots.lock:
        roots.context(now + verification.ROOTS_REFRESH + timedelta(minutes=1))
    assert len(reads) == 2
