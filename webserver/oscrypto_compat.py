"""Lets oscrypto 1.3.0 load on OpenSSL 3.0.10 and later, without touching installed files.

Request signature verification goes ask-sdk-webservice-support (flask-ask-sdk's verification
library) -> certvalidator -> oscrypto. oscrypto 1.3.0, the last release, reads the OpenSSL
version with a regular expression that allows one digit per part, so "OpenSSL 3.0.19" fails
with "Error detecting the version of libcrypto" and nothing above it can even be imported.
Upstream fixed the expressions (wbond/oscrypto d5f3437, "Make OpenSSL version regexes more
robust") but never released it.

``install()`` puts an import hook in front of the two oscrypto modules that hold those
expressions. When one of them is imported, the hook reads its source, swaps in the upstream
expressions, and compiles that in memory: nothing on disk changes, no bytecode is cached, and
everything else in oscrypto runs as shipped. The hook is only installed when the installed
source still has the old expressions, so with a fixed oscrypto it does nothing at all.
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys

#: The modules of oscrypto that detect the libcrypto version (cffi and ctypes back ends).
VERSION_MODULES = (
    "oscrypto._openssl._libcrypto_cffi",
    "oscrypto._openssl._libcrypto_ctypes",
)

#: oscrypto 1.3.0's expressions, and the ones upstream replaced them with, as source text.
UPSTREAM_FIX = (
    (
        r"re.search('\\b(\\d\\.\\d\\.\\d[a-z]*)\\b', version_string)",
        r"re.search('\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b', version_string)",
    ),
    (
        r"re.search('(?<=LibreSSL )(\\d\\.\\d(\\.\\d)?)\\b', version_string)",
        r"re.search('(?<=LibreSSL )(\\d+\\.\\d+(\\.\\d+)?)\\b', version_string)",
    ),
    (
        r"re.sub('(\\d)([a-z]+)', '\\1.\\2', version)",
        r"re.sub('(\\d+)([a-z]+)', '\\1.\\2', version)",
    ),
)


def fixed_source(source: str) -> str | None:
    """The source with upstream's version expressions, or None when it needs no fix."""
    if UPSTREAM_FIX[0][0] not in source:
        return None
    for old, new in UPSTREAM_FIX:
        source = source.replace(old, new)
    return source


class _FixedVersionLoader(importlib.machinery.SourceFileLoader):
    """Loads a module from its own file, with the version expressions fixed in memory."""

    def get_code(self, fullname):
        source = self.get_source(fullname)
        return compile(fixed_source(source) or source, self.path, "exec", dont_inherit=True)


class _VersionFixFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in VERSION_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        spec.loader = _FixedVersionLoader(fullname, spec.origin)
        return spec


def needs_fix() -> bool:
    """True when the installed oscrypto still has the expressions that break on OpenSSL 3.0.10+."""
    try:
        spec = importlib.util.find_spec(VERSION_MODULES[0])
    except ImportError:
        return False
    if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
        return False
    return fixed_source(spec.loader.get_source(VERSION_MODULES[0])) is not None


def install() -> bool:
    """Put the fix in front of oscrypto's import if the installed oscrypto needs it.

    Returns whether it did. Call it before anything imports certvalidator or oscrypto.
    """
    if any(isinstance(finder, _VersionFixFinder) for finder in sys.meta_path):
        return True
    if not needs_fix():
        return False
    sys.meta_path.insert(0, _VersionFixFinder())
    return True
