"""Synthetic week-1 write-ups with the rubric result each must get.

Expected points per item, in order: name_format, sections, one_pattern,
application_sentences, io_sentences, input_output_named (maxima 1, 1, 1.5, 1, 1, 0.5).
"""

import unicodedata

NAME = "1주차 과제_19기 박세훈.md"


def doc(pattern: str, application: str, io: str, title: str = "# 1주차 과제 — AI의 일곱 가지 패턴\n\n") -> str:
    return (f"{title}## 1. 패턴 / Pattern\n{pattern}\n\n## 2. 적용 / Application\n{application}\n\n"
            f"## 3. 입력과 출력 / Input & output\n{io}\n")


APP3 = ("저는 농업에 관심이 있습니다. 드론 사진으로 병든 작물을 일찍 찾을 수 있습니다. "
        "그러면 농약을 필요한 곳에만 뿌릴 수 있어요.")
IO2 = "모델의 입력은 드론이 찍은 잎 사진입니다. 출력은 병의 종류와 그 확률입니다."
FULL = (1, 1, 1.5, 1, 1, 0.5)

WRITEUPS = {
    "good_korean": (NAME, doc("인식 (Recognition)", APP3, IO2), FULL),
    "good_txt": ("1주차 과제_19기 박세훈.txt", doc("초개인화", APP3, IO2), FULL),
    "good_english_only": (NAME, doc("Hyper-personalization",
                                    "I care about online education. Lessons could adapt to each learner's mistakes. "
                                    "Weak students would get more practice.",
                                    "The input is the history of a student's answers. The output is the next "
                                    "exercise to show, e.g. a harder fraction problem."), FULL),
    "nfd_file_name": (unicodedata.normalize("NFD", NAME), doc("목표 지향 시스템", APP3, IO2), FULL),
    "separator_deviation": ("1주차 과제-19기 박세훈.md", doc("자율 시스템", APP3, IO2), (0.5, 1, 1.5, 1, 1, 0.5)),
    "two_patterns": (NAME, doc("인식과 예측 분석을 같이 씁니다.", APP3, IO2), (1, 1, 0, 1, 1, 0.5)),
    "no_pattern_named": (NAME, doc("딥러닝", APP3, IO2), (1, 1, 0, 1, 1, 0.5)),
    "five_sentences": (NAME, doc("대화·상호작용", APP3 + " 비용도 줄어듭니다. 환경에도 좋습니다.", IO2),
                       (1, 1, 1.5, 0, 1, 0.5)),
    "one_sentence_io": (NAME, doc("패턴·이상 탐지", APP3, "입력은 카드 거래 기록이고 출력은 사기일 확률입니다."),
                        (1, 1, 1.5, 1, 0, 0.5)),
    "missing_output": (NAME, doc("예측 분석·의사결정", APP3,
                                 "모델에는 지난 3년의 판매 기록이 입력으로 들어갑니다. 날씨 정보도 함께 넣습니다."),
                       (1, 1, 1.5, 1, 1, 0)),
    "no_headings": (NAME, "저는 인식 패턴을 골랐습니다. " + APP3 + " " + IO2, (1, 0, 1.5, 0, 0, 0)),
    "missing_io_section": (NAME, "## 패턴\n인식\n\n## 적용\n" + APP3 + "\n", (1, 0, 1.5, 1, 0, 0)),
    "sentences_without_periods": (NAME, doc("인식", "저는 의료에 관심이 있다\n엑스레이에서 폐렴을 찾을 수 있다\n",
                                            "입력은 흉부 엑스레이 사진이다\n출력은 폐렴일 확률이다\n"), FULL),
    "bullets_and_decimals": (NAME, doc("- **인식 / Recognition**",
                                       "- 공장 불량품을 카메라로 찾습니다.\n- 정확도 0.97 이상이면 사람 검사를 줄일 수 있습니다.",
                                       "- 입력: 제품 사진 (224×224).\n- 출력: 정상/불량과 그 확률 0.0–1.0."), FULL),
    "copy_of_prompt": (NAME, open(__file__.replace("tests/week01_writeups.py",
                                                   "assignments/week01_seven_patterns/prompt.md"),
                                 encoding="utf-8").read(), None),  # rubric aside: flagged as a prompt copy
    "empty_file": (NAME, "", (0, 0, 0, 0, 0, 0)),
    "untouched_template": (NAME, open(__file__.replace(
        "tests/week01_writeups.py", "assignments/week01_seven_patterns/student/1주차 과제_<기수>기 <이름>.md"), encoding="utf-8").read(),
        (0, 0, 0, 0, 0, 0)),
    "bad_file_name": ("week1_homework.md", doc("인식", APP3, IO2), (0, 1, 1.5, 1, 1, 0.5)),
}
