"""The oscrypto fix: real verification loads on OpenSSL 3.0.10+, and it steps aside when fixed."""

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import oscrypto

from webserver import oscrypto_compat

ROOT = Path(__file__).resolve().parents[2]
OSCRYPTO_DIR = Path(oscrypto.__file__).parent
NEW_LINE = r"version_match = re.search('\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b', version_string)"
OLD_LINE = r"version_match = re.search('\\b(\\d\\.\\d\\.\\d[a-z]*)\\b', version_string)"


def test_the_upstream_expressions_replace_the_released_ones():
    fixed = oscrypto_compat.fixed_source(f"x = 1\n{OLD_LINE}\n")
    assert fixed == f"x = 1\n{NEW_LINE}\n"
    assert oscrypto_compat.fixed_source(fixed) is None


def test_oscrypto_reads_the_real_libcrypto_version():
    from oscrypto._openssl._libcrypto import libcrypto_version_info

    libcrypto = ctypes.CDLL(ctypes.util.find_library("crypto"))
    libcrypto.OpenSSL_version.restype = ctypes.c_char_p
    version_string = libcrypto.OpenSSL_version(0).decode()
    assert f" {'.'.join(map(str, libcrypto_version_info))} " in f" {version_string} "


def test_nothing_is_hooked_when_oscrypto_is_already_fixed(tmp_path):
    """A copy of oscrypto with upstream's fix, first on the path: install() does nothing."""
    fixed_copy = tmp_path / "oscrypto"
    shutil.copytree(OSCRYPTO_DIR, fixed_copy, ignore=shutil.ignore_patterns("__pycache__"))
    for name in oscrypto_compat.VERSION_MODULES:
        path = tmp_path / (name.replace(".", "/") + ".py")
        source = path.read_text(encoding="utf-8")
        path.write_text(oscrypto_compat.fixed_source(source) or source, encoding="utf-8")
    code = (
        "import sys\n"
        "from webserver import oscrypto_compat\n"
        "from oscrypto._openssl._libcrypto import libcrypto_version_info\n"
        "import oscrypto\n"
        "hooked = any(type(f).__name__ == '_VersionFixFinder' for f in sys.meta_path)\n"
        "print(oscrypto.__file__.startswith(sys.argv[1]), oscrypto_compat.install(), hooked)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "False", "False"]
