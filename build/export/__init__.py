"""Turn job results into the report's compact JSON exports.

Every export carries ``schema`` and ``version``. Floats are rounded to 7 significant
digits and large arrays are packed (``ggmm.packing``), so the files stay small and two
builds from the same results are byte-identical (:mod:`.format`). Wall times, which differ
from run to run, live in ``timings.json`` only. Intervals and verdicts come from
:mod:`ggmm.stats`, exponents from :mod:`ggmm.power_law`. One module per family of documents;
this package is the exporter whose code the exports' manifest hashes
(:data:`ggmm_build.cache.EXPORTER`), so it imports them all.
"""

from .comparison import comparison_export, paired_comparisons, presets_export
from .format import EXPORT_VERSION, dumps, rounded, write_exports
from .recovery import em_history_export, original_export, recovered_export
from .scaling import law_shape, scaling_export
from .timings import scaling_timings, timings_export
from .tuning import tuning_export

__all__ = [
    "EXPORT_VERSION",
    "comparison_export",
    "dumps",
    "em_history_export",
    "law_shape",
    "original_export",
    "paired_comparisons",
    "presets_export",
    "recovered_export",
    "rounded",
    "scaling_export",
    "scaling_timings",
    "timings_export",
    "tuning_export",
    "write_exports",
]
