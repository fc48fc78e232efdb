"""The declared architecture holds, and would catch a change that breaks it: a lower
layer importing a higher one, or two modules of a package importing each other
(pyproject.toml, [tool.importlinter])."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's Python packages and its pyproject.toml, to break."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc", "*.mo")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_project_keeps_its_contracts(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_a_lower_layer_importing_a_higher_one_fails(tree):
    add_import(tree, "products.validators", "from curation import models  # noqa")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "products.validators -> curation.models" in result.stdout


def test_two_modules_of_a_package_importing_each_other_fail(tree):
    # curation.notifications imports curation.tasks; the reverse closes a cycle.
    add_import(tree, "curation.tasks", "from curation import notifications  # noqa")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "No import cycles between the modules of a package BROKEN" in result.stdout
