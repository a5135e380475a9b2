"""What the report's code cells call: emitters, numbers for the prose, tables.

* :mod:`ggmm.report.quarto`: print bilingual Markdown, figures and widgets for Quarto;
* :mod:`ggmm.report.numbers`: headline numbers and verdicts computed from the exports;
* :mod:`ggmm.report.format`: how numbers are printed inline;
* :mod:`ggmm.report.tables`: the tables the pages print.
"""

from ..strings import LANGS
from .format import Inline, Numbers, fmt, fmt_interval
from .numbers import (
    Checked,
    claims_verdicts,
    identity_check,
    kan_record,
    numbers,
    recovery,
    seeds_text,
    snapshot_facts,
    tail_mass,
    training_file,
)
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
from .tables import exports_table, methods_table, sampler_table, summary_table, tail_table, versions_table

__all__ = [
    "LANGS", "Checked", "Inline", "Numbers", "claims_verdicts", "display_math", "emit", "emit_table", "emit_text",
    "emit_widget", "execution_format", "exports_table", "fmt", "fmt_interval", "identity_check", "kan_record",
    "language_blocks", "live_link", "methods_table", "numbers", "raw_html", "recovery", "sampler_table",
    "seeds_text", "snapshot_facts", "static_dir", "summary_table", "tail_mass", "tail_table", "training_file",
    "versions_table",
]
