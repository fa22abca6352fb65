"""Week 1: the Seven-Patterns write-up, graded by an automatic rubric (no code is run)."""
