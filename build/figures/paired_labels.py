"""The paired forest plot's words: hover text, the subtitle's test families, row labels and panel titles.

Helpers of :func:`ggmm_build.figures.paired.paired_figure`: a row's hover text (the difference or
ratio, its interval, the wins, the p-values and both verdicts), the families Holm's adjustment ran
over, a dataset's short row label, and panel titles broken into lines so that two fit side by side
on a phone.
"""

from __future__ import annotations

import re
from typing import Any

from ..i18n.strings import t
from .comparison_points import _fmt, wrap_label


def _paired_hover(r: dict[str, Any], title: str, lang: str) -> str:
    what = t("paired.ratio" if r["scale"] == "ratio" else "paired.difference", lang)
    return (
        f"<b>{r['label'][lang]}</b><br>{title}"
        f"<br>{what}: {_fmt(r['value'])}<br>{t('paired.ci95', lang)}: [{_fmt(r['lo'])}, {_fmt(r['hi'])}]"
        f"<br>{t('paired.wins', lang)}: {r['wins_a']} : {r['wins_b']} / {r['n']}"
        f"<br>{t('paired.p', lang)}: {r['p_value']:.2g} · {t('paired.p_adjusted', lang)}: {r['p_adjusted']:.2g}"
        f"<br>{t('paired.before', lang)}: {t('paired.verdict.' + r['verdict'], lang)}"
        f"<br>{t('paired.after', lang)}: {t('paired.verdict.' + r['verdict_adjusted'], lang)}"
    )


def _families_text(comparison: dict[str, Any], lang: str) -> str:
    families = (comparison.get("correction") or {}).get("families", [])
    return ", ".join(
        t("paired.family", lang).format(n=f["n_tests"], role=t(f"paired.role.{f['role']}", lang)) for f in families
    )


def _short_title(name: str, title: str, lang: str) -> str:
    """A dataset's short row label (``paired.dataset.<name>``), or its title, wrapped, when it has none."""
    from ..i18n.strings import STRINGS

    key = f"paired.dataset.{name}"
    return t(key, lang) if key in STRINGS else _wrap_dataset(title, lang)


def _wrap_dataset(title: str, lang: str) -> str:
    """A dataset's title on two lines when long: before its bracket if it has one, else where it balances."""
    limit = 18 if lang == "en" else 9
    if len(title) <= limit:
        return title
    for bracket in ("（", " ("):
        if bracket in title and title.index(bracket) >= 2:
            cut = title.index(bracket)
            return f"{title[:cut].rstrip()}<br>{title[cut:].lstrip()}"
    return wrap_label(title, lang)


#: The units a panel title is broken between: a bracketed group, "10 倍规模", a Latin word, or one character.
_TITLE_TOKEN = re.compile(r"（[^）]*）|\([^)]*\)\s*|\s*[0-9]+\s*倍(?:规模)?|[\x00-\x7f]+?(?:\s+|$|(?=[^\x00-\x7f]))|.")


def _width(text: str) -> float:
    """Display width in Latin characters: a CJK character or bracket counts 1.8."""
    return sum(1.8 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def _wrap_title(label: str, lang: str, cols: int, tag: str = "") -> str:
    """A panel title (after an optional ``tag``) broken into lines of about 18 Latin characters when panels
    sit side by side, so two titles fit beside each other on a phone: at spaces, before a bracket, or
    between two Chinese characters."""
    head = f"<i>{tag}</i> · " if tag else ""
    if cols == 1:
        return head + label
    tokens = re.findall(_TITLE_TOKEN, label)
    lines, line = [], f"{tag} · " if tag else ""
    for token in tokens:
        if line.strip() and _width(line + token.rstrip()) > 18:
            lines.append(line.rstrip())
            line = ""
        line += token.lstrip() if not line else token
    lines.append(line.rstrip())
    if tag:
        lines[0] = head + lines[0][len(tag) + 3 :]
    return "<br>".join(lines)
