"""Week 1: the automatic rubric on synthetic write-ups, Korean-aware sentences, similarity flags."""

from __future__ import annotations

import json

import pytest

from autograder.errors import UserError
from autograder.writeup.choices import chosen
from autograder.writeup.rubric import grade_text, grade_writeup
from autograder.writeup.rubric_file import load_rubric
from autograder.writeup.sentences import split_sentences
from autograder.writeup.similarity import flags
from tests.conftest import PROJECT
from tests.week01_writeups import APP3, IO2, NAME, WRITEUPS, doc

WEEK01 = PROJECT / "assignments" / "week01_seven_patterns"
PROMPT = (WEEK01 / "prompt.md").read_text(encoding="utf-8")
RUBRIC = load_rubric(WEEK01)
ITEMS = [i.id for i in RUBRIC.items]
AUTO_POINTS = RUBRIC.points
PATTERNS = RUBRIC.choices.options


def patterns_named(text: str) -> list:
    return chosen(text, RUBRIC.choices).named


def test_the_bundled_set_covers_the_edge_cases():
    assert len(WRITEUPS) >= 15 and AUTO_POINTS == 6


@pytest.mark.parametrize("name", [n for n, (_, _, expected) in WRITEUPS.items() if expected is not None])
def test_rubric_items_match_the_expected_result(name):
    filename, text, expected = WRITEUPS[name]
    got = grade_text(text, filename, RUBRIC)
    assert [c.case_id for c in got] == list(ITEMS)
    assert tuple(c.points for c in got) == pytest.approx(expected), [(c.case_id, c.points, c.message) for c in got]
    assert all(c.message for c in got), "every item gives its reason"


def test_reasons_name_what_was_found():
    by_id = {c.case_id: c.message for c in grade_text(WRITEUPS["two_patterns"][1], NAME, RUBRIC)}
    assert "인식 / Recognition" in by_id["writeup/one_pattern"] and "예측 분석" in by_id["writeup/one_pattern"]
    by_id = {c.case_id: c.message for c in grade_text(WRITEUPS["five_sentences"][1], NAME, RUBRIC)}
    assert "5 sentences" in by_id["writeup/application_sentences"]
    by_id = {c.case_id: c.message for c in grade_text(WRITEUPS["missing_output"][1], NAME, RUBRIC)}
    assert "output" in by_id["writeup/input_output_named"]


@pytest.mark.parametrize("text, count", [
    ("저는 학생입니다. 딥러닝을 배워요. 재미있나요? 네!", 4),
    ("정확도는 0.97입니다. 좋다.", 2),
    ("We use it, e.g. for images. It works.", 2),
    ("첫째 줄이다\n둘째 줄이다\n", 2),
    ("", 0),
])
def test_korean_aware_sentence_splitting(text, count):
    assert len(split_sentences(text)) == count


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.key)
def test_every_pattern_is_recognised_by_its_korean_and_english_name(pattern):
    korean, english = pattern.label.split(" / ")
    assert patterns_named(korean) == [pattern]
    assert patterns_named(english) == [pattern]


@pytest.mark.parametrize("text, key", [
    ("음성 인식", "recognition"), ("image recognition", "recognition"), ("챗봇 (대화형 AI)", "conversation"),
    ("자율주행 자동차", "autonomous"), ("self-driving cars", "autonomous"), ("이상 탐지", "patterns_anomalies"),
    ("anomaly detection", "patterns_anomalies"), ("개인 맞춤 추천", "hyper_personalization"),
    ("예측 분석과 의사결정", "predictive"), ("goal-oriented systems", "goal_driven"),
])
def test_common_variants_name_their_pattern(text, key):
    assert [p.key for p in patterns_named(text)] == [key]


def test_similarity_flags_prompt_copies_and_near_identical_pairs_but_not_distinct_work():
    texts = {name: text for name, (_, text, _) in WRITEUPS.items()}
    texts["copy_of_good"] = WRITEUPS["good_korean"][1].replace("농약을", "약을")
    found = flags(texts, PROMPT)
    groups = [set(f.students) for f in found if f.kind == "similar-writeups"]
    copies = {f.students[0] for f in found if f.kind == "copies-prompt"}
    assert copies == {"copy_of_prompt"}
    assert any({"good_korean", "copy_of_good"} <= g for g in groups)
    assert not any({"good_english_only", "good_korean"} <= g for g in groups)
    assert all(f.similarity >= 0.8 for f in found) and all("TA" in f.detail() for f in found)


