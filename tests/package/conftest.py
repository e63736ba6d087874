"""Fixtures for package tests: an editable copy of the test package."""

import shutil

import pytest

from tests.conftest import DATA_DIR


@pytest.fixture
def package_dir(tmp_path):
    """Copy tests/data to a temporary folder that a test may break."""
    shutil.copytree(DATA_DIR, tmp_path / "pkg")
    return tmp_path / "pkg"


@pytest.fixture
def package_app(make_app, package_dir):
    """An app whose COURSE_DIR and QUIZZES_DIR point at the editable copy."""
    return make_app(COURSE_DIR=package_dir / "course", QUIZZES_DIR=package_dir / "quizzes")
