"""Week 1 as students really write it: every format and layout, Korean sentence styles, the
pattern chosen by what the text says, prompt copies by paragraph, misnamed and wrong-type files."""

from __future__ import annotations

import io

import pytest

from autograder import config
from autograder.collect import collect_week
from autograder.grade import grade_week
from autograder.gradebook import Gradebook
from autograder.writeup.rubric import grade_text, grade_writeup
from autograder.writeup.rubric_file import load_rubric
from autograder.writeup.sentences import split_sentences
from autograder.writeup.similarity import flags
from tests.conftest import PROJECT, commit_files
from tests.week01_real_writeups import BOLD_LABELS, FULL, NUMBERED_TXT, PLAIN_LABELS_ENGLISH, REAL

WEEK01 = PROJECT / "assignments" / "week01_seven_patterns"
RUBRIC = load_rubric(WEEK01)
PROMPT = (WEEK01 / "prompt.md").read_text(encoding="utf-8")


def _points(result) -> tuple:
    return tuple(c.points for c in result)


@pytest.mark.parametrize("name", list(REAL))
def test_real_layouts_get_what_a_careful_ta_gives(name):
    filename, text, expected = REAL[name]
    got = grade_text(text, filename, RUBRIC)
    assert _points(got) == pytest.approx(expected), [(c.case_id, c.points, c.message) for c in got]


def test_no_good_writeup_scores_below_five_of_six():
    good = [n for n, (_, _, e) in REAL.items() if e == FULL]
    assert len(good) >= 8
    for name in good:
        filename, text, _ = REAL[name]
        assert sum(_points(grade_text(text, filename, RUBRIC))) >= 5, name


def test_reasons_say_how_the_choice_was_read():
    by_id = {c.case_id: c.message for c in grade_text(REAL["considered_then_chose"][1], "1주차 과제_19기 노가은.md", RUBRIC)}
    assert "예측 분석" in by_id["writeup/one_pattern"] and "초개인화" not in by_id["writeup/one_pattern"].split("(")[0]
    by_id = {c.case_id: c.message for c in grade_text(REAL["misnamed_underscore"][1], "1주차과제_19기_노가은.md", RUBRIC)}
    assert "matched to the student" in by_id["writeup/name_format"] and "'_'" in by_id["writeup/name_format"]


@pytest.mark.parametrize("text, count", [
    ("드론 사진으로 병든 작물을 찾음\n농약 사용을 줄일 수 있음\n비용 절감 가능", 3),  # 개조식, one per line
    ("- 불량 검출\n- 검사 시간 단축", 2),
    ("유용할 것 같아요 😊 사용자가 많아질 거예요 🚀", 2),  # emoji instead of a period
    ("입력은 사진이고\n출력은 확률이다.", 1),  # a line ending in a connective goes on
    ("The input is the history\nof answers. The output is the next exercise.", 2),  # hard-wrapped English
    ("정확도는 0.97입니다. 좋다.", 2),
])
def test_korean_sentence_styles_are_counted_as_a_reader_counts_them(text, count):
    assert len(split_sentences(text)) == count, split_sentences(text)


def test_docx_with_word_headings_and_with_bold_labels_is_graded(tmp_path):
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    doc.add_heading("1주차 과제", level=1)
    for heading, body in [("패턴 / Pattern", "인식 (Recognition)"),
                          ("적용 / Application", NUMBERED_TXT.split("Application\n")[1].split("\n\n")[0]),
                          ("입력과 출력 / Input & output", NUMBERED_TXT.split("Input & output\n")[1].strip())]:
        doc.add_heading(heading, level=2)
        doc.add_paragraph(body)
    doc.save(tmp_path / "a.docx")
    labels = docx.Document()
    for paragraph in BOLD_LABELS.split("\n\n")[1:]:
        label, rest = paragraph.split("** ", 1)
        p = labels.add_paragraph()
        p.add_run(label.strip("*")).bold = True
        p.add_run(" " + rest)
    labels.save(tmp_path / "b.docx")
    for file in ("a.docx", "b.docx"):
        result = grade_writeup(tmp_path / file, "1주차 과제_19기 노가은.docx", RUBRIC)
        assert result.score == RUBRIC.points, [(c.case_id, c.message) for c in result.cases]


