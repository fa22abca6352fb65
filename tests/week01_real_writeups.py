"""Week-1 write-ups in the forms students really hand in, with what a careful TA gives each
automatic item: name_format, sections, one_pattern, application_sentences, io_sentences,
input_output_named (maxima 1, 1, 1.5, 1, 1, 0.5)."""

FULL = (1, 1, 1.5, 1, 1, 0.5)
NAME = "1주차 과제_19기 노가은.md"

BOLD_LABELS = """# 1주차 과제 - 19기 노가은

**선택한 패턴:** 초개인화 (Hyper-personalization)

**적용 분야:** 저는 온라인 쇼핑몰에 적용하고 싶습니다. 고객의 구매 기록과 검색 기록을 바탕으로 한 사람 한 사람에게 맞는 상품을 보여줄 수 있습니다. 이렇게 하면 고객은 원하는 상품을 빨리 찾을 수 있어요.

**입력과 출력:** 모델의 입력은 고객의 구매 기록, 검색어, 장바구니 정보입니다. 출력은 고객이 살 확률이 높은 상품 10개의 목록입니다.
"""

NUMBERED_TXT = """1주차 과제 19기 주민호

1. 패턴 / Pattern
인식 (Recognition)

2. 적용 / Application
저는 의료 분야에 관심이 많다. 흉부 엑스레이 사진에서 폐렴을 자동으로 찾아낼 수 있다. 의사가 놓치는 부분을 줄일 수 있다.

3. 입력과 출력 / Input & output
입력은 환자의 흉부 엑스레이 이미지이다. 출력은 폐렴일 확률과 의심되는 위치이다.
"""

BULLETS_GAEJOSIK = """## 패턴
- 패턴·이상 탐지

## 적용
- 카드사 거래 데이터에서 이상 거래를 실시간으로 찾음
- 사기 피해를 줄일 수 있음

## 입력과 출력
• 입력: 거래 금액, 시간, 장소, 가맹점 정보
• 출력: 사기 거래일 확률 (0~1)
"""

TABLE = """# 1주차 과제

| 항목 | 내용 |
|---|---|
| 패턴 | 대화·상호작용 (Conversation) |
| 적용 | 고객센터 상담에 챗봇을 쓰고 싶습니다. 간단한 질문은 챗봇이 24시간 답할 수 있습니다. |
| 입력과 출력 | 입력은 고객이 쓴 질문 문장입니다. 출력은 답변 문장과 상담원 연결 여부입니다. |
"""

EMOJI = """## 1. 패턴
자율 시스템 🚗

## 2. 적용
자율주행 배달 로봇을 대학 캠퍼스에 적용하고 싶어요 😊 학생들이 기숙사에서 음식을 편하게 받을 수 있어요 🍔

## 3. 입력과 출력
입력은 로봇 카메라 영상과 라이다 센서 값이에요 📷 출력은 로봇이 움직일 방향과 속도예요 🤖
"""

CONSIDERED_THEN_CHOSE = """## 1. 패턴 / Pattern
처음에는 초개인화도 고려했지만, 최종적으로 예측 분석·의사결정을 선택했습니다.

## 2. 적용 / Application
편의점의 요일별 도시락 판매량을 예측하고 싶습니다. 남는 도시락이 줄어서 버려지는 음식이 적어집니다.

## 3. 입력과 출력 / Input & output
입력은 지난 2년의 판매 기록, 날씨, 요일입니다. 출력은 내일 팔릴 도시락 개수입니다.
"""

PATTERN_IN_INTRO = """# 1주차 과제
저는 예측 분석 패턴을 골랐습니다.

## 적용
헬스장에서 회원의 운동 자세를 인식해서 부상 위험을 예측하고 싶습니다. 위험이 높으면 트레이너에게 알려 줍니다.

## 입력과 출력
입력은 회원의 운동 기록과 카메라 영상입니다. 출력은 다음 달 부상 위험도입니다.
"""

PLAIN_LABELS_ENGLISH = """Pattern: Recognition
Application: I want to use it in retail stores. Cameras could spot empty shelves. Staff would refill them sooner.
Input & output: The input is a photo of the shelf. The output is a list of empty spots and the product that belongs there.
"""

PARAGRAPHS_ONLY = """초개인화

온라인 강의 플랫폼에 적용하고 싶습니다. 학생마다 틀린 문제를 분석해서 맞춤 복습 문제를 줄 수 있습니다.

입력은 학생의 문제 풀이 기록입니다. 출력은 다음에 풀 문제 목록입니다.
"""

NOUN_ENDINGS = """## 패턴
목표 지향 시스템

## 적용
- 스마트팜 온실의 작물 생육 상태 관리
- 물과 비료 투입량 자동 조절 가능
- 농민의 노동 시간 단축

## 입력과 출력
- 입력: 온도, 습도, 토양 수분 센서 값
- 출력: 물과 비료를 줄 양과 시간
"""

REALLY_TWO = """## 패턴
인식과 대화·상호작용 두 가지를 함께 사용합니다.

## 적용
키오스크가 손님의 얼굴을 보고 말을 겁니다. 주문을 음성으로 받을 수 있습니다.

## 입력과 출력
입력은 카메라 영상과 음성입니다. 출력은 주문 내역입니다.
"""

