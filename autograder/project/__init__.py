"""Week 7: the toy project, trained and scored by the grader in the sandbox."""

from autograder.project.grade import grade_project

__all__ = ["grade_project"]
