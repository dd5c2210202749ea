"""Cramp Coach as a self-hosted endpoint: flask-ask-sdk's SkillAdapter under waitress, with
cheap checks in front and a hardened signature verifier.

Importing the package first makes oscrypto importable on OpenSSL 3.0.10+ (see
``webserver.oscrypto_compat``), since request verification needs it.
"""

from webserver import oscrypto_compat

oscrypto_compat.install()
