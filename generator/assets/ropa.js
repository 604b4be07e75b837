/* The register site's tables: sort by clicking a header, filter with a text box, one page of
   rows at a time. Ours, small, no library. Enhances every `.ropa-table` (a Markdown table
   wrapped in a div whose data-label-* attributes carry the labels in the site's language).

   The rows are records: a table's own rows, or, when the box names its data (data-rows: the id
   of a <script type="application/json"> that holds every row while the table holds only the
   first page, site/register_table.py), rows drawn from that data. Sorting and filtering work on
   the records; only the rows of the page shown are in the table, so a register of 10,000
   activities repaints as fast as one of 50. Printing puts every row of the filter in the table.
   Dates sort by their <time datetime>, numbers numerically, text in the page's language. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || undefined;
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  var numbers = new Intl.NumberFormat(lang);
  var SIZES = [50, 100, 500, 0];  // rows per page offered; 0: every row
  var tables = [];  // the enhanced tables of the page shown (instant navigation changes it)
  var printing = false;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The word of « {n:ligne|lignes} » that agrees with the number n: in French the singular
  // under two, in English for one only (generator/render/i18n.py, ``singular``).
  var french = /^fr\b/.test(lang || "");
  function agreeing(text, values) {
    return text.replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, function (whole, key, one, many) {
      var n = values[key];
      if (typeof n !== "number") return whole;
      return (french ? Math.abs(n) < 2 : n === 1) ? one : many;
    });
  }

  function label(box, name, values) {
    var text = agreeing(box.dataset["label" + name] || "", values);
    Object.keys(values).forEach(function (key) {
      var value = values[key];
      var shown = typeof value === "number" ? numbers.format(value) : String(value);
      text = text.replace("{" + key + "}", function () { return shown; });
    });
    return text;
  }

  // -- records: what a row sorts by, what it is found by, and its <tr> --------------------------

  function cellKey(cell) {
    var time = cell && cell.querySelector("time[datetime]");
    return time ? time.getAttribute("datetime") : (cell ? cell.textContent.trim() : "");
  }

  function rowRecords(rows) {
    return rows.map(function (tr, index) {
      var cells = Array.prototype.slice.call(tr.cells);
      return { index: index, tr: tr, keys: cells.map(cellKey), text: null };
    });
  }

  // A data cell by its column kind: link [text, sheet id], time [ISO date, label], text.
  function dataKey(kind, value) {
    return kind === "link" ? value[0] : kind === "time" ? value[0] : value;
  }

  function dataText(kind, value) {
    return kind === "link" ? value[0] : kind === "time" ? value[1] : value;
  }

  // The data's rows as they were written: a column listed in data.values gives indexes there.
  function dataRecords(data) {
    var values = data.values || {};
    var shared = data.columns.map(function (kind, c) { return values[String(c)]; });
    return data.rows.map(function (row, index) {
      var cells = row.map(function (value, c) { return shared[c] ? shared[c][value] : value; });
      return {
        index: index, tr: null, cells: cells,
        keys: cells.map(function (value, c) { return dataKey(data.columns[c], value); }),
        text: null,  // folded on the first filtering (recordText)
      };
    });
  }

  // What the filter looks in: the row's cells as text, folded; computed once, when first needed.
  function recordText(t, record) {
    if (record.text === null) {
      var texts = record.cells
        ? record.cells.map(function (value, c) { return dataText(t.columns[c], value); })
        : Array.prototype.map.call(record.tr.cells, function (td) { return td.textContent; });
      record.text = fold(texts.join(" "));
    }
    return record.text;
  }

  function appendText(parent, text) {  // line breaks as <br>, as the Markdown table shows them
    text.split("\n").forEach(function (line, i) {
      if (i) parent.appendChild(document.createElement("br"));
      parent.appendChild(document.createTextNode(line));
    });
  }

  // The link of a sheet, made like the first row's link, which the site builder wrote (the site's
  // URL scheme: "../activites/<id>/" or "activites/<id>.html").
  function linkPattern(t) {
    var column = t.columns.indexOf("link");
    var first = t.body.rows[0];
    var link = column >= 0 && first && first.cells[column] && first.cells[column].querySelector("a[href]");
    var id = column >= 0 && t.records.length ? t.records[0].cells[column][1] : "";
    var href = link ? link.getAttribute("href") : "";
    var at = id ? href.lastIndexOf("/" + id) : -1;
    if (at < 0) return { before: "", after: "" };
    return { before: href.slice(0, at + 1), after: href.slice(at + 1 + id.length) };
  }

  function drawRow(t, record) {
    var tr = document.createElement("tr");
    record.cells.forEach(function (value, c) {
      var td = document.createElement("td");
      var kind = t.columns[c];
      if (kind === "link") {
        var a = document.createElement("a");
        a.setAttribute("href", t.link.before + encodeURIComponent(value[1]) + t.link.after);
        appendText(a, value[0]);
        td.appendChild(a);
      } else if (kind === "time") {
        var time = document.createElement("time");
        time.setAttribute("datetime", value[0]);
        time.textContent = value[1];
        td.appendChild(time);
      } else {
        appendText(td, value);
      }
      tr.appendChild(td);
    });
    return tr;
  }

  // -- the view: the records in sort order, those the filter keeps, one page of them --------------

  function paint(t) {
    var shown = t.view.length;
    var size = printing || !t.size ? Math.max(shown, 1) : t.size;
    var pages = Math.max(1, Math.ceil(shown / size));
    t.page = Math.min(Math.max(t.page, 0), pages - 1);
    var first = t.page * size;
    var last = Math.min(shown, first + size);
    var rows = [];
    for (var i = first; i < last; i += 1) {
      var record = t.view[i];
      if (!record.tr) record.tr = drawRow(t, record);
      rows.push(record.tr);
    }
    var current = t.body.rows;
    var same = current.length === rows.length && rows.every(function (tr, k) { return current[k] === tr; });
    if (!same) {  // (the first page is often the rows the page came with: left as they are)
      var fragment = document.createDocumentFragment();
      rows.forEach(function (tr) { fragment.appendChild(tr); });
      t.body.textContent = "";
      t.body.appendChild(fragment);
    }
    var status = label(t.box, "Rows", { shown: shown, total: t.records.length });
    if (pages > 1) status += " — " + label(t.box, "Range", { first: first + 1, last: last });
    if (t.sorted) status += " — " + label(t.box, t.sorted.direction === "ascending" ? "Ascending" : "Descending", { column: t.sorted.name });
    t.status.textContent = status;
    t.bar.classList.toggle("ropa-filter--active", shown < t.records.length);
    t.pager.hidden = t.records.length <= SIZES[0];
    t.pageText.textContent = label(t.box, "Page", { page: t.page + 1, pages: pages });
    // aria-disabled, not disabled: the button keeps the keyboard's focus on the last page
    t.previous.setAttribute("aria-disabled", String(t.page === 0));
    t.next.setAttribute("aria-disabled", String(t.page >= pages - 1));
  }

  function refilter(t) {
    var words = fold(t.input.value).split(/\s+/).filter(Boolean);
    t.view = words.length ? t.order.filter(function (record) {
      var text = recordText(t, record);
      return words.every(function (word) { return text.indexOf(word) !== -1; });
    }) : t.order;
    t.page = 0;
    paint(t);
  }

  // -- the controls ------------------------------------------------------------------------------

  function button(className, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = className;
    b.textContent = text;
    return b;
  }

  function addFilter(t) {
    var bar = document.createElement("div");
    var input = document.createElement("input");
    var status = document.createElement("output");
    bar.className = "ropa-filter";
    input.type = "search";
    input.placeholder = t.box.dataset.labelPlaceholder || "";
    input.setAttribute("aria-label", t.box.dataset.labelFilter || "");
    status.setAttribute("aria-live", "polite");
    bar.appendChild(input);
    bar.appendChild(status);
    t.box.insertBefore(bar, t.box.firstChild);
    t.bar = bar;
    t.input = input;
    t.status = status;
    input.addEventListener("input", function () { refilter(t); });
  }

  function addPager(t) {
    var pager = document.createElement("div");
    var select = document.createElement("select");
    var sizeLabel = document.createElement("label");
    pager.className = "ropa-pager";
    pager.setAttribute("role", "group");
    pager.setAttribute("aria-label", t.box.dataset.labelPages || "");
    t.previous = button("ropa-pager__previous", t.box.dataset.labelPrevious || "<");
    t.next = button("ropa-pager__next", t.box.dataset.labelNext || ">");
    t.pageText = document.createElement("span");
    t.pageText.className = "ropa-pager__page";
    SIZES.forEach(function (size) {
      var option = document.createElement("option");
      option.value = String(size);
      option.textContent = size ? String(size) : (t.box.dataset.labelAll || "*");
      option.selected = size === t.size;
      select.appendChild(option);
    });
    sizeLabel.className = "ropa-pager__size";
    sizeLabel.appendChild(document.createTextNode((t.box.dataset.labelSize || "") + " "));
    sizeLabel.appendChild(select);
    [t.previous, t.pageText, t.next, sizeLabel].forEach(function (el) { pager.appendChild(el); });
    t.tableBox.parentNode.insertBefore(pager, t.tableBox.nextSibling);
    t.pager = pager;

    function turn(step, b) {
      if (b.getAttribute("aria-disabled") === "true") return;
      t.page += step;
      paint(t);
      if (t.box.getBoundingClientRect().top < 0) t.box.scrollIntoView();
    }
    t.previous.addEventListener("click", function () { turn(-1, t.previous); });
    t.next.addEventListener("click", function () { turn(1, t.next); });
    select.addEventListener("change", function () {
      t.size = Number(select.value);
      t.page = 0;
      paint(t);
    });
  }

  // A column's order, computed once with the page's collator: the records in ascending order
  // (equal keys in register order) and each one's rank there (equal keys, equal rank), so that
  // sorting either way again is a sort on numbers.
  function ranks(t, column) {
    if (!t.ranks[column]) {
      var sorted = t.records.slice().sort(function (a, b) {
        return collator.compare(a.keys[column], b.keys[column]) || a.index - b.index;
      });
      var rank = new Array(sorted.length);
      var r = 0;
      sorted.forEach(function (record, i) {
        if (i && collator.compare(sorted[i - 1].keys[column], record.keys[column]) !== 0) r = i;
        rank[record.index] = r;
      });
      t.ranks[column] = { sorted: sorted, rank: rank };
    }
    return t.ranks[column];
  }

  // A long table folds its rows' text and orders its columns while the browser is idle, so that
  // the first filtering and each sort only paint. data-ropa-ready says "idle" once it is done.
  function warm(t) {
    var tasks = [function () { t.records.forEach(function (record) { recordText(t, record); }); }];
    Array.prototype.forEach.call(t.table.tHead.rows[0].cells, function (_, c) {
      tasks.push(function () { ranks(t, c); });
    });
    var later = window.requestIdleCallback || function (fn) { return setTimeout(fn, 50); };
    (function next() {
      var task = tasks.shift();
      if (!task) { t.box.dataset.ropaReady = "idle"; return; }
      later(function () { task(); next(); });
    })();
  }

  function addSort(t) {
    var headers = Array.prototype.slice.call(t.table.tHead.rows[0].cells);
    headers.forEach(function (th, index) {
      var b = button("ropa-sort", "");
      b.title = t.box.dataset.labelSort || "";
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      th.setAttribute("aria-sort", "none");
      b.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        var sign = direction === "ascending" ? 1 : -1;
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", direction);
        t.sorted = { name: b.textContent.replace(/\s+/g, " ").trim(), direction: direction };
        var order = ranks(t, index);
        t.order = sign > 0 ? order.sorted : t.records.slice().sort(function (a, b) {
          return order.rank[b.index] - order.rank[a.index] || a.index - b.index;
        });
        refilter(t);
      });
    });
  }

  function enhance(box) {
    var table = box.querySelector("table");
    if (box.dataset.ropaReady || !table || !table.tHead || !table.tBodies.length) return;
    var t = { box: box, table: table, body: table.tBodies[0], page: 0, size: Number(box.dataset.page) || SIZES[0], ranks: [] };
    var island = box.dataset.rows && document.getElementById(box.dataset.rows);
    if (island) {
      var data = JSON.parse(island.textContent);
      t.columns = data.columns;
      t.records = dataRecords(data);
      t.link = linkPattern(t);
      // the rows the page came with are the data's first rows, drawn by the site builder
      Array.prototype.forEach.call(t.body.rows, function (tr, i) { if (t.records[i]) t.records[i].tr = tr; });
      Array.prototype.forEach.call(box.querySelectorAll(".ropa-table__more"), function (note) { note.hidden = true; });
    } else {
      t.records = rowRecords(Array.prototype.slice.call(t.body.rows));
    }
    // the block the table stands in (Material wraps it for scrolling): the pager goes after it
    t.tableBox = table;
    while (t.tableBox.parentNode !== box) t.tableBox = t.tableBox.parentNode;
    t.order = t.records;
    addFilter(t);
    addPager(t);
    addSort(t);
    refilter(t);
    tables.push(t);
    box.dataset.ropaReady = "true";
    if (t.records.length > SIZES[0]) warm(t);
  }

  function init() {
    tables = tables.filter(function (t) { return document.body.contains(t.box); });
    Array.prototype.forEach.call(document.querySelectorAll(".ropa-table"), enhance);
  }

  // Printing shows every row the filter keeps, not one page (the browser prints what is there).
  function setPrinting(on) {
    if (on === printing) return;
    printing = on;
    tables.forEach(paint);
  }
  window.addEventListener("beforeprint", function () { setPrinting(true); });
  window.addEventListener("afterprint", function () { setPrinting(false); });
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var follow = function (event) { setPrinting(event.matches); };
    if (print.addEventListener) print.addEventListener("change", follow);
    else if (print.addListener) print.addListener(follow);
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);  // Material's page observable
  else document.addEventListener("DOMContentLoaded", init);
})();
