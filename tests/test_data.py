"""The trainer's data: seeded, deterministic, standardised with training statistics only."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("sklearn")

from nncomplexity.data import Dataset, load_digits_split, teacher_student  # noqa: E402


def test_digits_shapes_dtypes_and_split():
    d = load_digits_split(test_fraction=0.25, seed=0)
    assert isinstance(d, Dataset) and d.classes == 10 and d.n_features == 64
    assert d.X_train.shape == (1348, 64) and d.X_test.shape == (449, 64)
    assert d.X_train.dtype == torch.float32 and d.y_train.dtype == torch.int64
    assert set(d.y_train.unique().tolist()) == set(range(10))


def test_digits_standardised_with_training_statistics():
    d = load_digits_split(seed=3)
    X = d.X_train.numpy()
    varying = X.std(axis=0) > 0
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(X.std(axis=0)[varying], 1, atol=1e-4)


def test_digits_is_seeded():
    a, b, c = load_digits_split(seed=1), load_digits_split(seed=1), load_digits_split(seed=2)
    assert torch.equal(a.X_train, b.X_train) and torch.equal(a.y_test, b.y_test)
    assert not torch.equal(a.y_train, c.y_train)


def test_digits_split_is_a_partition():
    d = load_digits_split(seed=0)
    rows = np.concatenate([d.X_train.numpy(), d.X_test.numpy()])
    assert len(np.unique(rows.round(4), axis=0)) >= 1797 - 30  # digits holds a few duplicate images


def test_teacher_student_labels_are_the_teachers_argmax():
    data, teacher = teacher_student(500, 200, widths=[8, 16, 3], seed=4)
    assert data.X_train.shape == (500, 8) and data.X_test.shape == (200, 8) and data.classes == 3
    with torch.no_grad():
        assert torch.equal(teacher(data.X_train).argmax(1), data.y_train)
        assert torch.equal(teacher(data.X_test).argmax(1), data.y_test)
    assert len(data.y_train.unique()) == 3
    assert not any(p.requires_grad for p in teacher.parameters())


def test_teacher_student_is_seeded_and_nested():
    small, t1 = teacher_student(100, 50, seed=7)
    big, t2 = teacher_student(400, 50, seed=7)
    assert torch.equal(small.X_test, big.X_test)  # the test set does not depend on n_train
    assert torch.equal(small.X_train, big.X_train[:100])  # a larger set extends a smaller one
    assert all(torch.equal(p, q) for p, q in zip(t1.parameters(), t2.parameters()))
    other, _ = teacher_student(100, 50, seed=8)
    assert not torch.equal(other.X_train, small.X_train)


def test_global_rng_untouched():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    load_digits_split(seed=0)
    teacher_student(10, 10, seed=0)
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("kwargs, name", [({"test_fraction": 1e-6}, "test_fraction"),
                                          ({"seed": -1}, "seed")])
def test_digits_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        load_digits_split(**kwargs)


def test_teacher_needs_two_classes():
    with pytest.raises(ValueError, match="widths"):
        teacher_student(10, widths=[4, 1])


def test_breast_cancer_for_logistic_regression():
    from nncomplexity.data import breast_cancer_logistic

    X, y = breast_cancer_logistic()
    assert X.shape == (569, 31) and y.shape == (569,) and X.dtype == np.float64
    assert set(np.unique(y)) == {-1.0, 1.0} and np.all(X[:, -1] == 1)
    assert np.allclose(X[:, :-1].mean(axis=0), 0, atol=1e-12) and np.allclose(X[:, :-1].std(axis=0), 1)
