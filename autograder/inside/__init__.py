"""Code that runs inside the sandbox, next to student code.

Nothing here decides a verdict: it executes the notebook, calls the student's functions on
inputs the grader chose, and writes back raw values (JSON + .npz, never pickle). Only the
standard library, numpy and torch are imported here — never the judging side.
"""
