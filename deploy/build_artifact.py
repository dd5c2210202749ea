"""Build the Lambda artifact: what `sam build` runs, through `make build-CrampCoachFunction`.

    python deploy/build_artifact.py ARTIFACTS_DIR --python PYTHON3.13

The artifact holds only what runs on Lambda:

- the runtime dependencies pinned whole in lambda/requirements.txt, installed with --no-deps so
  boto3 (which the Lambda runtime provides) stays out, and from pure-Python wheels only, so the
  same artifact runs on arm64 Lambda and on the x86-64 machine whose tests prove it complete;
  of their metadata only the license files (nothing reads the rest at run time), and not
  dateutil's copy of the time zone database (nothing here asks dateutil for a zone; it would
  read the system's);
- the skill package and the Lambda entry (the text console is a package of its own, left out);
- the content as JSON, one file per language and per locale with its overlay and facts already
  applied, which the content loader prefers: faster to parse, and no PyYAML;
- the screens' APL documents and drawings (skill/screens/), without their indentation;
- bytecode compiled by Python 3.13, the runtime's version. Lambda's code directory is read-only,
  so without it every cold start compiles every module again (see README, "Performance"). The
  dependencies ship as bytecode only, in place of their sources (the zip is half the size);
  the skill and the entry keep their sources beside it, for readable tracebacks.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the skill package is the repository's

from skill import content as skill_content  # noqa: E402  (after the path it needs)

LAMBDA_PYTHON_VERSION = "3.13"
# Ours: shipped with their sources. Everything else in the artifact is a dependency.
OWN = frozenset({"skill", "lambda_function.py"})
# What a dependency's metadata keeps: its license and notices.
LICENSE_FILE = re.compile(r"(?i)(licen[cs]e|notice|copying|authors)")
# dateutil's own copy of the IANA time zone database.
DATEUTIL_ZONES = Path("dateutil", "zoneinfo", "dateutil-zoneinfo.tar.gz")


def install_dependencies(python: str, artifacts: Path) -> None:
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-compile",
            "--only-binary=:all:",
            "--platform=any",
            "--implementation=py",
            "--abi=none",
            f"--python-version={LAMBDA_PYTHON_VERSION}",
            f"--target={artifacts}",
            f"--requirement={ROOT / 'lambda' / 'requirements.txt'}",
        ],
        check=True,
    )
    shutil.rmtree(artifacts / "bin", ignore_errors=True)  # console scripts, never run on Lambda
    for metadata in artifacts.glob("*.dist-info"):
        for path in sorted(metadata.rglob("*"), reverse=True):
            if path.is_file() and not LICENSE_FILE.search(path.name):
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    (artifacts / DATEUTIL_ZONES).unlink()


def copy_skill(artifacts: Path) -> None:
    source = ROOT / "skill"
    target = artifacts / "skill"
    (target / "content").mkdir(parents=True)
    for module in sorted(source.glob("*.py")):
        shutil.copy2(module, target / module.name)
    for content in sorted((source / "content").glob("*.yaml")):
        data = skill_content.composed(content.stem, skill_content.read_source)
        json_text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        (target / "content" / f"{content.stem}.json").write_text(json_text, encoding="utf-8")
    for document in sorted((source / "screens").rglob("*.json")):
        packed = target / document.relative_to(source)
        packed.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(document.read_text(encoding="utf-8"))
        json_text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        packed.write_text(json_text, encoding="utf-8")
    shutil.copy2(ROOT / "lambda" / "lambda_function.py", artifacts / "lambda_function.py")


def compile_bytecode(python: str, artifacts: Path) -> None:
    """Bytecode that Python trusts without checking the sources: the artifact never changes.

    The dependencies' modules become bytecode in place of their sources (module.pyc where
    module.py was, which Python imports when there is no source); ours keep their sources, with
    the bytecode in __pycache__.
    """
    compileall = [python, "-m", "compileall", "-q", "-j", "0"]
    dependencies = sorted(path for path in artifacts.iterdir() if path.name not in OWN)
    subprocess.run([*compileall, "-b", *map(str, dependencies)], check=True)
    for dependency in dependencies:
        sources = [dependency] if dependency.is_file() else dependency.rglob("*.py")
        for source in sources:
            if source.suffix == ".py":
                source.unlink()
    own = [artifacts / name for name in sorted(OWN)]
    subprocess.run(
        [*compileall, "--invalidation-mode", "unchecked-hash", *map(str, own)], check=True
    )


def build(artifacts: Path, python: str) -> None:
    if artifacts.exists() and any(artifacts.iterdir()):
        raise SystemExit(f"{artifacts} is not empty: build into a new or empty directory")
    version = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if version != LAMBDA_PYTHON_VERSION:
        raise SystemExit(f"{python} is Python {version}; Lambda runs {LAMBDA_PYTHON_VERSION}")
    artifacts.mkdir(parents=True, exist_ok=True)
    install_dependencies(python, artifacts)
    copy_skill(artifacts)
    compile_bytecode(python, artifacts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("artifacts", type=Path, help="directory to build into (new or empty)")
    parser.add_argument("--python", required=True, help=f"a Python {LAMBDA_PYTHON_VERSION}")
    args = parser.parse_args(argv)
    build(args.artifacts.resolve(), args.python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
