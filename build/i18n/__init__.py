"""The report's two languages: the bilingual labels (:mod:`.strings`), the language check, the fonts.

The sentences of the pages' prose are not here: they are in ``build/pages/sentences.j2``
(:mod:`ggmm_build.pages.prose`), which reads its numbers from the exports.
"""

from __future__ import annotations

from .strings import LANGS, STRINGS, bundle, t

__all__ = ["FONT_FAMILY", "LANGS", "STRINGS", "bundle", "check_lang", "t"]

#: The font stack of every figure, widget and generated page: CJK faces first (they carry Latin
#: glyphs too), tried left to right. The stylesheet and the widgets' JavaScript hold copies
#: (``assets/css/widgets.css``, ``assets/js/widget-common.js``), which a test keeps equal to it.
FONT_FAMILY = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "Noto Sans", "Helvetica Neue", Arial, sans-serif'
)


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language (:data:`LANGS`), else raise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"The parameter 'lang' must be one of {list(LANGS)}, but got {lang!r}.")
    return lang
