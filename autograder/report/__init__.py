"""Report stage: pandas over the gradebook → dashboard, exports, report cards."""

from autograder.report.api import ReportFiles, load, write_report
from autograder.report.finals import final_scores
from autograder.report.tables import ClassTables, class_tables

__all__ = ["ClassTables", "ReportFiles", "class_tables", "final_scores", "load", "write_report"]
