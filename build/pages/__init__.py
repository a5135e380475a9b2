"""What the report's code cells call: emitters, sentences and numbers for the prose, tables.

* :mod:`ggmm_build.pages.quarto`: print bilingual Markdown, figures and widgets for Quarto;
* the facts pages state, computed from the exports (plain values, no wording), one module per
  subject: :mod:`~ggmm_build.pages.verdicts` (the declared comparisons),
  :mod:`~ggmm_build.pages.readback` (the KA read-back against EM), :mod:`~ggmm_build.pages.training`
  (the training replays), :mod:`~ggmm_build.pages.scaling` (the scaling study),
  :mod:`~ggmm_build.pages.protocol` (seeds and tuning), :mod:`~ggmm_build.pages.coursework` (the
  original coursework reproduced), :mod:`~ggmm_build.pages.checks` (numbers computed from no
  export), with the look-ups they share in :mod:`~ggmm_build.pages.lookups`;
* :mod:`ggmm_build.pages.convergence`: how the networks' training ended;
* :mod:`ggmm_build.pages.prose`: those facts in words, from one template (``sentences.j2``);
* :mod:`ggmm_build.pages.format`: how numbers are printed inline;
* :mod:`ggmm_build.pages.tables`: the tables the pages print;
* the KAN playground: :mod:`~ggmm_build.pages.playground_page` (its markup),
  :mod:`~ggmm_build.pages.playground_port` and :mod:`~ggmm_build.pages.playground_training` (its
  runs in Python), :mod:`~ggmm_build.pages.playground` (the guided experiments and their export)
  and :mod:`~ggmm_build.pages.playground_text` (their words).
"""

from ..i18n.strings import LANGS
from .checks import Checked, identity_check, tail_mass
from .coursework import original_facts
from .format import Inline, fmt, fmt_interval, fmt_list, fmt_sci
from .prose import Prose
from .protocol import seeds_text, tuning_facts
from .quarto import (
    display_math,
    emit,
    emit_table,
    emit_text,
    emit_widget,
    execution_format,
    language_blocks,
    live_link,
    raw_html,
    static_dir,
)
from .readback import generated_facts, recovery_facts
from .scaling import scaling_accuracy_facts, scaling_cost_facts, scaling_law_facts
from .tables import (
    comparisons_table,
    exports_table,
    generated_table,
    methods_table,
    readback_table,
    sampler_table,
    scaling_cost_table,
    scaling_law_table,
    summary_table,
    tail_table,
    tuning_table,
    versions_table,
)
from .training import snapshot_facts, training_file
from .verdicts import comparison_entry, dataset_facts, record, timing_ratio

__all__ = [
    "LANGS",
    "Checked",
    "Inline",
    "Prose",
    "comparison_entry",
    "comparisons_table",
    "dataset_facts",
    "display_math",
    "emit",
    "emit_table",
    "emit_text",
    "emit_widget",
    "execution_format",
    "exports_table",
    "fmt",
    "fmt_interval",
    "fmt_list",
    "fmt_sci",
    "generated_facts",
    "generated_table",
    "identity_check",
    "language_blocks",
    "live_link",
    "methods_table",
    "original_facts",
    "raw_html",
    "readback_table",
    "record",
    "recovery_facts",
    "sampler_table",
    "scaling_accuracy_facts",
    "scaling_cost_facts",
    "scaling_cost_table",
    "scaling_law_facts",
    "scaling_law_table",
    "seeds_text",
    "snapshot_facts",
    "static_dir",
    "summary_table",
    "tail_mass",
    "tail_table",
    "timing_ratio",
    "training_file",
    "tuning_facts",
    "tuning_table",
    "versions_table",
]
