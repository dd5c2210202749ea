"""Alexa request signature verification: the SDK's RequestVerifier, hardened and cached.

ask-sdk-webservice-support's ``RequestVerifier`` does the checks Amazon asks for, but some
inputs escape it as the wrong kind of error, which would be a 500 (a certificate URL that cannot
be fetched, a body that is not a certificate, a certificate with no alternative names, a
signature that is not base64, a key that is not RSA), and it validates the whole chain on every
request against a list of system roots it rebuilds every time. This subclass keeps its checks,
in its order, and:

- refuses with ``VerificationException`` (a 400) everything it cannot check;
- checks the headers first and fetches nothing until the signature is well-formed base64 of an
  RSA signature's length;
- normalises the certificate URL (``certificate_url``) before it checks it, fetches it or uses
  it as a key, so that no spelling of Amazon's URL is a new download;
- parses the trust roots once (``TrustRoots``), not per request;
- validates a chain once per normalised URL and downloaded bytes, and keeps the result
  (``ChainCache``) until the earliest expiry in the chain; the signing certificate's name and
  dates and the RSA check of the body still run on every request.
"""

import base64
import binascii
import http.client
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit
from urllib.request import urlopen

from ask_sdk_webservice_support.verifier import RequestVerifier, VerificationException
from ask_sdk_webservice_support.verifier_constants import (
    CERT_CHAIN_DOMAIN,
    CERT_CHAIN_URL_HOSTNAME,
    CERT_CHAIN_URL_PORT,
    CERT_CHAIN_URL_PROTOCOL,
    CHARACTER_ENCODING,
    SIGNATURE_CERT_CHAIN_URL_HEADER,
    SIGNATURE_HEADER,
)
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from certvalidator import CertificateValidator, ValidationContext
from certvalidator.errors import PathError, ValidationError
from certvalidator.registry import CertificateRegistry
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

#: Seconds to wait for Amazon's certificate chain before refusing the request.
FETCH_TIMEOUT = 5
#: A real chain is a few kilobytes; read no more than this.
MAX_CHAIN_BYTES = 64 * 1024
#: Validated chains kept per process (Amazon signs with one or two certificates at a time).
MAX_CACHED_CHAINS = 32
#: Lengths of an RSA signature in bytes (2048, 3072 and 4096-bit keys). Amazon signs with a
#: 2048-bit key; anything else is refused before the certificate is fetched.
SIGNATURE_LENGTHS = frozenset({256, 384, 512})
#: How often the system's trust roots are read again (oscrypto refreshes its copy as often).
ROOTS_REFRESH = timedelta(hours=24)
#: Where Amazon keeps its signing certificates: the path must start with this.
CERT_CHAIN_PATH_PREFIX = "/echo.api/"

#: What a path may hold once normalised: RFC 3986's unreserved characters, sub-delimiters, ":",
#: "@" and "/". No space, tab, backslash, percent-encoding (Amazon's URLs have none) or anything
#: outside ASCII.
_PATH_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")
#: A percent-encoding of an unreserved character ("%2e" is "."): decoded before dot segments
#: are removed, as RFC 3986 section 6.2.2.2 says, so that "%2e%2e" is "..".
_ENCODED_UNRESERVED = re.compile(r"%(2[DdEe]|5[Ff]|7[Ee]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa])")


def fetch_certificate_chain(url: str) -> bytes:
    """Download a PEM certificate chain from an already checked and normalised Amazon URL."""
    with urlopen(url, timeout=FETCH_TIMEOUT) as response:
        return response.read(MAX_CHAIN_BYTES + 1)


