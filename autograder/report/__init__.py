"""Report stage: pandas over the gradebook → class table, per-test pass rates, HTML and CSV."""

from autograder.report.api import ReportFiles, write_report
from autograder.report.tables import ClassTables, class_tables

__all__ = ["ClassTables", "ReportFiles", "class_tables", "write_report"]
