"""Authoring kit for hidden test cases, and the judge that decides their verdicts.

A week's ``cases.py`` (in ``assignments/weekNN_*/``, never shipped to students) defines
``cases() -> list[Case]``, usually one ``question(...)`` per graded function (see
``casekit.question``). Each case plans calls (inputs chosen here, in the trusted process) and
judges the observations that come back against references computed here.
"""

from autograder.casekit.core import Case, Observation, Passed, Status, Verdict
from autograder.protocol.calls import Call, ForbiddenSpec

__all__ = ["Call", "Case", "ForbiddenSpec", "Observation", "Passed", "Status", "Verdict"]
