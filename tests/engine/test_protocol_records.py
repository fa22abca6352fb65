"""The typed records across the sandbox boundary: what the judge plans (CasePlan) arrives as written;
what the sandbox reports (call and cell statuses, cell records) is read as hostile input — an
unknown status is an error, a malformed record is dropped, never a crash of the judge."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from autograder.casekit.question import question
from autograder.casekit.core import Observation
from autograder.protocol.records import CallStatus, CasePlan, CellRecord, CellStatus, ErrorRecord


def test_a_case_plan_survives_the_wire_and_carries_no_reference():
    q = question("softmax", forbid=["softmax"])
    q.values("values", "matches", [((torch.ones(2, 3),), {}, "ones")], lambda x: x)
    case = q.cases[0]
    arrays: dict[str, np.ndarray] = {}
    sent = json.loads(json.dumps(case.plan(arrays, timeout=7.5)))
    plan = CasePlan.from_json(sent)
    assert plan == CasePlan(id="softmax/values", calls=sent["calls"], group="softmax",
                            forbidden=sent["forbidden"], device="cpu", timeout=7.5, seed=case.seed)
    assert set(sent) == {"id", "calls", "group", "forbidden", "device", "timeout", "seed"}  # no judge, no answer
    assert CasePlan.from_json({"id": "x", "calls": []}).timeout == 60.0  # a plan without one: the default


@pytest.mark.parametrize("claimed, read", [("ok", CallStatus.ok), ("timeout", CallStatus.timeout),
                                           ("passed", CallStatus.error), (None, CallStatus.error),
                                           (["ok"], CallStatus.error)])
def test_an_observation_status_is_one_of_the_protocols_or_an_error(claimed, read):
    obs = Observation.from_json({"status": claimed}, {})
    assert obs.status is read and isinstance(obs.status, CallStatus)
    assert json.dumps({"status": CallStatus.oom}) == '{"status": "oom"}'  # the wire carries the value


def test_cell_records_are_read_defensively():
    assert CellRecord.from_json({"cell": 2, "status": "error", "error": {"type": "E"}}) == CellRecord(
        2, CellStatus.error, None, ErrorRecord("E"))
    assert CellRecord.from_json({"cell": "3", "status": "weird", "note": "x"}) == CellRecord(3, CellStatus.error, "x")
    for bad in ({"cell": -1}, {"status": "ok"}, ["cell", 1], {"cell": 1.5}, None):
        assert CellRecord.from_json(bad) is None
    assert CellRecord.from_json({"cell": 0, "status": "ok", "error": "not a dict"}).error is None


def test_an_error_record_is_text_whatever_a_hostile_record_holds():
    obs = Observation.from_json({"status": "error", "error": {"type": ["KeyError"], "message": {"a": 1}}}, {})
    assert obs.error == ErrorRecord("['KeyError']", "{'a': 1}", "") and obs.grad_error is None
    assert Observation.from_json({"status": "error", "error": "boom"}, {}).error is None
