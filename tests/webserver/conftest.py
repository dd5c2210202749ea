import pytest
from alexa_signing import CHAIN_URL, CertificateAuthority

from console import envelopes
from console.nlu import Understanding
from webserver.app import Settings, create_app


@pytest.fixture(scope="session")
def authority():
    return CertificateAuthority()


@pytest.fixture(scope="session")
def alexa_certificate(authority):
    return authority.issue()


@pytest.fixture
def chains(alexa_certificate):
    """What the verifier "downloads": URL -> PEM chain. Tests add their own."""
    return {CHAIN_URL: alexa_certificate.chain}


@pytest.fixture
def make_client(authority, chains):
    """A test client for an app with production settings, trusting only the test authority."""

    def make(**settings):
        app = create_app(Settings(**settings), signature_verifier=authority.verifier(chains))
        return app.test_client()

    return make


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture(scope="session")
def understanding():
    return Understanding("en-US")


@pytest.fixture
def say(understanding):
    """An IntentRequest envelope for an utterance, in a new session (for skill_id)."""

    def build(utterance: str, skill_id: str = envelopes.DEFAULT_SKILL_ID) -> dict:
        session = envelopes.Session(skill_id=skill_id)
        return envelopes.intent_request(session, understanding.understand(utterance))

    return build
