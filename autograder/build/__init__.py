"""Build stage: master notebook + hidden cases → student template, autograder zip, self-check."""

from autograder.build.api import BuildResult, build_week

__all__ = ["BuildResult", "build_week"]
