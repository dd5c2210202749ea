"""Alexa request signature verification: the SDK's RequestVerifier, hardened.

ask-sdk-webservice-support's ``RequestVerifier`` does the checks Amazon asks for, but some
inputs escape it as the wrong kind of error, which would be a 500: a certificate
URL that cannot be fetched (and the fetch has no timeout), a body that is not a certificate, a
certificate with no subject alternative names, a signature that is not base64, a key that is
not RSA. This subclass keeps its checks and order and turns each of those into the
``VerificationException`` that the endpoint answers with 400.
"""

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from urllib.request import urlopen

from ask_sdk_webservice_support.verifier import RequestVerifier, VerificationException
from ask_sdk_webservice_support.verifier_constants import CERT_CHAIN_DOMAIN, CHARACTER_ENCODING
from asn1crypto import pem
from certvalidator import CertificateValidator, ValidationContext
from certvalidator.errors import PathError, ValidationError
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

#: Seconds to wait for Amazon's certificate chain before refusing the request.
FETCH_TIMEOUT = 5
#: A real chain is a few kilobytes; read no more than this.
MAX_CHAIN_BYTES = 64 * 1024
#: Downloaded chains kept per process, by URL (Amazon uses a handful of URLs at a time). Only
#: the download is saved: the PEM bytes are kept as fetched, and every request still validates
#: the chain (trust path, dates, key usage, the echo-api.amazon.com name) before using it.
MAX_CACHED_CHAINS = 32


def fetch_certificate_chain(url: str) -> bytes:
    """Download a PEM certificate chain from an already validated Amazon URL."""
    with urlopen(url, timeout=FETCH_TIMEOUT) as response:
        return response.read(MAX_CHAIN_BYTES + 1)


class AlexaRequestVerifier(RequestVerifier):
    """Checks the Signature-256 header against the body with Amazon's signing certificate.

    ``trust_roots`` replaces the system's certificate authorities (None: the system's, as the
    SDK does); ``fetch`` downloads a chain from its URL. Both exist so tests and the load test
    can use a private certificate authority without a network.
    """

    def __init__(
        self,
        trust_roots: Sequence[bytes] | None = None,
        fetch: Callable[[str], bytes] = fetch_certificate_chain,
    ):
        super().__init__()
        self._trust_roots = list(trust_roots) if trust_roots is not None else None
        self._fetch = fetch

    def _validate_certificate_url(self, cert_url):
        try:
            super()._validate_certificate_url(cert_url)
        except ValueError as error:  # urlparse: a bad port or a broken IPv6 host
            raise VerificationException("Signature Certificate URL is malformed") from error

    def _load_cert_chain(self, cert_url):
        """The PEM chain at ``cert_url``: downloaded once, then from the cache (raw bytes, not
        validated; _validate_cert_chain runs on them for every request)."""
        if cert_url in self._cert_cache:
            return self._cert_cache[cert_url]
        try:
            chain = self._fetch(cert_url)
        except (OSError, ValueError) as error:  # URLError, HTTPError and timeouts are OSErrors
            raise VerificationException("Signature certificate chain could not be fetched") from (
                error
            )
        if len(chain) > MAX_CHAIN_BYTES:
            raise VerificationException("Signature certificate chain is too large")
        if len(self._cert_cache) >= MAX_CACHED_CHAINS:
            self._cert_cache.clear()
        self._cert_cache[cert_url] = chain
        return chain

    def _validate_cert_chain(self, cert_chain):
        try:
            certificates = [der for _, _, der in pem.unarmor(cert_chain, multiple=True)]
            if not certificates:
                raise VerificationException("Signature certificate chain is empty")
            context = ValidationContext(trust_roots=self._trust_roots)
            validator = CertificateValidator(certificates[0], certificates[1:], context)
            validator.validate_usage(key_usage={"digital_signature"})
        except (PathError, ValidationError) as error:
            raise VerificationException("Certificate chain is not valid") from error
        except (ValueError, TypeError) as error:  # not PEM, or PEM that is not a certificate
            raise VerificationException("Certificate chain could not be read") from error

    def _validate_end_certificate(self, x509_cert):
        now = datetime.now(UTC)
        if not x509_cert.not_valid_before_utc <= now <= x509_cert.not_valid_after_utc:
            raise VerificationException("Signing Certificate expired")
        try:
            names = x509_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound:
            names = None
        if names is None or CERT_CHAIN_DOMAIN not in names.value.get_values_for_type(x509.DNSName):
            raise VerificationException(
                f"{CERT_CHAIN_DOMAIN} domain missing in Signature Certificate Chain"
            )

    def _valid_request_body(self, cert_chain, signature, serialized_request_env):
        try:
            decoded_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationException("Signature is not base64") from error
        public_key = cert_chain.public_key()
        if not isinstance(public_key, RSAPublicKey):
            raise VerificationException("Signing certificate does not hold an RSA key")
        try:
            public_key.verify(
                decoded_signature,
                serialized_request_env.encode(CHARACTER_ENCODING),
                self._padding,
                self._hash_algorithm,
            )
        except InvalidSignature as error:
            raise VerificationException("Request body is not valid") from error
