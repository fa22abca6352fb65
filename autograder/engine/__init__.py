"""Grading one submission: sandboxed execution + verdicts decided outside the sandbox."""

from autograder.engine.limits import Limits
from autograder.engine.notebook_grader import CaseResult, GradeResult, grade_notebook

__all__ = ["CaseResult", "GradeResult", "Limits", "grade_notebook"]
