"""``autograder watch``: poll the submission sources, collect and grade each new version, publish
its feedback — minutes after the push instead of after a TA's batch."""

from autograder.watch.service import Watcher

__all__ = ["Watcher"]
