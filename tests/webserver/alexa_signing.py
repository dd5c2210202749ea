"""A private certificate authority that signs requests the way Alexa does, for tests only.

Alexa signs the raw body with SHA-256 and RSA PKCS#1 v1.5, puts the base64 signature in the
Signature-256 header, and the URL of its PEM chain (signing certificate first, with
echo-api.amazon.com among its names) in SignatureCertChainUrl.
"""

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from webserver.verification import AlexaRequestVerifier

CHAIN_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"
ALEXA_NAME = "echo-api.amazon.com"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class CertificateAuthority:
    """A root that issues signing certificates."""

    name: str = "Cramp Coach Test Root"
    key: rsa.RSAPrivateKey = field(default_factory=_key)
    certificate: x509.Certificate = field(init=False)

    def __post_init__(self):
        now = datetime.now(UTC)
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(self.name))
            .issuer_name(_name(self.name))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def issue(
        self, names: tuple[str, ...] = (ALEXA_NAME,), expired: bool = False
    ) -> "SigningCertificate":
        """A signing certificate for ``names`` (none: no subject alternative names at all)."""
        key = _key()
        now = datetime.now(UTC)
        start = now - timedelta(days=30 if expired else 1)
        end = now + timedelta(days=-1 if expired else 30)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(names[0] if names else "no names"))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_encipherment=True,
                    content_commitment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name) for name in names]),
                critical=False,
            )
        certificate = builder.sign(self.key, hashes.SHA256())
        return SigningCertificate(key=key, chain=_pem(certificate) + _pem(self.certificate))

    def verifier(self, chains: dict[str, bytes]) -> AlexaRequestVerifier:
        """A verifier that trusts only this authority and "fetches" chains from ``chains``."""

        def fetch(url: str) -> bytes:
            if url not in chains:
                raise OSError(f"nothing served at {url}")
            return chains[url]

        return AlexaRequestVerifier(trust_roots=[self.der], fetch=fetch)


@dataclass
class SigningCertificate:
    key: rsa.RSAPrivateKey
    chain: bytes

    def headers(self, body: bytes, url: str = CHAIN_URL) -> dict[str, str]:
        """The headers Alexa would send with ``body``."""
        signature = self.key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return {
            "Content-Type": "application/json; charset=utf-8",
            "SignatureCertChainUrl": url,
            "Signature-256": base64.b64encode(signature).decode("ascii"),
        }
