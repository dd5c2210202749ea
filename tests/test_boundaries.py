"""Adapters stay at the edge: the skill itself never loads a web framework, AWS or a database."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EDGE_MODULES = ("flask", "boto3", "botocore", "sqlite3", "waitress")


def test_importing_the_skill_loads_no_adapter():
    modules = [
        f"skill.{path.stem}" for path in (ROOT / "skill").glob("*.py") if path.stem != "__init__"
    ]
    code = (
        "import sys\n"
        f"for name in {modules!r}: __import__(name)\n"
        f"print([m for m in {EDGE_MODULES!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
