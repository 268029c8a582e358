"""Lab 4: calling the book's own reference instead of writing the method earns nothing (read statically)."""
import pytest

from nncomplexity.grading import check_task
from nncomplexity.measure.fit import fit_power_law
from nncomplexity.optim.noise import simple_noise_scale
from nncomplexity.optim.steps import steps_to_accuracy


@pytest.mark.parametrize("task_id, fn, seen", [
    ("4.1", lambda e, p: steps_to_accuracy(e, p, "gd"), "steps_to_accuracy"),
    ("4.2", lambda e, p: steps_to_accuracy(e, p, "nesterov"), "steps_to_accuracy"),
    ("4.3", lambda k, s: fit_power_law(k, s).value, "fit_power_law"),
    ("4.4", simple_noise_scale, "the book's own reference"),
])
def test_the_books_own_functions_do_not_pass(task_id, fn, seen):
    result = check_task(task_id, fn)
    assert result.score == 0 and f"Task {task_id} asks you to write this yourself" in str(result), str(result)
    assert seen in str(result), str(result)
