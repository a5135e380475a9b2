/*
 * What the two widgets (training-viewer.js, explorer.js) share: the font stack and Plotly config of
 * every figure, small DOM helpers, the string bundle a container carries, and registration.
 *
 * A widget registers as GGMMWidgets.register("GGMMExplorer", ".ggmm-explorer", init): that defines
 * window.GGMMExplorer = {init, initAll}. assets/js/loader.js calls init(container) when a container
 * is needed; on a page without the loader every container is built once the document has loaded.
 */
(function (root) {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' +
    '"Noto Sans", "Helvetica Neue", Arial, sans-serif';
  var CONFIG = { responsive: true, displaylogo: false, showSendToCloud: false };

  /** A new element with attributes and, optionally, text. */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** "{name}" fields of a string-table entry filled from vars (unknown fields stay as they are). */
  function fill(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; });
  }

  /** The strings a container carries in data-strings (key -> text), or {} when absent or broken. */
  function readStrings(container) {
    try { return JSON.parse(container.getAttribute("data-strings") || "{}"); } catch (e) { return {}; }
  }

  /** A unique id for an element that needs one (labels and outputs point at their inputs). */
  var counter = 0;
  function uid(prefix) { counter += 1; return prefix + "-" + counter; }

  /** Define root[name] = {init, initAll}; build every container at load when no loader manages the page. */
  function register(name, selector, init) {
    function initAll() {
      Array.prototype.forEach.call(document.querySelectorAll(selector), init);
    }
    root[name] = { init: init, initAll: initAll };
    if (!root.GGMMLoader) {
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
      else initAll();
    }
    return root[name];
  }

  root.GGMMWidgets = { FONT: FONT, CONFIG: CONFIG, el: el, fill: fill, readStrings: readStrings, uid: uid,
    register: register };
})(window);
