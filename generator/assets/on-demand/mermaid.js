/* Loads the site's pinned Mermaid (assets/javascripts/mermaid.min.js, about 2.7 MB) only when a
   page draws a diagram. Listed on every page, before the theme looks for `window.mermaid` (Material
   for MkDocs and Zensical fetch Mermaid from a CDN when it is undefined), it defines a stand-in:
   `initialize` calls are kept, and the first `render` loads the script from the site itself, hands
   it the kept settings, then draws with it; from then on `window.mermaid` is Mermaid itself. The
   script runs once per visit, instant navigation included (the stand-in outlives page changes).
   Served only with the pinned script (resources.site_assets).
   Every configuration Mermaid gets raises its size limits: they guard a page against diagrams
   typed by strangers (50,000 characters, 500 arrows), while the site's diagrams are ropa's own,
   drawn from the register, whose every text is escaped and whose files have a size limit; a
   sheet with many recipients or long descriptions would otherwise show Mermaid's error in place
   of its data flow. Directives in a diagram cannot change these settings (Mermaid's `secure`). */
(function () {
  "use strict";

  if (typeof window.mermaid !== "undefined" || !document.currentScript) return;
  var url = new URL("../../javascripts/mermaid.min.js", document.currentScript.src).href;
  var settings = [];
  var loading = null;
  var LIMITS = { maxTextSize: 5000000, maxEdges: 50000 };

  function limited(config) { return Object.assign({}, config, LIMITS); }

  function load() {
    loading = loading || new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () {
        var real = window.mermaid;
        if (!real || real === standIn) return reject(new Error("Mermaid did not load from " + url));
        var initialize = real.initialize;
        real.initialize = function (config) { return initialize.call(real, limited(config)); };
        (settings.length ? settings : [{}]).forEach(function (config) { real.initialize(config); });
        resolve(real);
      };
      script.onerror = function () { reject(new Error("Mermaid could not be loaded from " + url)); };
      document.head.appendChild(script);
    });
    return loading;
  }

  var standIn = {
    initialize: function (config) { settings.push(config); },
    render: function () {
      var args = arguments;
      return load().then(function (real) { return real.render.apply(real, args); });
    },
    run: function () {
      var args = arguments;
      return load().then(function (real) { return real.run.apply(real, args); });
    }
  };
  window.mermaid = standIn;
})();
