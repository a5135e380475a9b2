-- Keep every page inside a phone's width (HTML output only).
--
-- A display equation, a long inline formula (MathML cannot break a line) or a table wider than
-- the screen would make the whole page scroll sideways (the browser then zooms the page out).
-- Each is put in a box of class `ggmm-scroll` that scrolls sideways on its own
-- (assets/css/site.css); a small script in _quarto.yml gives such a box a tab stop when it does
-- scroll, so keyboards reach it too. Short inline formulas keep their place on the line.

-- Inline formulas longer than this (TeX characters) get a box.
local LONG_INLINE = 32

local function is_html()
  return quarto.doc.is_format("html")
end

return {
  Math = function(math)
    if not is_html() then return nil end
    if math.mathtype == "DisplayMath" then
      return pandoc.Span({ math }, pandoc.Attr("", { "ggmm-scroll", "ggmm-math" }))
    end
    if utf8.len(math.text) ~= nil and utf8.len(math.text) > LONG_INLINE then
      return pandoc.Span({ math }, pandoc.Attr("", { "ggmm-scroll", "ggmm-math-inline" }))
    end
  end,
  Table = function(tbl)
    if not is_html() then return nil end
    return pandoc.Div({ tbl }, pandoc.Attr("", { "ggmm-scroll", "ggmm-table" }))
  end,
}
