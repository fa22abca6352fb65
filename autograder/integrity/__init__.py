"""Integrity: code similarity across a cohort and against archived cohorts, for a TA to review.
It never changes a score."""
