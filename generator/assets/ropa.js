/* The register site's tables: sort by clicking a header, filter with a text box.
   Ours, small, no library. Enhances every `.ropa-table` (a Markdown table wrapped in a div
   whose data-label-* attributes carry the labels in the site's language). Dates sort by
   their <time datetime>, numbers numerically, text in the page's language. */
(function () {
  "use strict";

  var collator = new Intl.Collator(document.documentElement.lang || undefined,
                                   { numeric: true, sensitivity: "base" });

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function sortKey(cell) {
    var time = cell && cell.querySelector("time[datetime]");
    return time ? time.getAttribute("datetime") : (cell ? cell.textContent.trim() : "");
  }

  function addFilter(box, rows) {
    var bar = document.createElement("div");
    var input = document.createElement("input");
    var status = document.createElement("output");
    bar.className = "ropa-filter";
    input.type = "search";
    input.placeholder = box.dataset.labelPlaceholder || "";
    input.setAttribute("aria-label", box.dataset.labelFilter || "");
    status.setAttribute("aria-live", "polite");
    bar.appendChild(input);
    bar.appendChild(status);
    box.insertBefore(bar, box.firstChild);

    function update() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = fold(row.textContent);
        row.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
        if (!row.hidden) shown += 1;
      });
      status.textContent = (box.dataset.labelRows || "{shown}/{total}")
        .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
    }
    input.addEventListener("input", update);
    update();
  }

  function addSort(box, table, rows) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ropa-sort";
      button.title = box.dataset.labelSort || "";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        var sign = direction === "ascending" ? 1 : -1;
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", direction);
        rows.slice().sort(function (a, b) {
          return sign * collator.compare(sortKey(a.cells[index]), sortKey(b.cells[index]));
        }).forEach(function (row) { row.parentNode.appendChild(row); });
      });
    });
  }

  function enhance(box) {
    var table = box.querySelector("table");
    if (box.dataset.ropaReady || !table || !table.tHead || !table.tBodies.length) return;
    box.dataset.ropaReady = "true";
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    addFilter(box, rows);
    addSort(box, table, rows);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".ropa-table"), enhance);
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);  // Material's page observable
  else document.addEventListener("DOMContentLoaded", init);
})();
