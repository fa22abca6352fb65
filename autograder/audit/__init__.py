"""Mutation testing of a week's hidden tests (``autograder audit``)."""

from autograder.audit.api import AuditReport, MutantResult, generate, run_audit
from autograder.audit.page import write_audit

__all__ = ["AuditReport", "MutantResult", "generate", "run_audit", "write_audit"]