def test_pdf_is_read_as_text(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    import matplotlib.pyplot as plt

    with PdfPages(tmp_path / "a.pdf") as pdf:
        fig = plt.figure(figsize=(8.5, 11))
        for i, line in enumerate(PLAIN_LABELS_ENGLISH.splitlines()):
            fig.text(0.05, 0.95 - 0.05 * i, line, fontsize=7)
        pdf.savefig(fig)
    result = grade_writeup(tmp_path / "a.pdf", "1주차 과제_19기 노가은.pdf", RUBRIC)
    assert result.score == RUBRIC.points, [(c.case_id, c.message) for c in result.cases]


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8-sig"])
def test_korean_windows_encodings_are_read(tmp_path, encoding):
    (tmp_path / "a.txt").write_bytes(NUMBERED_TXT.encode(encoding))
    assert grade_writeup(tmp_path / "a.txt", "1주차 과제_19기 주민호.txt", RUBRIC).score == RUBRIC.points


def test_pasting_one_paragraph_of_the_bilingual_prompt_is_flagged_and_own_work_is_not():
    korean, english = [p for p in PROMPT.split("\n\n") if len(p) > 100][:2]
    texts = {"korean_copy": f"## 1. 패턴\n인식\n\n{korean}\n\n## 2. 적용\n공장에 씁니다. 불량을 찾습니다.\n",
             "english_copy": f"## Pattern\nRecognition\n\n{english}\n",
             **{name: text for name, (_, text, expected) in REAL.items() if expected == FULL}}
    found = flags(texts, PROMPT)
    copies = {f.students[0] for f in found if f.kind == "copies-prompt"}
    assert copies == {"korean_copy", "english_copy"}, [(f.students, f.similarity) for f in found]


@pytest.fixture(scope="module")
def collected(tmp_path_factory, need_git):
    root = tmp_path_factory.mktemp("week01-files")
    (root / "roster.csv").write_text("student_id,name,cohort\n19001,노가은,19\n19002,주민호,19\n19003,박세훈,19\n"
                                     "19004,김민지,19\n", encoding="utf-8")
    (root / "grader.yml").write_text(f"""course: {{name: test class, cohort: 19}}
roster: roster.csv
submissions: [{{kind: class_repo, url: {root / 'repo'}}}]
assignments:
  - {{id: week01, week: 1, title: seven patterns, kind: writeup, folder: {WEEK01}, due: 2026-07-07T23:59:00,
     points: 10, manual: [{{id: idea, title: idea, points: 4}}]}}
storage: {{url: "sqlite:///out/gradebook.sqlite", data_dir: out/data}}
reports: {{output: out/reports}}
""", encoding="utf-8")
    docx = pytest.importorskip("docx")
    word = docx.Document()
    for paragraph in BOLD_LABELS.split("\n\n"):
        word.add_paragraph(paragraph)
    buffer = io.BytesIO()
    word.save(buffer)
    files = {"1주차과제_19기_노가은.md": BOLD_LABELS.encode(), "1주차 과제_19기 주민호 (1).md": NUMBERED_TXT.encode(),
             "1주차 과제_19기 박세훈.docx": buffer.getvalue(), "1주차 과제_19기 김민지.hwp": b"HWP Document File"}
    commit_files(root / "repo", files, "2026-07-07T20:00:00+09:00")
    cfg = config.load(root / "grader.yml")
    book = Gradebook(cfg.gradebook)
    report = collect_week(cfg, cfg.assignment("week01"), book, seen_at="2026-07-07T20:30:00+09:00")
    grade_week(cfg, cfg.assignment("week01"), book, show_progress=False)
    return report, book


def test_misnamed_and_word_files_are_graded_and_a_wrong_type_is_named_with_its_student(collected):
    report, book = collected
    assert {r.student_name for r in report.accepted} == {"노가은", "주민호", "박세훈"}
    (wrong,) = [i for i in report.issues if i.kind == "wrong-file-type"]
    assert wrong.student == "김민지" and ".hwp" in wrong.detail and ".docx" in wrong.detail
    with book.engine.connect() as conn:
        rows = dict(conn.exec_driver_sql(
            "SELECT s.student_name, r.score FROM runs r JOIN submissions s ON s.id = r.submission_id "
            "WHERE r.current = 1").all())
    assert rows == {"노가은": 5.0, "주민호": 5.0, "박세훈": 6.0}  # the two misnamed lose the name item only
