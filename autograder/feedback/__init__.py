"""Feedback for students: one markdown file per student and week, as visibility allows."""

from autograder.feedback.api import FeedbackFiles, write_feedback
from autograder.feedback.visibility import CaseLine, visible_lines

__all__ = ["CaseLine", "FeedbackFiles", "visible_lines", "write_feedback"]
