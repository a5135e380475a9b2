-- One page source carries its title in both languages:
--
--   title: "Overview"            -- fallback, used by tools that read the YAML directly
--   titles:
--     en: "Overview"
--     zh: "概览"
--
-- This filter replaces `title` (and `description`, from `descriptions`) with the entry for
-- the document language, which each profile sets (`lang: en` / `lang: zh`).

local function language(meta)
  if meta.lang == nil then
    return "en"
  end
  return string.sub(pandoc.utils.stringify(meta.lang), 1, 2)
end

function Meta(meta)
  local lang = language(meta)
  if meta.titles ~= nil and meta.titles[lang] ~= nil then
    meta.title = meta.titles[lang]
  end
  if meta.subtitles ~= nil and meta.subtitles[lang] ~= nil then
    meta.subtitle = meta.subtitles[lang]
  end
  if meta.descriptions ~= nil and meta.descriptions[lang] ~= nil then
    meta.description = meta.descriptions[lang]
  end
  return meta
end
