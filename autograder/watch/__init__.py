"""``autograder watch``: poll the submission sources, collect and grade each new version, publish
its feedback — minutes after the push instead of after a TA's batch."""

__all__ = ["Watcher"]


def __getattr__(name: str):
    if name in __all__:
        from autograder.watch import service

        return getattr(service, name)
    raise AttributeError(name)
