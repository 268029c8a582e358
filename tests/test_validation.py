"""Bad input raises a clear error naming the argument: tests generated from the declared rules.

Every function decorated with ``validate_params`` (``nncomplexity._validate``)
is collected after importing the whole package. For each one the test builds a
valid call from the rules' examples (plus the few arguments listed below that
have no rule), checks that it runs, then replaces one argument at a time with
each of its rule's bad values and checks the exception's type and that its
message names the argument. Adding a rule adds its tests.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import nncomplexity
from nncomplexity._validate import VALIDATED, Bool, Choice, Int, Positive1D, Real, Widths, validate_params

for info in pkgutil.walk_packages(nncomplexity.__path__, "nncomplexity."):
    importlib.import_module(info.name)


def _torch_model():
    from nncomplexity.kernels.mlp_torch import mlp_torch

    return mlp_torch([3, 4, 2], device="meta")


def _torch_input():
    import torch

    return torch.empty(5, 3, device="meta")


# Arguments that have no rule (arrays, models, generators), by function: a valid value for each.
OTHER_ARGS = {
    "nncomplexity.kernels.params.init_params": {"rng": lambda: np.random.default_rng(0)},
    "nncomplexity.cost.training.training_flops": {"widths": lambda: [3, 4, 2], "dataset_size": lambda: 10,
                                                  "epochs": lambda: 1},
    "nncomplexity.cost.counting.count_flops_torch": {"model": _torch_model, "x": _torch_input},
    "nncomplexity.train.loop.train_mlps": {"data": lambda: _tiny_data(), "config": lambda: _tiny_config()},
    "nncomplexity.optim.quadratic.eigenvalues_random": {"rng": lambda: np.random.default_rng(0)},
    "nncomplexity.optim.methods.run_method": {"f": lambda: np.sum, "grad": lambda: np.ones_like,
                                              "x0": lambda: np.zeros(3)},
}


# Each topic may keep its own table in tests/validation_args_<topic>.py (a dict OTHER_ARGS of the
# same shape), so that packages written side by side do not edit one shared dict.
for _path in sorted(Path(__file__).parent.glob("validation_args_*.py")):
    _spec = importlib.util.spec_from_file_location(_path.stem, _path)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    for _name, _args in _module.OTHER_ARGS.items():
        if _name in OTHER_ARGS:
            raise RuntimeError(f"{_path.name}: {_name} already has its extra arguments elsewhere")
        OTHER_ARGS[_name] = _args


def _tiny_data():
    from nncomplexity.data import teacher_student

    return teacher_student(8, 4, widths=[3, 4], seed=0)[0]  # fits the Widths rule's example [3, 4]


def _tiny_config():
    from nncomplexity.train import TrainConfig

    return TrainConfig(steps=2, batch_size=4)


SLOW = {"nncomplexity.workloads.forward_callable", "nncomplexity.kernels.mlp_torch.mlp_torch"}


def _valid_call(qualname: str):
    fn = VALIDATED[qualname]
    sig = inspect.signature(fn)
    args = {}
    for name, param in sig.parameters.items():
        if name in fn.rules:
            args[name] = fn.rules[name].example()
        elif name in OTHER_ARGS.get(qualname, {}):
            args[name] = OTHER_ARGS[qualname][name]()
        elif param.default is inspect.Parameter.empty and param.kind not in (
                param.VAR_POSITIONAL, param.VAR_KEYWORD):
            pytest.fail(f"{qualname}: no example for the required argument {name!r}; add it to OTHER_ARGS")
    return fn, args


def _cases():
    for qualname in sorted(VALIDATED):
        fn = VALIDATED[qualname]
        sig = inspect.signature(fn)
        for name, rule in fn.rules.items():
            for bad, error in rule.bad_values():
                if bad is None and sig.parameters[name].default is None:
                    continue  # None means "not given" there
                yield pytest.param(qualname, name, bad, error, id=f"{qualname.split('.', 1)[1]}-{name}={bad!r}")


def test_the_rules_cover_the_library():
    """The counts, the parameters, the scenarios and the workloads declare their rules."""
    modules = {q.rsplit(".", 1)[0] for q in VALIDATED}
    for expected in ("nncomplexity.cost.flops", "nncomplexity.cost.memory", "nncomplexity.cost.scenarios",
                     "nncomplexity.cost.counting", "nncomplexity.kernels.params", "nncomplexity.workloads"):
        assert expected in modules, expected
    assert len(VALIDATED) >= 15


@pytest.mark.parametrize("qualname", sorted(VALIDATED))
def test_valid_example_runs(qualname):
    if "torch" in qualname or qualname in SLOW:
        pytest.importorskip("torch")
    fn, args = _valid_call(qualname)
    fn(**args)


@pytest.mark.parametrize("qualname, name, bad, error", list(_cases()))
def test_bad_argument_is_named(qualname, name, bad, error):
    if "torch" in qualname or qualname in SLOW:
        pytest.importorskip("torch")
    fn, args = _valid_call(qualname)
    args[name] = bad
    with pytest.raises(error) as info:
        fn(**args)
    assert name in str(info.value), f"{qualname}({name}={bad!r}) raised {info.value!r}, which does not name {name!r}"


def test_rules_normalise_and_reject():
    @validate_params(n=Int(minimum=1), x=Real(), flag=Bool(), kind=Choice(("a", "b")), w=Widths(),
                     xs=Positive1D())
    def f(n, x, flag, kind, w, xs=None):
        return n, x, flag, kind, w, xs

    n, x, flag, kind, w, xs = f(np.int64(3), 2, np.bool_(True), "b", np.array([3, 4]), None)
    assert (type(n), type(x), type(flag), w, xs) == (int, float, bool, [3, 4], None)
    with pytest.raises(TypeError, match="validate_params: .* has no parameter"):
        validate_params(nope=Int())(lambda n: n)
