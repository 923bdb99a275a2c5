"""Tests never touch the user's ~/.geodesic: the whole session gets a home of its own."""

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def geodesic_home(tmp_path_factory):
    home = tmp_path_factory.mktemp("geodesic-home")
    before = os.environ.get("GEODESIC_HOME")
    os.environ["GEODESIC_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("GEODESIC_HOME", None)
    else:
        os.environ["GEODESIC_HOME"] = before
