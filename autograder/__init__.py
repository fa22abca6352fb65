"""Autograder for a PyTorch deep-learning course.

Stages (each a subpackage, imported only by the CLI): build → collect → grade → report.
Core modules (config, gradebook, casekit, naming, roster) never import a stage.
Code under ``autograder.inside`` is what runs in the sandbox next to student code.
"""

__version__ = "0.1.0"
