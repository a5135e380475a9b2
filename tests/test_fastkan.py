"""The fast path against pykan's own: basis, outputs, penalty, gradients, grid updates, a training path."""

from __future__ import annotations

import copy

import pytest
import torch
from kan.spline import B_batch

from ggmm.estimators._fastkan import bspline_basis, fast_forward, fast_forward_with_reg, fast_update_grid
from ggmm.estimators._pykan import new_kan, pykan_sandbox

NETS = [([2, 5, 1], 5), ([2, 3, 4, 1], 20)]


def build(width: list, grid: int, k: int = 3, seed: int = 0, double: bool = False):
    with pykan_sandbox(seed) as box:
        model = new_kan(width, grid, k, seed, box.ckpt_path)
    return model.double() if double else model


def inputs(n: int, dim: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Points over [-1.3, 1.3]^dim: most inside the grid, some beyond its extension knots."""
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, dim, generator=g, dtype=torch.float64) * 2.6 - 1.3).to(dtype)


def reg_of(model) -> torch.Tensor:
    return model.get_reg("edge_forward_spline_n", 1.0, 2.0, 0.0, 0.0)


def warped(model, U: torch.Tensor):
    """``model`` after pykan's grid update on a skewed sample: non-uniform grids, new coefficients."""
    with torch.no_grad():
        model.update_grid_from_samples(torch.sign(U) * U.abs() ** 1.5 * 0.8)
    return model


# -- basis ------------------------------------------------------------------------------------


def knot_grid(G: int, k: int, dtype: torch.dtype) -> torch.Tensor:
    """pykan's extended grid of 2 inputs: one uniform, one non-uniform."""
    from kan.spline import extend_grid

    uniform = torch.linspace(-1, 1, G + 1, dtype=dtype)
    skewed = torch.sign(uniform) * uniform.abs() ** 1.7
    return extend_grid(torch.stack([uniform, skewed]), k_extend=k)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("G", [5, 20])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_basis_equals_pykan(k: int, G: int, dtype: torch.dtype) -> None:
    grid = knot_grid(G, k, dtype)
    inside = inputs(500, 2, seed=G + k, dtype=dtype)
    on_knots = grid.T.clone()  # every knot, the first and the last included
    beyond = torch.tensor([[-50.0, -50.0], [50.0, 50.0]], dtype=dtype)
    x = torch.cat([inside, on_knots, beyond])
    ours, theirs = bspline_basis(x, grid, k), B_batch(x, grid, k)
    assert ours.shape == theirs.shape == (len(x), 2, G + k)
    tol = dict(rtol=1e-6, atol=1e-7) if dtype == torch.float32 else dict(rtol=0, atol=1e-12)
    torch.testing.assert_close(ours, theirs, **tol)
    assert torch.all(ours[-2:] == 0)  # outside the grid, as in pykan


# -- forward, penalty, gradients --------------------------------------------------------------


@pytest.mark.parametrize("width,grid", NETS)
@pytest.mark.parametrize("double", [False, True])
def test_forward_and_penalty_equal_pykan(width: list, grid: int, double: bool) -> None:
    dtype = torch.float64 if double else torch.float32
    U = inputs(700, 2, seed=1, dtype=dtype)
    for model in (build(width, grid, double=double), warped(build(width, grid, double=double), U)):
        expected = model(U)
        expected_reg = reg_of(model)
        out = fast_forward(model, U)
        out_reg, reg = fast_forward_with_reg(model, U)
        tol = dict(rtol=1e-5, atol=1e-6) if not double else dict(rtol=1e-12, atol=1e-12)
        assert out.dtype == dtype and out.shape == (700, width[-1])
        torch.testing.assert_close(out, expected, **tol)
        torch.testing.assert_close(out_reg, expected, **tol)
        torch.testing.assert_close(reg, expected_reg, **tol)


@pytest.mark.parametrize("width,grid", NETS)
def test_gradients_equal_pykan(width: list, grid: int) -> None:
    U = inputs(600, 2, seed=2)
    target = torch.exp(-(U**2).sum(dim=1, keepdim=True))
    model = warped(build(width, grid), U)
    twin = copy.deepcopy(model)
    (torch.mean((model(U) - target) ** 2) + 0.1 * reg_of(model)).backward()
    out, reg = fast_forward_with_reg(twin, U)
    (torch.mean((out - target) ** 2) + 0.1 * reg).backward()
    for layer, (a, b) in enumerate(zip(model.act_fun, twin.act_fun, strict=True)):
        for name in ("coef", "scale_base", "scale_sp"):
            ga, gb = getattr(a, name).grad, getattr(b, name).grad
            assert gb is not None, f"no gradient for layer {layer} {name}"
            err = float((ga - gb).abs().max() / ga.abs().max())
            assert err < 1e-5, f"layer {layer} {name}: relative gradient error {err:.2e}"


def test_layer_and_penalty_gradients_are_exact() -> None:
    """The kernel's hand-written backward passes against finite differences (float64)."""
    from ggmm.estimators import _fastkan, _kankernel

    model = warped(build([2, 3, 1], 5, double=True), inputs(300, 2, seed=7, dtype=torch.float64))
    layer = model.act_fun[0]
    x = inputs(40, 2, seed=8, dtype=torch.float64).T.contiguous().requires_grad_()
    coef, base, spline = (t.detach().clone().requires_grad_() for t in (layer.coef, layer.scale_base, layer.scale_sp))

    def through_layer(x, coef, base, spline):
        return _kankernel._Layer.apply(x, coef, base, spline, layer.grid, layer.mask, layer.k)

    assert torch.autograd.gradcheck(through_layer, (x, coef, base, spline), eps=1e-6, atol=1e-7)
    spreads = [torch.rand(3, 2, dtype=torch.float64) + 0.05, torch.rand(2, dtype=torch.float64) + 0.05]
    spreads += [torch.rand(1, 3, dtype=torch.float64) + 0.05, torch.rand(3, dtype=torch.float64) + 0.05]
    spreads = [t.requires_grad_() for t in spreads]
    assert torch.autograd.gradcheck(lambda *s: _fastkan._Penalty.apply(1.0, 2.0, *s), spreads, eps=1e-7, atol=1e-7)


# -- grid updates -----------------------------------------------------------------------------


@pytest.mark.parametrize("width,grid", NETS)
@pytest.mark.parametrize("double", [False, True])
def test_grid_update_equals_pykan(width: list, grid: int, double: bool) -> None:
    dtype = torch.float64 if double else torch.float32
    U = inputs(900, 2, seed=6, dtype=dtype)
    skewed = torch.sign(U) * U.abs() ** 1.5
    ours = build(width, grid, double=double)
    theirs = copy.deepcopy(ours)
    tensors = [(layer.grid, layer.coef) for layer in ours.act_fun]
    with torch.no_grad():
        theirs.update_grid_from_samples(skewed)
    fast_update_grid(ours, skewed)
    for layer, (a, b) in enumerate(zip(ours.act_fun, theirs.act_fun, strict=True)):
        assert a.grid is tensors[layer][0] and a.coef is tensors[layer][1], "the parameters must be updated in place"
        grid_tol = dict(rtol=1e-6, atol=1e-6) if not double else dict(rtol=1e-13, atol=1e-13)
        torch.testing.assert_close(a.grid, b.grid, **grid_tol)
    # the refit is a least-squares solve: compare the curves it gives, not its coefficients
    tol = dict(rtol=1e-4, atol=1e-5) if not double else dict(rtol=1e-10, atol=1e-11)
    torch.testing.assert_close(fast_forward(ours, U), fast_forward(theirs, U), **tol)


# -- training ---------------------------------------------------------------------------------


def test_training_path_equals_pykan() -> None:
    """200 Adam steps in float64 with grid updates and the penalty trace pykan's own loss path.

    pykan's path is its forward, its penalty and its grid update; the fast path is
    :func:`fast_forward_with_reg` and :func:`fast_update_grid`.

    With a penalty weight of 1e-2 the two paths part after some 30 steps, as would two pykan
    runs summing in different orders: the penalty's entropy gradients nearly cancel and Adam
    rescales that rounding noise to full-size steps. At 1e-3 the path is well conditioned.
    """
    steps, lamb, every = 200, 1e-3, 200 // 20
    U = inputs(200, 2, seed=3, dtype=torch.float64)
    target = torch.exp(-2 * (U**2).sum(dim=1)) + 0.5 * torch.sin(3 * U[:, 0])
    old = build([2, 5, 1], 5, double=True)
    new = copy.deepcopy(old)
    paths = []
    with pykan_sandbox(0):  # one thread and deterministic kernels, as the trainer runs
        for model, fast in ((old, False), (new, True)):
            opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)
            losses = []
            for step in range(steps):
                if step < steps // 2 and step % every == 0:
                    if fast:
                        fast_update_grid(model, U)
                    else:
                        with torch.no_grad():
                            model.update_grid_from_samples(U)
                opt.zero_grad()
                if fast:
                    out, reg = fast_forward_with_reg(model, U)
                else:
                    out = model(U)
                    reg = reg_of(model)
                loss = torch.mean((out[:, 0] - target) ** 2) + lamb * reg
                loss.backward()
                opt.step()
                losses.append(loss.item())
            paths.append(torch.tensor(losses, dtype=torch.float64))
    assert paths[0][-1] < 0.1 * paths[0][0]  # it did learn
    torch.testing.assert_close(paths[1], paths[0], rtol=1e-8, atol=0)


# -- models the fast path refuses -------------------------------------------------------------


def test_multiplication_nodes_are_refused() -> None:
    model = build([2, [3, 2], 1], 5)
    with pytest.raises(ValueError, match="multiplication node"):
        fast_forward(model, inputs(10, 2, seed=4))


def test_symbolic_edges_are_refused() -> None:
    model = build([2, 5, 1], 5)
    with pykan_sandbox(0):
        model.symbolic_enabled = True
        model.fix_symbolic(0, 0, 0, "x", fit_params_bool=False)
    for call in (fast_forward, fast_forward_with_reg):
        with pytest.raises(ValueError, match="symbolic edges"):
            call(model, inputs(10, 2, seed=5))
