"""Cramp Coach as a self-hosted endpoint: a Flask app under waitress, answering through
skill.app.handle_event, with ask-sdk-webservice-support's request verification.

Importing the package first makes oscrypto importable on OpenSSL 3.0.10+ (see
``webserver.oscrypto_compat``), since request verification needs it.
"""

from webserver import oscrypto_compat

oscrypto_compat.install()
