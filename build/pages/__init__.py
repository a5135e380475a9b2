"""What the report's code cells call: emitters, sentences and numbers for the prose, tables.

* :mod:`ggmm_build.pages.quarto`: print bilingual Markdown, figures and widgets for Quarto;
* :mod:`ggmm_build.pages.numbers`: the facts pages state, computed from the exports;
* :mod:`ggmm_build.pages.prose`: those facts in words, from one template (``sentences.j2``);
* :mod:`ggmm_build.pages.format`: how numbers are printed inline;
* :mod:`ggmm_build.pages.tables`: the tables the pages print.
"""

from ..i18n.strings import LANGS
from .format import Inline, fmt, fmt_interval, fmt_list, fmt_sci
from .numbers import (
    Checked,
    comparison_entry,
    dataset_facts,
    generated_facts,
    identity_check,
    original_facts,
    record,
    recovery_facts,
    scaling_accuracy_facts,
    scaling_cost_facts,
    scaling_law_facts,
    seeds_text,
    snapshot_facts,
    tail_mass,
    timing_ratio,
    training_file,
    tuning_facts,
)
from .prose import Prose
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
