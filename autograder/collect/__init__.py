"""Collect stage: find each student's submission in the class repository as of the deadline.

``collect_week`` is imported on first use, so that the leaf modules here (git_history, scan),
which the assignment kinds build on, import without the stage itself."""

__all__ = ["CollectReport", "collect_week"]


def __getattr__(name: str):
    if name in __all__:
        from autograder.collect import api

        return getattr(api, name)
    raise AttributeError(name)
