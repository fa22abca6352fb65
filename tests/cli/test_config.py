import pytest

from autograder import config
from autograder.errors import UserError
from tests.conftest import PROJECT, write_course


def test_valid_course_loads_with_aware_deadline(tmp_path):
    cfg = config.load(write_course(tmp_path))
    a = cfg.assignment("2")
    assert a.id == "week02" and cfg.assignment("week02") is a
    due = cfg.due(a)
    assert due.utcoffset().total_seconds() == 9 * 3600  # Asia/Seoul
    assert cfg.gradebook == (tmp_path / "out" / "gradebook.sqlite").resolve()


def test_the_projects_own_course_file_is_valid():
    cfg = config.load(PROJECT / "grader.yml")
    assert cfg.course.timezone == "Asia/Seoul" and cfg.assignment("week02").points == 20


def test_unknown_key_names_key_and_line(tmp_path):
    path = write_course(tmp_path, extra="late_policy: {grace_minutes: 5, penalty_per_dya: 0.1}\n")
    with pytest.raises(UserError) as err:
        config.load(path)
    text = err.value.render()
    assert "late_policy.penalty_per_dya" in text and "unknown key" in text
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "penalty_per_dya" in t)
    assert f"line {line}" in text  # the extra line written by write_course


def test_a_misspelled_key_gets_a_did_you_mean_from_its_own_section(tmp_path):
    path = write_course(tmp_path, extra="gradng: {workers: 2}\nreports: {outptu: out/r}\n")
    path.write_text(path.read_text().replace("due:", "hiden_tests: visible, due:", 1), encoding="utf-8")
    with pytest.raises(UserError) as err:
        config.load(path)
    text = err.value.render()
    assert "gradng: unknown key — did you mean 'grading'?" in text
    assert "reports.outptu: unknown key — did you mean 'output'?" in text
    assert "hiden_tests: unknown key — did you mean 'hidden_tests'?" in text
    assert "dates look like" not in text  # the fix says what is wrong here, not always the date format


def test_bad_date_names_the_assignment_line(tmp_path):
    path = write_course(tmp_path)
    path.write_text(path.read_text().replace("2026-07-14T23:59:00", "next tuesday"), encoding="utf-8")
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "next tuesday" in t)
    with pytest.raises(UserError) as err:
        config.load(path)
    assert "assignments[week02].due" in err.value.render() and f"line {line}" in err.value.render()
    assert "dates look like 2026-07-14T23:59:00" in err.value.render()


def test_missing_roster_file_is_reported(tmp_path):
    path = write_course(tmp_path)
    (tmp_path / "roster.csv").unlink()
    with pytest.raises(UserError, match="roster: no file"):
        config.load(path)


def test_unknown_assignment_lists_known_ones(tmp_path):
    cfg = config.load(write_course(tmp_path))
    with pytest.raises(UserError, match="use one of: week02"):
        cfg.assignment("week09")


def test_weights_are_all_or_none_and_add_up_to_100(tmp_path):
    cfg = config.load(write_course(tmp_path))
    points = {a.id: a.points for a in cfg.assignments}
    assert cfg.weights() == pytest.approx({k: 100 * v / sum(points.values()) for k, v in points.items()})
    path = write_course(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("points: 20}", "points: 20, weight: 30}", 1), encoding="utf-8")
    with pytest.raises(UserError, match="every assignment has a weight or none"):
        config.load(path)
    weighted = text
    for a in cfg.assignments:
        weighted = weighted.replace(f"points: {a.points:g}}}", f"points: {a.points:g}, weight: 10}}", 1)
    path.write_text(weighted, encoding="utf-8")
    if len(cfg.assignments) * 10 != 100:
        with pytest.raises(UserError, match="add up to 100"):
            config.load(path)
