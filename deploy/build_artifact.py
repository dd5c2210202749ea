"""Build the Lambda artifact: what `sam build` runs, through `make build-CrampCoachFunction`.

    python deploy/build_artifact.py ARTIFACTS_DIR --python PYTHON3.13

The artifact holds only what runs on Lambda:

- the runtime dependencies pinned whole in lambda/requirements.txt, installed with --no-deps so
  boto3 (which the Lambda runtime provides, and which the DynamoDB adapter asks for) stays out,
  and from pure-Python wheels only, so the same artifact runs on arm64 Lambda and on the x86-64
  machine whose tests prove it complete;
- the skill package and the Lambda entry (the text console is a package of its own, left out);
- the content as JSON, one file per language and per locale with its overlay and facts already
  applied, which the content loader prefers: faster to parse, and no PyYAML;
- the screens' APL documents and drawings (skill/screens/), without their indentation;
- bytecode compiled by Python 3.13, the runtime's version. Lambda's code directory is read-only,
  so without it every cold start compiles every module again (see README, "Speed").
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the skill package is the repository's

from skill import content as skill_content  # noqa: E402  (after the path it needs)

LAMBDA_PYTHON_VERSION = "3.13"


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
    """Bytecode that Python trusts without checking the sources: the artifact never changes."""
    subprocess.run(
        [
            python,
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(artifacts),
        ],
        check=True,
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
