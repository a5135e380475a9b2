-- Give figures and tables their report-wide numbers on the site (runs after Quarto's crossref).
--
-- Quarto numbers floats per page, so every page would have its own "Figure 1". The site build
-- (build/site/sources.py) numbers them once for the whole report, the same way as the PDF, and
-- writes label -> number to .cache/site/crossref-numbers.json. This filter puts those numbers in
-- the captions and in every cross-reference link (`@fig-...` becomes "Figure 3a"); labels it
-- does not know keep Quarto's own numbers. Typst numbers its figures itself (the PDF source sets
-- the same numbers there), so the filter leaves Typst output alone.

local numbers = nil

local function load_numbers()
  if numbers ~= nil then
    return numbers
  end
  numbers = {}
  local dir = (quarto.project and quarto.project.directory) or "."
  local file = io.open(pandoc.path.join({ dir, ".cache", "site", "crossref-numbers.json" }), "r")
  if file ~= nil then
    local ok, decoded = pcall(quarto.json.decode, file:read("*a"))
    file:close()
    if ok and type(decoded) == "table" then
      numbers = decoded
    end
  end
  return numbers
end

local function active()
  return not quarto.doc.is_format("typst") and not quarto.doc.is_format("latex")
end

return {
  FloatRefTarget = function(float)
    if not active() then return nil end
    local n = load_numbers()[float.identifier]
    if n ~= nil and float.order ~= nil then
      float.order.order = n
      return float
    end
  end,
  Link = function(link)
    if not active() or not link.classes:includes("quarto-xref") then return nil end
    local id = link.target:match("^#(.+)$")
    local n = id and load_numbers()[id]
    local last = link.content[#link.content]
    if n ~= nil and last ~= nil and last.t == "Str" then
      link.content[#link.content] = pandoc.Str(n)
      return link
    end
  end,
}
