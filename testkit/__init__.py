"""Shared support for the tests and the benchmarks (neither imports the other): a temporary course
with the project's weeks (course), a week's mutants and alternatives as notebooks (variants), a
synthetic class for report scale (synthetic_class) and the similarity cohorts (similarity_sets).

Not part of the installed package: the repository's root is on ``sys.path`` for both users."""
