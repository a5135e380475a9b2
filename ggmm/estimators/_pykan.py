"""The one boundary around pykan's side effects.

pykan (``kan.MultKAN``) reseeds torch, NumPy and ``random`` globally in every
constructor (also inside ``refine`` and ``prune_node``), writes checkpoints to
``./model`` whenever ``auto_save`` is on (and ``refine`` / ``prune_node`` turn it
back on in the models they return), prints progress and tqdm bars, and depends on
PyTorch's global thread count. Everything that touches pykan in this package runs
inside :func:`pykan_sandbox` and builds or transforms models with the helpers below,
which keep ``auto_save`` off and the checkpoint path in a private temporary folder.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

__all__ = ["PykanSandbox", "pykan_sandbox", "new_kan", "refine_kan", "mask_edges", "seed_everything"]


@dataclass
class PykanSandbox:
    """What :func:`pykan_sandbox` hands to its block.

    Attributes
    ----------
    ckpt_path : str
        A private temporary folder, removed on exit; pass it as pykan's ``ckpt_path``.
    """

    ckpt_path: str
    stdout: Any = None
    stderr: Any = None

    def unmuted(self, callback: Callable[..., None] | None) -> Callable[..., None] | None:
        """``callback`` run with the caller's stdout and stderr (e.g. a progress bar)."""
        if callback is None:
            return None

        def call(*args: Any) -> None:
            with contextlib.redirect_stdout(self.stdout), contextlib.redirect_stderr(self.stderr):
                callback(*args)

        return call


def seed_everything(seed: int) -> None:
    """Seed torch, NumPy's legacy global generator and ``random`` (inside the sandbox only)."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


@contextlib.contextmanager
def pykan_sandbox(seed: int, threads: int = 1) -> Iterator[PykanSandbox]:
    """Run pykan code without leaking its side effects.

    On entry: saves the global RNG states (torch, NumPy legacy, ``random``), the
    deterministic-algorithms flag and the thread count; seeds all three generators
    with ``seed``; turns deterministic algorithms on; sets ``threads`` threads;
    creates a private checkpoint folder; sends stdout (pykan's prints) and stderr
    (its tqdm bars) to a buffer. On exit everything is restored and the folder
    removed, also when the block raises. Callbacks that should reach the terminal (progress)
    go through :meth:`PykanSandbox.unmuted`.

    The saved and restored state is process-wide: run parallel fits in separate processes,
    not threads.

    Parameters
    ----------
    seed : int
        Seed for the three global generators inside the block.
    threads : int, default 1
        ``torch.set_num_threads`` inside the block.

    Yields
    ------
    PykanSandbox
    """
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"The parameter 'threads' must be an integer >= 1, but got {threads!r}.")
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()
    py_state = random.getstate()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    n_threads = torch.get_num_threads()
    ckpt_path = tempfile.mkdtemp(prefix="ggmm-pykan-")
    sink = io.StringIO()
    try:
        seed_everything(seed)
        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(threads)
        box = PykanSandbox(ckpt_path=ckpt_path, stdout=sys.stdout, stderr=sys.stderr)
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            yield box
    finally:
        torch.set_rng_state(torch_state)
        np.random.set_state(np_state)
        random.setstate(py_state)
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)
        torch.set_num_threads(n_threads)
        shutil.rmtree(ckpt_path, ignore_errors=True)


def _quiet(model: Any, ckpt_path: str) -> Any:
    """Turn pykan's checkpointing off on ``model`` (it is re-enabled by refine and prune_node)."""
    model.auto_save = False
    model.ckpt_path = ckpt_path
    return model


def new_kan(
    width: list[int],
    grid: int,
    k: int,
    seed: int,
    ckpt_path: str,
    *,
    grid_range: tuple[float, float] = (-1.0, 1.0),
    noise_scale: float = 0.3,
    base_fun: str = "silu",
    symbolic_enabled: bool = False,
) -> Any:
    """A fresh ``kan.MultKAN`` with checkpointing off (call inside :func:`pykan_sandbox`).

    Parameters
    ----------
    width : list of int
        Nodes per layer, e.g. ``[2, 5, 1]``.
    grid, k : int
        Grid intervals and spline order of every edge.
    seed : int
        pykan's own seed (it reseeds the global generators with it).
    ckpt_path : str
        The sandbox's private folder.
    """
    from kan import MultKAN

    model = MultKAN(
        width=list(width),
        grid=grid,
        k=k,
        seed=seed,
        auto_save=False,
        ckpt_path=ckpt_path,
        grid_range=list(grid_range),
        noise_scale=noise_scale,
        base_fun=base_fun,
        symbolic_enabled=symbolic_enabled,
        save_act=True,
    )
    return _quiet(model, ckpt_path)


def refine_kan(model: Any, new_grid: int, x: torch.Tensor, ckpt_path: str) -> Any:
    """pykan's grid refinement (``MultKAN.refine``) with checkpointing kept off.

    Parameters
    ----------
    model : kan.MultKAN
    new_grid : int
        Grid intervals of the refined model.
    x : torch.Tensor of shape (N, D)
        Inputs whose activations define the refined grids (pykan uses the last cached batch).

    Returns
    -------
    kan.MultKAN
        A new model whose splines are least-squares fits of the old ones on finer grids.
    """
    model.auto_save = False
    with torch.no_grad():
        model.get_act(x)
    refined = model.refine(new_grid)
    refined.symbolic_enabled = model.symbolic_enabled
    refined.save_act = True
    return _quiet(refined, ckpt_path)


def mask_edges(model: Any, edge_keep: list[torch.Tensor]) -> None:
    """Prune by masks: zero the mask of every edge not kept (pykan's ``remove_edge`` in bulk).

    Unlike pykan's ``prune`` (which calls ``prune_node`` and checkpoints), the network keeps
    its shape, so every edge keeps its index; a pruned edge contributes exactly 0.

    Parameters
    ----------
    model : kan.MultKAN
    edge_keep : list of bool tensors
        One per layer, shape (in_dim, out_dim) as pykan's ``act_fun[l].mask``.
    """
    with torch.no_grad():
        for layer, keep in zip(model.act_fun, edge_keep, strict=True):
            layer.mask.data = layer.mask.data * keep.to(layer.mask.dtype)
        for sym, keep in zip(model.symbolic_fun, edge_keep, strict=True):
            sym.mask.data = sym.mask.data * keep.T.to(sym.mask.dtype)
