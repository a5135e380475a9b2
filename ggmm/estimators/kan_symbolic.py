"""The "symbolic" stage: pykan's ``auto_symbolic`` on a copy of a trained KAN.

Each live edge is replaced by the library function (``c f(a x + b) + d``) that pykan's
``suggest_symbolic`` prefers; then, as in pykan's workflow, the affine parameters of the
symbolic edges are re-trained on the estimator's own objective. The copy is returned with
its formula; the estimator itself keeps the spline model.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from ._kan_core import BoxScaler, clone_model
from ._kan_trainer import KANProblem

__all__ = ["symbolic_copy", "refit_affine"]


def refit_affine(sym: Any, problem: KANProblem, steps: int, lr: float) -> None:
    """Train the affine parameters of the symbolic edges on ``problem``'s objective.

    Edges fixed to the zero function stay zero; the best parameters seen are kept, and the
    loop stops if the objective stops being finite (an exp edge can overflow).
    """
    if steps <= 0:
        return
    params = [layer.affine for layer in sym.symbolic_fun]
    keep = [
        torch.tensor([[name != "0" for name in row] for row in layer.funs_name], dtype=torch.float32)[:, :, None]
        for layer in sym.symbolic_fun
    ]
    optimizer = torch.optim.Adam(params, lr=lr)
    best = (float("inf"), [p.detach().clone() for p in params])
    for step in range(steps):
        optimizer.zero_grad()
        objective, _ = problem.objective(sym, step)
        value = float(objective.detach())
        if not np.isfinite(value):
            break
        if value < best[0]:
            best = (value, [p.detach().clone() for p in params])
        objective.backward()
        for p, k in zip(params, keep, strict=True):
            if p.grad is not None:
                p.grad.mul_(k)
        optimizer.step()
    with torch.no_grad():
        for p, saved in zip(params, best[1], strict=True):
            p.copy_(saved)


def symbolic_copy(
    model: Any,
    problem: KANProblem,
    U_fit: torch.Tensor,
    scaler: BoxScaler,
    lib: Sequence[str],
    steps: int,
    lr: float,
    exp_offset: float | None,
) -> tuple[Any, str]:
    """A symbolic copy of ``model`` and its formula in data coordinates.

    Parameters
    ----------
    model : kan.MultKAN
    problem : KANProblem
        Supplies the objective for the affine re-fit.
    U_fit : torch.Tensor of shape (n, D)
        Inputs (unit coordinates) on which ``auto_symbolic`` fits each edge.
    scaler : BoxScaler
        Maps the formula's variables back to data units.
    lib : sequence of str
        pykan function names.
    steps, lr : int, float
        Affine re-fit.
    exp_offset : float or None
        When given, the density is ``exp(network + exp_offset)`` and the formula says so.

    Returns
    -------
    sym : kan.MultKAN
    formula_latex : str
        Numbers rounded to 4 significant digits; variables ``x_1, x_2, ...`` in data units.
    """
    import sympy

    sym = clone_model(model)
    sym.symbolic_enabled = True
    sym.get_act(U_fit)
    sym.auto_symbolic(lib=list(lib), verbose=0)
    refit_affine(sym, problem, steps, lr)
    with warnings.catch_warnings():  # sympy converts pykan's trainable affine tensors to floats
        warnings.simplefilter("ignore", UserWarning)
        formula = sym.symbolic_formula(normalizer=[list(scaler.center), list(scaler.half)])[0][0]
    expr = sympy.exp(formula + exp_offset) if exp_offset is not None else formula
    expr = expr.xreplace({n: sympy.Float(float(f"{float(n):.4g}")) for n in expr.atoms(sympy.Float)})
    return sym, sympy.latex(expr)
