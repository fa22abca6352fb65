"""Regrades: a student's request in git, a TA's decision with a trail, and the values that count after it."""
