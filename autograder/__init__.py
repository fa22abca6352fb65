"""Autograder for a PyTorch deep-learning course.

Layers, lowest first (docs/architecture.md; tests/test_import_direction.py holds them): shared
vocabulary (errors, protocol, names) → the sandbox side (``inside``, what runs next to student code)
→ the course file and gradebook → machinery (casekit, engine, sources, build, writeup, project) →
kinds → stages (collect, grade, report, feedback, integrity, watch) → cli. No import points up.
"""

__version__ = "0.1.0"
