import unicodedata

import pytest

from autograder import naming, roster
from autograder.errors import UserError


def test_canonical_name_parses_without_tolerations():
    p = naming.parse("2주차 과제_19기 박세훈.ipynb")
    assert (p.week, p.cohort, p.name, p.ext, p.tolerated) == (2, 19, "박세훈", "ipynb", ())


def test_nfd_name_is_normalised_and_reported():
    p = naming.parse(unicodedata.normalize("NFD", "2주차 과제_19기 박세훈.ipynb"))
    assert p.name == "박세훈" and any("NFD" in t for t in p.tolerated)


@pytest.mark.parametrize("name, hint", [
    ("2주차과제_19기 박세훈.ipynb", "'주차' and '과제'"),
    ("2주차 과제_19기박세훈.ipynb", "'기' and the name"),
    ("2주차 과제 19기 박세훈.ipynb", "separator"),
    ("2주차  과제_19기  박세훈 .ipynb", "extra spaces"),
])
def test_small_deviations_are_tolerated_and_named(name, hint):
    p = naming.parse(name)
    assert p is not None and p.name == "박세훈" and any(hint in t for t in p.tolerated)


def test_wrong_names_do_not_parse_but_look_like_submissions():
    assert naming.parse("2주차_박세훈_final.ipynb") is None
    assert naming.looks_like_submission("2주차_박세훈_final.ipynb")
    assert not naming.looks_like_submission("README.md")


def test_roster_matches_nfc_and_rejects_bad_rows(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("student_id,name,cohort\n1,박세훈,19\n", encoding="utf-8")
    r = roster.load(path)
    assert r.find(19, unicodedata.normalize("NFD", "박세훈")).student_id == "1"
    path.write_text("student_id,name,cohort\n1,박세훈,19\n1,김민지,x\n", encoding="utf-8")
    with pytest.raises(UserError, match="line 3"):
        roster.load(path)


@pytest.mark.parametrize("name, says", [
    ("1주차과제_19기_노가은.md", "'_' between '기' and the name"),
    ("1주차 과제_19기 주민호 (1).md", "a copy's suffix '(1)'"),
    ("2주차 과제_19기 김민지_final.ipynb", "a copy's suffix '_final'"),
    ("2주차 과제_19기 김민지 - 복사본.ipynb", "a copy's suffix '- 복사본'"),
])
def test_near_miss_names_find_their_student_and_say_what_is_off(name, says):
    p = naming.parse(name)
    assert p is not None and p.name in ("노가은", "주민호", "김민지") and any(says in m for m in p.misnamed)


def test_any_extension_parses_so_a_wrong_type_can_be_named():
    assert naming.parse("1주차 과제_19기 김민지.hwp").ext == "hwp"
