"""The container backend on a real engine (podman or docker) with a built grading image: every
hostile submission scores exactly its honest points inside the container, as in bubblewrap, and
the image holds no hidden tests.

It needs an image, which CI cannot build in its time: `docker/build-cpu-image.sh` builds one
without a registry; then `AUTOGRADER_TEST_IMAGE=autograder-grading:cpu make test` (and
`AUTOGRADER_TEST_ENGINE=docker` for docker; podman is the default here)."""

from __future__ import annotations

import dataclasses
import os
import subprocess

import nbformat
import pytest

from autograder.engine import grade_notebook
from tests.hostile_notebooks import HOSTILE, LIMITS, grade_hostile

IMAGE = os.environ.get("AUTOGRADER_TEST_IMAGE", "")
ENGINE = os.environ.get("AUTOGRADER_TEST_ENGINE", "podman")
pytestmark = pytest.mark.skipif(not IMAGE, reason="no grading image here: build one with docker/build-cpu-image.sh "
                                                  "and set AUTOGRADER_TEST_IMAGE")
CONTAINED = dataclasses.replace(LIMITS, isolation="container", container_engine=ENGINE, container_image=IMAGE)


def test_reference_gets_full_marks_in_the_container(built, tmp_path):
    path = tmp_path / "reference.ipynb"
    nbformat.write(built.solution, str(path))
    result = grade_notebook(path, built.cases, CONTAINED)
    assert result.infra_error is None and result.isolation == f"container:{ENGINE}"
    assert [(c.case_id, c.status, c.points) for c in result.cases] == [
        (c.case_id, c.status, c.points) for c in built.result.reference.cases]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_gets_exactly_its_honest_points_in_the_container(built, tmp_path, name):
    result = grade_hostile(built, tmp_path, name, CONTAINED)
    assert result.isolation == f"container:{ENGINE}"


def test_the_image_holds_no_hidden_tests():
    found = subprocess.run([ENGINE, "run", "--rm", "--network", "none", "--ulimit", "nofile=1024:1024",
                            "--ulimit", "nproc=4096:4096", IMAGE,
                            "sh", "-c", r"find / -xdev \( -name assignments -o -name 'week0*' -o -name grader.yml \) 2>/dev/null"],
                           capture_output=True, text=True, timeout=120)
    assert found.returncode in (0, 1) and found.stdout.strip() == "", found.stdout[:500]
