"""Authoring kit for hidden test cases, and the judge that decides their verdicts.

A week's ``cases.py`` (in ``assignments/weekNN_*/``, never shipped to students) defines
``cases() -> list[Case]``. Each case plans calls (inputs chosen here, in the trusted process)
and judges the observations that come back against references computed here.
"""

from autograder.casekit.core import Case, Observation, Passed, Status, Verdict
from autograder.protocol.calls import ForbiddenSpec
from autograder.protocol.calls import Call

__all__ = ["Call", "Case", "ForbiddenSpec", "Observation", "Passed", "Status", "Verdict"]
