"""Plotly figure builders of the report: pure functions ``data, lang -> Figure``.

Each builder takes a parsed export (see :func:`load_export`) and a language, and returns a
``plotly.graph_objects.Figure`` whose every label comes from :mod:`ggmm_build.i18n.strings`.
"""

from .bspline import bspline_basis, bspline_basis_figure
from .comparison import comparison_figure
from .em_history import em_history_figure
from .ground_truth import formula_html, formula_latex, ground_truth_figure, posterior_table
from .io import find_preset, load_export
from .network import network_figure
from .paired import paired_figure
from .recovered import recovered_figure, recovered_table
from .scaling_accuracy import scaling_accuracy_figure
from .scaling_cost import scaling_cost_figure
from .scaling_law import scaling_law_figure
from .training import training_figure

__all__ = [
    "bspline_basis",
    "bspline_basis_figure",
    "comparison_figure",
    "em_history_figure",
    "find_preset",
    "formula_html",
    "formula_latex",
    "ground_truth_figure",
    "load_export",
    "network_figure",
    "paired_figure",
    "posterior_table",
    "recovered_figure",
    "recovered_table",
    "scaling_accuracy_figure",
    "scaling_cost_figure",
    "scaling_law_figure",
    "training_figure",
]
