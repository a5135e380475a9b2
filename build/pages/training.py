"""Facts of the training replays (the ``training/`` snapshot exports) as the pages state them.

Which file a page shows for a dataset (:func:`training_file`), a run's outline for the
caption of its figure (:func:`snapshot_facts`) and its stages told apart: the spline network's
end, pruning, the symbolic step (:func:`training_facts`). Plain values, no wording.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .format import Facts
from .lookups import Doc

__all__ = ["snapshot_facts", "training_facts", "training_file"]


def snapshot_facts(snapshots: Doc) -> Facts:
    """Facts about a training run for the prose of Figure 3."""
    frames = snapshots["frames"]
    run = snapshots["run"]
    first, last = frames[0], frames[-1]
    return Facts(
        {
            "dataset": run["dataset"],
            "method": run["method"],
            "n_frames": len(frames),
            "n_steps": max(snapshots["loss"]["step"], default=last["step"]),
            "stages": " → ".join(stage["name"] for stage in snapshots["stages"]),
            "initial_width": list(first["width"]),
            "final_width": list(last["width"]),
            "n_edges": len(snapshots["edges"]),
            "live_edges": int(sum(last["edges"]["live"])),
            "loss_name": snapshots["loss_name"],
            "final_train": last["train_loss"],
            "final_validation": last["validation_loss"],
        }
    )


def training_facts(snapshots: Doc) -> Facts:
    """What a training replay shows, told apart by stage: the spline network's end, pruning, the symbolic step.

    Returns
    -------
    dict
        ``n_edges``; ``pruned`` (edges not live at the last spline snapshot); ``width_first``,
        ``width_last``; ``spline_train``, ``spline_validation`` (losses at the last snapshot
        before any symbolic stage); ``symbolic_train``, ``symbolic_validation`` (at the last
        symbolic snapshot, or None); ``stages`` (names in order); ``loss_name``;
        ``has_prune`` (a prune stage ran); ``n_steps``; ``n_frames``; ``method``, ``dataset``.
    """
    frames = snapshots["frames"]
    spline = [f for f in frames if f.get("stage") != "symbolic"] or frames
    symbolic = [f for f in frames if f.get("stage") == "symbolic"]
    last = spline[-1]
    n_edges = len(snapshots["edges"])
    return Facts(
        {
            "dataset": snapshots["run"]["dataset"],
            "method": snapshots["run"]["method"],
            "n_frames": len(frames),
            "n_steps": max(snapshots["loss"]["step"], default=last["step"]),
            "stages": [s["name"] for s in snapshots["stages"]],
            "has_prune": any(s["name"] == "prune" for s in snapshots["stages"]),
            "n_edges": n_edges,
            "pruned": n_edges - int(sum(last["edges"]["live"])),
            "width_first": list(frames[0]["width"]),
            "width_last": list(last["width"]),
            "loss_name": snapshots["loss_name"],
            "spline_train": last["train_loss"],
            "spline_validation": last["validation_loss"],
            "symbolic_train": symbolic[-1]["train_loss"] if symbolic else None,
            "symbolic_validation": symbolic[-1]["validation_loss"] if symbolic else None,
        }
    )


def training_file(
    folder: str | os.PathLike[str], dataset: str = "original", prefer: Iterable[str] = ("ka", "density")
) -> str:
    """The snapshot file a page shows for ``dataset``.

    Parameters
    ----------
    folder : path
        The ``training/`` export folder.
    dataset : str
        Dataset name (the file stem starts with ``<dataset>-``).
    prefer : iterable of str
        Substrings of the method name tried in order; the first file whose method contains
        one wins, else the alphabetically first file of the dataset.

    Returns
    -------
    path : str
        POSIX path, ``folder`` joined with the file name (usable as a page-relative URL).

    Raises
    ------
    ValueError
        When the folder holds no snapshot file for ``dataset``.
    """
    base = Path(folder)
    files = sorted(base.glob(f"{dataset}-*.json"))
    if not files:
        raise ValueError(f"The parameter 'dataset' names no snapshot file in {base}: got {dataset!r}.")
    for key in prefer:
        for path in files:
            if key in path.stem[len(dataset) + 1 :]:
                return (base / path.name).as_posix()
    return (base / files[0].name).as_posix()
