/* What the themes' pages leave out for the keyboard and for screen readers (WCAG 2.1, what the
   RGAA asks; tests/test_a11y_browser.py runs axe-core on every page type). Ours, small, no
   library; for every page, and again for each page Material's instant navigation shows:

   - a table wider than its box scrolls in it: while it does, its scrolling box takes the
     keyboard's focus (tabindex 0), so that the arrow keys scroll it (WCAG 2.1.1); a scrolling
     box that is not the table itself is a group named like the table;
   - each table of a page's content is named by the heading it stands under (aria-label), as a
     caption would name it (RGAA 5.4): a screen reader's list of tables says which is which;
   - the theme's search dialog is named by its search box's label. */
(function () {
  "use strict";

  var watched = [];  // the scrolling boxes of the page shown, re-measured when they resize

  function headingText(heading) {
    var copy = heading.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(".headerlink"), function (a) { a.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  // The boxes between a table and the page's column that may scroll it sideways.
  function scrollers(table, top) {
    var boxes = [];
    for (var el = table; el && el !== top; el = el.parentElement) {
      var overflow = getComputedStyle(el).overflowX;
      if (overflow === "auto" || overflow === "scroll") boxes.push(el);
    }
    return boxes;
  }

  function measure(entry) {
    var scrolls = entry.box.scrollWidth > entry.box.clientWidth + 1;
    if (scrolls === entry.scrolls) return;
    entry.scrolls = scrolls;
    if (scrolls) {
      entry.box.setAttribute("tabindex", "0");
      entry.box.setAttribute("data-ropa-scrolls", "");
      if (entry.box !== entry.table) {
        entry.box.setAttribute("role", "group");
        if (entry.label) entry.box.setAttribute("aria-label", entry.label);
      }
    } else {
      ["tabindex", "data-ropa-scrolls", "role", "aria-label"].forEach(function (name) {
        if (name !== "aria-label" || entry.box !== entry.table) entry.box.removeAttribute(name);
      });
    }
  }

  var observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(function (entries) {
    entries.forEach(function (resized) {
      watched.forEach(function (entry) { if (entry.box === resized.target || entry.table === resized.target) measure(entry); });
    });
  });

  function tables(article) {
    var heading = null;
    Array.prototype.forEach.call(article.querySelectorAll("h1, h2, h3, h4, h5, h6, table"), function (el) {
      if (el.tagName !== "TABLE") { heading = el; return; }
      var label = heading ? headingText(heading) : "";
      if (label && !el.caption && !el.hasAttribute("aria-label")) el.setAttribute("aria-label", label);
      scrollers(el, article).forEach(function (box) {
        var entry = { box: box, table: el, label: label, scrolls: null };
        watched.push(entry);
        measure(entry);
        if (observer) { observer.observe(box); observer.observe(el); }
      });
    });
  }

  function init() {
    if (observer) observer.disconnect();
    watched = [];
    var article = document.querySelector("article") || document.querySelector(".md-content");
    if (article) tables(article);
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = dialog && dialog.querySelector("input[aria-label]");
    if (input && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);  // Material's page observable
  else document.addEventListener("DOMContentLoaded", init);
})();