def test_files_are_read_as_md_txt_cp949_or_notebook_markdown(tmp_path):
    text = doc("인식", APP3, IO2, title="# 1주차 과제\n\n")  # cp949 has no em dash
    (tmp_path / "a.txt").write_bytes(text.encode("cp949"))
    nb = {"cells": [{"cell_type": "markdown", "source": text.splitlines(keepends=True), "metadata": {}},
                    {"cell_type": "code", "source": "print('not part of the write-up')", "metadata": {},
                     "outputs": [], "execution_count": None}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    for ext in ("txt", "ipynb"):
        result = grade_writeup(tmp_path / f"a.{ext}", f"1주차 과제_19기 박세훈.{ext}", RUBRIC)
        assert result.score == AUTO_POINTS, [(c.case_id, c.message) for c in result.cases]
    (tmp_path / "b.md").write_bytes(b"\x89PNG\x00\x00binary")
    with pytest.raises(UserError, match="binary"):
        grade_writeup(tmp_path / "b.md", NAME, RUBRIC)


def test_a_group_of_identical_writeups_is_one_flag_naming_every_member():
    """Twelve copies of one write-up: one line naming twelve students, not 66 pairs."""
    base = WRITEUPS["good_korean"][1]
    texts = {f"학생{i:02d}": base.replace("농약을", "농약을" + " " * (i % 3)) for i in range(12)}
    texts["own_work"] = WRITEUPS["good_english_only"][1]
    found = [f for f in flags(texts, PROMPT) if f.kind == "similar-writeups"]
    assert len(found) == 1 and set(found[0].students) == {f"학생{i:02d}" for i in range(12)}
    assert "12 write-ups form one group" in found[0].detail() and "학생11" in found[0].detail()


LAYOUT_APP = "스마트 팜에서 잎 사진으로 병충해를 찾습니다. 농부가 바로 진단할 수 있습니다."
LAYOUT_IO = "입력은 잎 사진입니다. 출력은 병의 이름과 확률입니다."


@pytest.mark.parametrize("text, expected", [
    # pasted from HWP/Word: "•" section titles over "◦" items
    ("• 패턴\n  ◦ 인식 (Recognition)\n• 적용 분야\n  ◦ 스마트 팜에서 잎 사진으로 병충해를 찾습니다.\n"
     "  ◦ 농부가 찍은 사진을 바로 진단할 수 있습니다.\n• 입력과 출력\n  ◦ 입력은 잎 사진입니다.\n"
     "  ◦ 출력은 병의 이름과 확률입니다.\n", 6.0),
    # a sentence ending in an emoji or laughter after "!" is one sentence
    (f"## 1. 패턴\n인식\n\n## 2. 적용\n{LAYOUT_APP}\n\n## 3. 입력과 출력\n입력은 잎 사진입니다! 😀 ㅋㅋ\n"
     "출력은 병의 이름입니다!🎉\n", 6.0),
    # a third heading that names no section but stands where input & output belongs, and holds it
    (f"## 1. 패턴\n인식\n\n## 2. 적용\n{LAYOUT_APP}\n\n## 3. 모델 설계\n"
     "모델에는 잎 사진이 들어갑니다. 모델은 병의 이름과 확률을 내놓습니다.\n", 6.0),
    # undecided between two, or two named side by side: not "exactly one" (−1.5)
    (f"## 1. 패턴\n인식 또는 예측 분석 (아직 못 정했습니다)\n\n## 2. 적용\n{LAYOUT_APP}\n\n## 3. 입력과 출력\n{LAYOUT_IO}\n",
     4.5),
    (f"## 1. 패턴\nRecognition or predictive analytics (I could not decide)\n\n## 2. 적용\n{LAYOUT_APP}\n\n"
     f"## 3. 입력과 출력\n{LAYOUT_IO}\n", 4.5),
    (f"## 1. 패턴\n대화형 (Conversation) 과 인식 (Recognition)\n\n## 2. 적용\n{LAYOUT_APP}\n\n## 3. 입력과 출력\n"
     f"{LAYOUT_IO}\n", 4.5),
])
def test_layouts_a_fair_ta_grades_the_same_way(text, expected):
    got = grade_text(text, "1주차 과제_19기 박세훈.md", RUBRIC)
    assert sum(c.points for c in got) == pytest.approx(expected), [(c.case_id, c.points, c.message) for c in got]


def test_a_heading_taken_by_its_place_says_so_and_an_extra_heading_elsewhere_is_not_taken():
    text = f"## 1. 패턴\n인식\n\n## 2. 적용\n{LAYOUT_APP}\n\n## 3. 모델 설계\n{LAYOUT_IO}\n"
    sections = {c.case_id: c for c in grade_text(text, "1주차 과제_19기 박세훈.md", RUBRIC)}["writeup/sections"]
    assert "'3. 모델 설계' is taken as" in sections.message
    # the missing section is the application, but the unnamed heading comes after input & output: not its place
    wrong = f"## 1. 패턴\n인식\n\n## 2. 입력과 출력\n{LAYOUT_IO}\n\n## 3. 느낀 점\n{LAYOUT_APP}\n"
    got = {c.case_id: c for c in grade_text(wrong, "1주차 과제_19기 박세훈.md", RUBRIC)}
    assert got["writeup/sections"].points == 0


def test_laughter_and_emoji_are_not_sentences():
    assert split_sentences("입력은 사진입니다! ㅋㅋ 출력은 병명입니다.") == ["입력은 사진입니다!", "출력은 병명입니다."]
    assert len(split_sentences("농가에 도움이 됩니다! 😀 정말 기대됩니다 🙏")) == 2
