"""Train/predict projects (week 7): the grader trains each project itself, in the sandbox, on the task
its assignment folder declares (``task.py``)."""

from autograder.project.grade import grade_project
from autograder.project.task import ProjectTask, load_task

__all__ = ["ProjectTask", "grade_project", "load_task"]
