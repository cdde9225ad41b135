"""The import contract (`make lint` runs `lint-imports` on pyproject.toml) holds today, and it
fails the moment one boundary is crossed: one concern reading another's models or reaching past
its `api.py`, or a lower layer calling up."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on a copy of the package, with the project's contracts."""
    return subprocess.run(
        [str(LINT), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "govid", tmp_path / "govid", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def cross(tree: Path, module: str, line: str) -> None:
    path = tree / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")


def test_the_contract_holds_on_the_tree_as_it_is(tree):
    result = lint(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_recovery_reading_the_sms_models_breaks_it(tree):
    cross(tree, "govid.recovery.flow", "from govid.sms.models import Message")
    result = lint(tree)
    assert result.returncode == 1
    assert "govid.recovery.flow -> govid.sms.models" in result.stdout


def test_the_directory_calling_up_into_sso_breaks_it(tree):
    cross(tree, "govid.directory.changes", "from govid.sso import holds")
    result = lint(tree)
    assert result.returncode == 1
    assert "govid.directory is not allowed to import govid.sso" in result.stdout


def test_a_page_part_calling_into_the_back_office_breaks_it(tree):
    cross(tree, "govid.web.fields", "from govid.backoffice import staff")
    result = lint(tree)
    assert result.returncode == 1
    assert "govid.web is not allowed to import govid.backoffice" in result.stdout


def test_reaching_past_a_concerns_face_breaks_it(tree):
    """sms's face offers queue_sms; taking it from the module behind the face is refused."""
    cross(tree, "govid.passwords.change", "from govid.sms.delivery import queue_sms as q")
    result = lint(tree)
    assert result.returncode == 1
    assert "govid.passwords.change -> govid.sms.delivery" in result.stdout
