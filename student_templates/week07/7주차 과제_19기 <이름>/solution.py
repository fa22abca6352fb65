"""7주차 프로젝트 / Week 7 project: train(X_train, y_train, seed) and predict(model, X)."""


def train(X_train, y_train, seed):
    """X_train: (N, 64) float32 tensor (0–16), y_train: (N,) int64 tensor → a trained model."""
    raise NotImplementedError


def predict(model, X):
    """(N, 64) float32 tensor → (N,) integer labels."""
    raise NotImplementedError


if __name__ == "__main__":
    from sklearn.datasets import load_digits
    import torch

    X, y = load_digits(return_X_y=True)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y)
    model = train(X[:1300], y[:1300], seed=0)
    print("validation accuracy:", (torch.as_tensor(predict(model, X[1300:])) == y[1300:]).float().mean().item())
