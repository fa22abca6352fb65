"""Synthetic week-7 projects: (README, solution.py) and what the grader must find."""

GOOD_README = """# 손글씨 숫자 분류
## 문제 정의 / Problem
8×8 손글씨 숫자를 0–9로 분류합니다.
## 데이터 / Data
sklearn digits, 1,797장.
## 모델 / Model
RBF 커널 SVM (C=10, gamma=0.001).
## 실험 / Experiments
5-fold 교차 검증으로 C와 gamma를 골랐습니다.
## 결과 / Results
검증 정확도 {accuracy}.
## 한계 / Limitations
회전된 숫자에는 약합니다.
"""

SVM = '''
import numpy as np
from sklearn.svm import SVC


def train(X_train, y_train, seed):
    return SVC(C=10, gamma=0.001, random_state=seed).fit(X_train.numpy(), y_train.numpy())


def predict(model, X):
    return model.predict(X.numpy())


if __name__ == "__main__":
    raise SystemExit("importing must not run this")
'''

# a weak model: two pixel-row sums only — accuracy well below 0.90
WEAK = '''
from sklearn.linear_model import LogisticRegression


def features(X):
    X = X.numpy().reshape(-1, 8, 8)
    return X[:, 2:6, :].sum(axis=1)


def train(X_train, y_train, seed):
    return LogisticRegression(max_iter=500).fit(features(X_train), y_train.numpy())


def predict(model, X):
    return model.predict(features(X))
'''

# between the thresholds: nearest neighbours with a large k (about 0.956 held out)
MIDDLE = '''
from sklearn.neighbors import KNeighborsClassifier


def train(X_train, y_train, seed):
    return KNeighborsClassifier(n_neighbors=25).fit(X_train.numpy(), y_train.numpy())


def predict(model, X):
    return model.predict(X.numpy())
'''

# random state never fixed: two trainings disagree
UNSEEDED = '''
import numpy as np
from sklearn.svm import SVC


def train(X_train, y_train, seed):
    keep = np.random.default_rng().random(len(y_train)) < 0.5  # a different half every time
    return SVC(C=10, gamma=0.001).fit(X_train.numpy()[keep], y_train.numpy()[keep])


def predict(model, X):
    return model.predict(X.numpy())
'''

# unseeded, but returns the model of an earlier training with the same seed: from a module dict, or
# from a file under $HOME (= /tmp); both trainings used to run in one process
CACHED = UNSEEDED.replace('''def train(X_train, y_train, seed):
''', '''_MODELS = {}


def train(X_train, y_train, seed):
    import os, pickle
    path = os.path.join(os.path.expanduser("~"), f".model-{seed}.pkl")
    if seed in _MODELS:
        return _MODELS[seed]
    if os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    _MODELS[seed] = model = _train(X_train, y_train, seed)
    with open(path, "wb") as f:
        pickle.dump(model, f)
    return model


def _train(X_train, y_train, seed):
''')

# tries to download a pretrained model, then falls back
NETWORK = SVM.replace('''def train(X_train, y_train, seed):
''', '''def train(X_train, y_train, seed):
    import urllib.request
    try:
        urllib.request.urlopen("https://example.com/pretrained.pt", timeout=2)
    except Exception:
        pass
''')

# never finishes training
SLOW = '''
import time


def train(X_train, y_train, seed):
    time.sleep(10_000)


def predict(model, X):
    return [0] * len(X)
'''

# solution.py imports a helper module from its own folder
HELPER = {"model_def.py": '''
from sklearn.svm import SVC


def make(seed):
    return SVC(C=10, gamma=0.001, random_state=seed)
''', "solution.py": '''
from model_def import make


def train(X_train, y_train, seed):
    return make(seed).fit(X_train.numpy(), y_train.numpy())


def predict(model, X):
    return model.predict(X.numpy())
'''}

# ignores X_train: fits sklearn's own copy of the digits (held out ones included)
FULL_FIT = '''
from sklearn.datasets import load_digits
from sklearn.svm import SVC


def train(X_train, y_train, seed):
    X, y = load_digits(return_X_y=True)
    return SVC(C=10, gamma=0.001).fit(X, y)


def predict(model, X):
    return model.predict(X.numpy())
'''

# ignores X_train: ships the public dataset in its folder, looks every image up, else fits it
SHIPPED = '''
import numpy as np
from sklearn.svm import SVC


def train(X_train, y_train, seed):
    data = np.loadtxt("digits.csv", delimiter=",")
    X, y = data[:, :-1], data[:, -1].astype(int)
    return {tuple(row): label for row, label in zip(X, y)}, SVC(C=10, gamma=0.001).fit(X, y)


def predict(model, X):
    table, fallback = model
    X = X.numpy()
    return [table.get(tuple(row), fallback.predict(row[None])[0]) for row in X]
'''


def near_limit(seconds: float) -> str:
    """The SVM after ``seconds`` of work per training (a project close to its time limit)."""
    return SVM.replace("def train(X_train, y_train, seed):\n", f"def train(X_train, y_train, seed):\n"
                       f"    import time\n    time.sleep({seconds})\n")


# several accuracies and none marked final: held to the highest (kNN measures about 0.956)
MANY_CLAIMS_README = GOOD_README.replace("검증 정확도 {accuracy}.", "정확도 0.99를 얻었습니다.\n\n"
                                         "| 모델 | 정확도 |\n|---|---|\n| kNN (k=25) | 0.95 |\n")
FINAL_CLAIM_README = GOOD_README.replace("검증 정확도 {accuracy}.", "검증 정확도 0.99.\n\n"
                                         "| 모델 | 정확도 |\n|---|---|\n| kNN (k=25), 최종 테스트 | 0.96 |\n")


# learns the class renaming from exact matches of the training images against a shipped copy of the
# public digits, then labels each held-out image by its public twin: 1.000 where the held-out images are
# the dataset's own. The copy is what collection flags for a TA (sources.data_copies)
LOOKUP = '''
import numpy as np


def train(X_train, y_train, seed):
    data = np.load("digits.npz")
    table = {tuple(row): int(label) for row, label in zip(data["X"], data["y"])}
    names = {}
    for row, label in zip(X_train.numpy(), y_train.numpy()):
        if tuple(row) in table:
            names[table[tuple(row)]] = int(label)
    return table, names


def predict(model, X):
    table, names = model
    return [names.get(table.get(tuple(row), -1), 0) for row in X.numpy()]
'''


# the same download, past the in-process check: a raw _socket, and a subprocess (decided by the
# sandbox's own network counters, engine.netns)
NETWORK_RAW = SVM.replace('''def train(X_train, y_train, seed):
''', '''def train(X_train, y_train, seed):
    import _socket
    try:
        s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect(("93.184.216.34", 443))
    except OSError:
        pass
''')
NETWORK_SUBPROCESS = SVM.replace('''def train(X_train, y_train, seed):
''', '''def train(X_train, y_train, seed):
    import subprocess, sys
    subprocess.run([sys.executable, "-c", "import urllib.request\\ntry:\\n    urllib.request.urlopen("
                    "'https://example.com/w.pt', timeout=2)\\nexcept Exception:\\n    pass"], timeout=20)
''')
