"""The bilingual string table: complete, consistent, and holding every key the figures use."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from ggmm_build.figures.widgets import EXPLORER_STRINGS, VIEWER_STRINGS
from ggmm_build.i18n.strings import LANGS, STRINGS, bundle, t

from ggmm.snapshots import STAGES

ROOT = Path(__file__).resolve().parents[1]
PY_SOURCES = sorted((ROOT / "build" / "figures").glob("*.py")) + [ROOT / "build" / "site" / "gallery.py"]
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.]+)["']\s*[,)]""")
JS_KEY = re.compile(r"""\b(?:s|strings|this\.s)\[\s*"([A-Za-z0-9_.]+)"\s*\]""")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages() -> None:
    assert STRINGS
    for key, entry in STRINGS.items():
        assert set(entry) == set(LANGS), key
        for lang in LANGS:
            assert isinstance(entry[lang], str) and entry[lang].strip(), (key, lang)


def test_format_fields_agree_between_languages() -> None:
    for key, entry in STRINGS.items():
        assert _fields(entry["en"]) == _fields(entry["zh"]), key


def test_chinese_is_chinese() -> None:
    """Chinese entries hold CJK characters except names such as "KAN"; English ones hold none, except
    the language switch, which names the other language."""
    without_cjk = {key for key, entry in STRINGS.items() if not CJK.search(entry["zh"])}
    assert without_cjk <= {"lang.switch", "family.KAN", "family.MLP", "table.tail"}
    assert [key for key, entry in STRINGS.items() if CJK.search(entry["en"])] == ["lang.switch"]


@pytest.mark.parametrize("key, lang", [("no.such.key", "en"), ("comparison.title", "fr"), ("comparison.title", "")])
def test_t_rejects_unknown_key_or_language(key: str, lang: str) -> None:
    with pytest.raises(ValueError, match="key|lang"):
        t(key, lang)


def test_t_returns_the_entry() -> None:
    assert t("family.classical", "en") == "classical"
    assert t("family.classical", "zh") == "经典方法"


def test_literal_keys_in_python_sources_exist() -> None:
    used = {key for path in PY_SOURCES for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert sorted(used - set(STRINGS)) == []


def test_dynamic_keys_exist() -> None:
    dynamic = [f"family.{f}" for f in ("KAN", "MLP", "classical")]
    dynamic += [f"metric.{m}" for m in ("rmse_test", "rmse_grid", "nll")]
    dynamic += [f"metric.{m}.short" for m in ("rmse_test", "rmse_grid", "nll")]
    dynamic += [f"stage.{s}" for s in STAGES] + [f"loss.{n}" for n in ("rmse", "nll")]
    dynamic += [f"network.node.{k}" for k in ("input", "hidden", "output")]
    dynamic += [f"bspline.order{k}" for k in range(4)] + [f"em.init.{i}" for i in ("kmeans", "random")]
    dynamic += [f"recovered.error.{k}" for k in ("center_rmse", "scale_rmse", "weight_max_abs", "p_abs")]
    assert sorted(set(dynamic) - set(STRINGS)) == []


@pytest.mark.parametrize(
    "script, prefixes",
    [
        ("training-viewer.js", VIEWER_STRINGS),
        ("viewer-plots.js", VIEWER_STRINGS),
        ("viewer-model.js", VIEWER_STRINGS),
        ("explorer.js", EXPLORER_STRINGS),
    ],
)
def test_widget_keys_are_shipped_to_the_browser(script: str, prefixes: tuple[str, ...]) -> None:
    """Every string a widget module reads is in the table and in the bundle its container carries."""
    used = set(JS_KEY.findall((ROOT / "assets" / "js" / script).read_text(encoding="utf-8")))
    used |= {f"stage.{s}" for s in STAGES} if script == "training-viewer.js" else set()
    assert len(used) >= 5
    for lang in LANGS:
        shipped = bundle(prefixes, lang)
        assert sorted(used - set(shipped)) == [], lang


def test_one_font_stack():
    """The font stack is ggmm_build.i18n.FONT_FAMILY: the templates use it, the stylesheet's and the
    widgets' JavaScript copies spell it the same, and nothing else names the CJK faces."""
    from ggmm_build.i18n import FONT_FAMILY
    from ggmm_build.site.links import root_index_html

    def spaced(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()

    js = (ROOT / "assets" / "js" / "widget-common.js").read_text(encoding="utf-8")
    declared = re.search(r"export const FONT = ((?:'[^']*'\s*\+?\s*)+);", js)
    assert declared, "widget-common.js exports const FONT"
    assert "".join(re.findall(r"'([^']*)'", declared.group(1))) == FONT_FAMILY
    css = (ROOT / "assets" / "css" / "widgets.css").read_text(encoding="utf-8")
    stacks = re.findall(r'font-family:\s*("Noto Sans CJK SC"[^;]*);', css)
    assert stacks and all(spaced(stack) == FONT_FAMILY for stack in stacks)
    for template in (ROOT / "build" / "site" / "templates").glob("*.html"):
        assert "Noto Sans CJK" not in template.read_text(encoding="utf-8"), template.name
    assert f"font-family: {FONT_FAMILY};" in root_index_html("en/index.html")
    python = [path for path in (ROOT / "build").rglob("*.py") if "Noto Sans CJK" in path.read_text(encoding="utf-8")]
    assert python == [ROOT / "build" / "i18n" / "__init__.py"]
