"""What a student's feedback and report card say about regrades: each decision with its reason,
the requests still open (or not taken, and why), and an override that outlived a regrade."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from autograder.regrade import store

STATUS_TEXT = {store.OPEN: "열림 / open", store.INVALID: "처리 불가 / cannot be decided as it stands",
               store.ACCEPTED: "받아들임 / accepted", store.REJECTED: "받아들이지 않음 / rejected",
               store.DECIDED: "결정됨 / decided", store.WITHDRAWN: "철회 / withdrawn"}
ACTION_TEXT = {"accept": "재채점 요청 받아들임 / regrade accepted", "reject": "재채점 요청 받아들이지 않음 / regrade rejected",
               "override": "조교가 점수 조정 / changed by a TA", "withdraw": "조정 취소 / override withdrawn"}


@dataclass(frozen=True)
class Decision:
    case_id: str | None
    action: str
    before: float | None
    points: float | None
    max_points: float | None
    reason: str
    when: str  # course time
    request_id: int | None
    kept: str = ""  # the override outlived a later grading of the submission: what the grader gives now

    @property
    def action_text(self) -> str:
        return ACTION_TEXT.get(self.action, self.action)


@dataclass(frozen=True)
class RequestLine:
    id: int
    cases: list[str]
    status: str
    problem: str | None


@dataclass(frozen=True)
class StudentRegrades:
    decisions: list[Decision]
    requests: list[RequestLine]
    overridden: dict[str, float]  # case id → the value that counts

    def __bool__(self) -> bool:
        return bool(self.decisions or self.requests)


def for_students(book, assignment: str, tz: dt.tzinfo, graded_now: dict[tuple[str, str], float] | None = None
                 ) -> dict[str, StudentRegrades]:
    """Student id → their regrades of ``assignment``. ``graded_now``: (student, case) → the grader's
    value in the run shown, to say when an override was kept through a later grading."""
    rows = store.decisions(book, assignment)
    active = {k[1:]: d for k, d in store.active_overrides(rows).items()}
    out: dict[str, StudentRegrades] = {}

    def mine(sid: str) -> StudentRegrades:
        return out.setdefault(sid, StudentRegrades([], [], {}))

    for d in rows:
        when = dt.datetime.fromisoformat(d["decided_at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        line = Decision(d["case_id"], d["action"], d["before"], d["points"], d["max_points"], d["reason"], when,
                        d["request_id"])
        key = (d["student_id"], d["case_id"])
        if active.get(key) is d and graded_now and key in graded_now:
            now_graded = graded_now[key]
            if abs(store.graded_base(rows, d) - now_graded) > 1e-9:
                line = dataclasses.replace(line, kept=f"다시 채점한 결과는 {now_graded:g}점이지만 조교의 결정이 유지됩니다 / "
                                                      f"graded again since ({now_graded:g}); the TA's value stands")
        mine(d["student_id"]).decisions.append(line)
    for (sid, case), d in active.items():
        mine(sid).overridden[case] = float(d["points"])
    for r in store.requests(book, assignment):
        mine(r["student_id"]).requests.append(RequestLine(r["id"], r["cases"], STATUS_TEXT.get(r["status"], r["status"]),
                                                          r["problem"]))
    return out
