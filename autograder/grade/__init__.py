"""Grade stage: every collected, ungraded submission, in parallel sandboxes, into the gradebook."""

from autograder.grade.api import GradeSummary, grade_week

__all__ = ["GradeSummary", "grade_week"]