def certificate_url(url: str) -> str:
    """``url`` checked as Amazon asks and normalised: the one spelling used to fetch and cache.

    Scheme and host lowercased, the default port, the fragment and percent-encoded unreserved
    characters dropped, dot segments removed. Refused (VerificationException): anything but
    https://s3.amazonaws.com[:443]/echo.api/..., user information, a query, whitespace or
    control characters, any other percent-encoding, a malformed port or host.
    """
    if not url.isascii() or not url.isprintable() or " " in url:
        raise VerificationException("Signature Certificate URL is malformed")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # a port that is not a number, a broken IPv6 host
        raise VerificationException("Signature Certificate URL is malformed") from error
    if parts.scheme.lower() != CERT_CHAIN_URL_PROTOCOL:
        raise VerificationException("Signature Certificate URL has invalid protocol")
    if "@" in parts.netloc:
        raise VerificationException("Signature Certificate URL has user information")
    if (parts.hostname or "").lower() != CERT_CHAIN_URL_HOSTNAME:
        raise VerificationException("Signature Certificate URL has invalid hostname")
    if port is not None and port != CERT_CHAIN_URL_PORT:
        raise VerificationException("Signature Certificate URL has invalid port")
    if parts.query:
        raise VerificationException("Signature Certificate URL has a query")
    path = _ENCODED_UNRESERVED.sub(lambda match: unquote(match[0]), parts.path)
    if not _PATH_CHARACTERS.fullmatch(path):
        raise VerificationException("Signature Certificate URL is malformed")
    path = remove_dot_segments(path)
    if not path.startswith(CERT_CHAIN_PATH_PREFIX):
        raise VerificationException("Signature Certificate URL has invalid path")
    return f"{CERT_CHAIN_URL_PROTOCOL}://{CERT_CHAIN_URL_HOSTNAME}{path}"


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4 for an absolute path: "/a/./b/../c" is "/a/c"."""
    output: list[str] = []
    segments = path.split("/")[1:]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


class TrustRoots:
    """The certificate authorities chains must lead to, parsed once and shared.

    certvalidator, left to itself, reads the system's roots again for every chain it validates,
    from objects it shares between threads and parses lazily, and under concurrent first use
    fails with KeyError. Here they are read and parsed completely when the verifier is built, and
    again (system roots only) once ``ROOTS_REFRESH`` has passed; every validation runs under one
    lock. Validation is rare (once per chain, see ChainCache), so the lock costs nothing on the
    path of a normal request.
    """

    def __init__(self, roots: Sequence[bytes] | None = None):
        self._given = list(roots) if roots is not None else None
        self.lock = threading.Lock()
        with self.lock:
            self._load()

    def context(self, moment: datetime) -> ValidationContext:
        """A fresh ValidationContext over the shared roots, at ``moment``. Hold ``lock``."""
        if self._given is None and moment >= self._loaded_at + ROOTS_REFRESH:
            self._load()
        context = ValidationContext(trust_roots=[], moment=moment)
        context.certificate_registry = _copy_registry(self._registry)
        return context

    def _load(self) -> None:
        if self._given is None:
            from oscrypto import trust_list

            certificates = [certificate for certificate, _, _ in trust_list.get_list()]
        else:
            certificates = [_load_certificate(root) for root in self._given]
        # Parse every part now, while one thread holds them: certvalidator reads them lazily.
        _ = [certificate.native for certificate in certificates]
        self._registry = CertificateRegistry(trust_roots=certificates)
        self._loaded_at = datetime.now(UTC)


def _load_certificate(data: bytes) -> asn1_x509.Certificate:
    if pem.detect(data):
        _, _, data = pem.unarmor(data)
    return asn1_x509.Certificate.load(data)


def _copy_registry(base: CertificateRegistry) -> CertificateRegistry:
    """A registry holding ``base``'s roots, to which a validation can add its own chain.

    Built from the parsed maps of ``base`` (certvalidator 0.11.1's, its last release) rather
    than from the roots again, which would cost milliseconds per validation.
    """
    registry = CertificateRegistry(trust_roots=[])
    registry._subject_map = {name: list(certs) for name, certs in base._subject_map.items()}
    registry._key_identifier_map = dict(base._key_identifier_map)
    registry._ca_lookup = base._ca_lookup
    return registry


@dataclass(frozen=True)
class ValidatedChain:
    """A chain that led to a trusted root: what every request still checks, and until when."""

    signing_certificate: x509.Certificate
    #: The earliest notAfter of the chain and its root: the result is not used after it.
    valid_until: datetime


class ChainCache:
    """Validated chains by normalised URL, least recently used first out, bounded in size.

    An entry is one download and the validation of exactly those bytes: nothing is downloaded
    again for its URL while it lives, so the URL names the bytes too. It is dropped when the
    earliest certificate in its chain expires; the next request downloads and validates again.
    """

    def __init__(self, size: int = MAX_CACHED_CHAINS):
        self._size = size
        self._entries: OrderedDict[str, ValidatedChain] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str, now: datetime) -> ValidatedChain | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            if now >= entry.valid_until:
                del self._entries[url]
                return None
            self._entries.move_to_end(url)
            return entry

    def put(self, url: str, entry: ValidatedChain) -> None:
        with self._lock:
            self._entries[url] = entry
            self._entries.move_to_end(url)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


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
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        super().__init__()
        self.trust_roots = TrustRoots(trust_roots)
        self.chains = ChainCache()
        self._fetch = fetch
        self._clock = clock

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        url = _single_header(headers, SIGNATURE_CERT_CHAIN_URL_HEADER)
        signature = _single_header(headers, SIGNATURE_HEADER)
        if url is None or signature is None:
            raise VerificationException("Missing Signature/Certificate for the skill request")
        decoded_signature = decode_signature(signature)
        chain = self._validated_chain(certificate_url(url))
        self._validate_end_certificate(chain.signing_certificate)
        self._check_body(chain.signing_certificate, decoded_signature, serialized_request_env)

    def _validated_chain(self, url: str) -> ValidatedChain:
        """From the cache, or downloaded and validated (then cached)."""
        chain = self.chains.get(url, self._clock())
        if chain is None:
            chain = self._validate_cert_chain(self._load_cert_chain(url))
            self.chains.put(url, chain)
        return chain

    def _load_cert_chain(self, cert_url):
        """The PEM chain at ``cert_url`` (normalised), downloaded with a time and size limit."""
        try:
            chain = self._fetch(cert_url)
        except (OSError, ValueError, http.client.HTTPException) as error:
            # URLError, HTTPError and timeouts are OSErrors; InvalidURL is an HTTPException
            raise VerificationException("Signature certificate chain could not be fetched") from (
                error
            )
        if len(chain) > MAX_CHAIN_BYTES:
            raise VerificationException("Signature certificate chain is too large")
        return chain

    def _validate_cert_chain(self, cert_chain) -> ValidatedChain:
        """Validate ``cert_chain`` (PEM) up to a trusted root, for digital signatures."""
        try:
            certificates = [der for _, _, der in pem.unarmor(cert_chain, multiple=True)]
            if not certificates:
                raise VerificationException("Signature certificate chain is empty")
            with self.trust_roots.lock:
                context = self.trust_roots.context(self._clock())
                validator = CertificateValidator(certificates[0], certificates[1:], context)
                path = validator.validate_usage(key_usage={"digital_signature"})
                valid_until = min(
                    certificate["tbs_certificate"]["validity"]["not_after"].native
                    for certificate in path
                )
            signing_certificate = x509.load_der_x509_certificate(certificates[0])
        except (PathError, ValidationError) as error:
            raise VerificationException("Certificate chain is not valid") from error
        except (ValueError, TypeError) as error:  # not PEM, or PEM that is not a certificate
            raise VerificationException("Certificate chain could not be read") from error
        return ValidatedChain(signing_certificate, valid_until)

    def _validate_end_certificate(self, x509_cert):
        now = self._clock()
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

    def _check_body(self, certificate, signature: bytes, serialized_request_env: str) -> None:
        public_key = certificate.public_key()
        if not isinstance(public_key, RSAPublicKey):
            raise VerificationException("Signing certificate does not hold an RSA key")
        try:
            public_key.verify(
                signature,
                serialized_request_env.encode(CHARACTER_ENCODING),
                self._padding,
                self._hash_algorithm,
            )
        except InvalidSignature as error:
            raise VerificationException("Request body is not valid") from error


def decode_signature(signature: str) -> bytes:
    """The Signature-256 header's bytes, if it can be an RSA signature at all."""
    try:
        decoded = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError) as error:
        raise VerificationException("Signature is not base64") from error
    if len(decoded) not in SIGNATURE_LENGTHS:
        raise VerificationException("Signature has the wrong length")
    return decoded


def _single_header(headers, name: str) -> str | None:
    """The value of header ``name``; refused if it is sent more than once."""
    values = [value for key, value in headers.items() if key.lower() == name.lower()]
    if len(values) > 1:
        raise VerificationException(f"{name} is sent more than once")
    return values[0] if values else None
