"""Collect stage: find each student's submission in the class repository as of the deadline."""

from autograder.collect.api import CollectReport, collect_week

__all__ = ["CollectReport", "collect_week"]