Q_AND_A = """Q1. 어떤 패턴을 골랐나요?
A. 인식

Q2. 어디에 적용할 건가요?
A. 도서관 책 정리에 쓰고 싶습니다. 카메라로 책등을 읽어 잘못 꽂힌 책을 찾습니다.

Q3. 모델의 입력과 출력은?
A. 입력은 책장 사진입니다. 출력은 잘못 꽂힌 책의 위치입니다.
"""

ENGLISH_HEADINGS = """## Chosen pattern
Goal-driven systems

## How I'd apply it
I would build a study planner. It sets daily goals and adjusts them. It rewards streaks.

## Inputs and outputs
The input is my calendar and past study logs. The output is tomorrow's plan.
"""

PROSE_MENTIONS = """### 선택한 패턴
초개인화 — 추천 시스템은 예측 분석과도 관련이 있지만 핵심은 초개인화입니다.

### 어디에 적용할까?
음악 앱에 적용합니다. 사용자의 기분과 시간대에 맞는 노래를 틉니다.

### 모델의 입력과 출력
입력은 재생 기록과 시간대입니다. 출력은 추천 곡 목록입니다.
"""

CHOICE_IN_HEADING = """## 패턴: 이상 탐지 (Anomalies)

## 적용: 
공장 설비의 진동 데이터를 봅니다. 고장이 나기 전에 알려 줍니다.

## 입력/출력
입력은 진동 센서 값입니다. 출력은 이상 여부입니다.
"""

BRACKETS = "[패턴] 인식 (Recognition)\n\n[적용] 도서관에서 책 정리에 쓰고 싶습니다. 카메라가 책등을 읽어 잘못 꽂힌 책을 찾습니다.\n\n[입력/출력] 입력은 책장 사진입니다. 출력은 잘못 꽂힌 책의 위치입니다.\n"

FULLWIDTH_BRACKETS = "【패턴】\n인식\n\n【적용】\n도서관에서 책 정리에 쓰고 싶습니다. 카메라가 책등을 읽어 잘못 꽂힌 책을 찾습니다.\n\n【입력과 출력】\n입력은 책장 사진입니다. 출력은 잘못 꽂힌 책의 위치입니다.\n"

DASH_LABELS = "패턴 – 인식\n적용 – 도서관에서 책 정리에 쓰고 싶습니다. 카메라가 책등을 읽어 잘못 꽂힌 책을 찾습니다.\n입출력 – 입력은 책장 사진입니다. 출력은 잘못 꽂힌 책의 위치입니다.\n"

EMOJI_HEADINGS = "## 🧠 선택한 패턴\n초개인화\n\n## 🏥 적용 분야\n병원 예약 앱에 적용합니다. 환자마다 맞는 시간을 추천합니다.\n\n## 🔁 입력과 출력\n입력은 예약 기록입니다. 출력은 추천 시간입니다.\n"

QUOTED_CHOICE = "## 패턴\n저는 '인식' 패턴을 선택했습니다. 이 패턴은 예측 분석과 달리 지금 보이는 것을 알아봅니다.\n\n## 적용\n도서관에서 책 정리에 쓰고 싶습니다. 카메라가 책등을 읽어 잘못 꽂힌 책을 찾습니다.\n\n## 입력과 출력\n입력은 책장 사진입니다. 출력은 잘못 꽂힌 책의 위치입니다.\n"

REAL = {  # name → (file name, text, expected points per item)
    "bold_labels": (NAME, BOLD_LABELS, FULL),
    "numbered_txt": ("1주차 과제_19기 주민호.txt", NUMBERED_TXT, FULL),
    "bullets_gaejosik": (NAME, BULLETS_GAEJOSIK, FULL),
    "table": (NAME, TABLE, FULL),
    "emoji_endings": (NAME, EMOJI, FULL),
    "considered_then_chose": (NAME, CONSIDERED_THEN_CHOSE, FULL),
    "pattern_in_intro": (NAME, PATTERN_IN_INTRO, (1, 0, 1.5, 1, 1, 0.5)),
    "plain_labels_english": ("1주차 과제_19기 노가은.txt", PLAIN_LABELS_ENGLISH, FULL),
    "paragraphs_only": (NAME, PARAGRAPHS_ONLY, FULL),
    "noun_endings": (NAME, NOUN_ENDINGS, (1, 1, 1.5, 1, 1, 0.5)),
    "really_two_patterns": (NAME, REALLY_TWO, (1, 1, 0, 1, 1, 0.5)),
    "questions_and_answers": (NAME, Q_AND_A, FULL),
    "english_headings": (NAME, ENGLISH_HEADINGS, FULL),
    "other_pattern_in_prose": (NAME, PROSE_MENTIONS, FULL),
    "choice_in_heading": (NAME, CHOICE_IN_HEADING, FULL),
    "brackets": (NAME, BRACKETS, FULL),
    "fullwidth_brackets": (NAME, FULLWIDTH_BRACKETS, FULL),
    "dash_labels": (NAME, DASH_LABELS, FULL),
    "emoji_headings": (NAME, EMOJI_HEADINGS, FULL),
    "quoted_choice": (NAME, QUOTED_CHOICE, FULL),
    "misnamed_underscore": ("1주차과제_19기_노가은.md", BOLD_LABELS, (0, 1, 1.5, 1, 1, 0.5)),
    "misnamed_copy_suffix": ("1주차 과제_19기 주민호 (1).md", NUMBERED_TXT, (0, 1, 1.5, 1, 1, 0.5)),
}
