/* The register site's diagrams (process lanes, data flows): kept at their natural size so every
   label stays readable; a diagram wider than the page scrolls sideways (and says so), opens full
   screen with zoom buttons (pan by scrolling or dragging), and is scaled to the page in print.
   Ours, small, no library. Enhances every `.ropa-diagram` box, whose data-label-* attributes
   carry the labels in the site's language. */
(function () {
  "use strict";

  var PRINT_WIDTH = 680;

  function button(box, name, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "ropa-diagram__" + name;
    b.textContent = box.dataset["label" + name.replace(/(^|-)(\w)/g, function (_, __, c) { return c.toUpperCase(); })] || name;
    b.addEventListener("click", onClick);
    return b;
  }

  function content(box) {
    return box.querySelector(":scope > svg, :scope > .mermaid, :scope > .ropa-mermaid");
  }

  function measure(box) {
    var inner = content(box);
    if (!inner) return;
    var natural = inner.scrollWidth || inner.getBoundingClientRect().width;
    var room = box.clientWidth;
    var wide = natural > room + 1;
    if (window.matchMedia("print").matches || box.classList.contains("ropa-diagram--full")) return;
    box.classList.toggle("ropa-diagram--wide", wide);
    // in print, a diagram wider than an A4 page's text (about 700 CSS px) is scaled to it
    box.style.setProperty("--ropa-print-fit", natural > PRINT_WIDTH ? String(PRINT_WIDTH / natural) : "1");
  }

  function enhance(box) {
    if (box.dataset.ropaReady) return;
    box.dataset.ropaReady = "true";
    var next = box.nextElementSibling;
    if (!box.firstElementChild && next && next.classList.contains("mermaid")) box.appendChild(next);
    var zoom = 1;
    var bar = document.createElement("div");
    var note = document.createElement("p");
    bar.className = "ropa-diagram__bar";
    note.className = "ropa-diagram__note";
    note.textContent = box.dataset.labelScrolls || "";

    function setZoom(value) {
      zoom = Math.min(4, Math.max(0.25, value));
      var inner = content(box);
      if (inner) inner.style.zoom = String(zoom);
    }
    function close() {
      box.classList.remove("ropa-diagram--full");
      document.documentElement.classList.remove("ropa-diagram-open");
      setZoom(1);
    }
    bar.appendChild(button(box, "full-screen", function () {
      box.classList.add("ropa-diagram--full");
      document.documentElement.classList.add("ropa-diagram-open");
      box.focus();
    }));
    bar.appendChild(button(box, "zoom-in", function () { setZoom(zoom * 1.25); }));
    bar.appendChild(button(box, "zoom-out", function () { setZoom(zoom / 1.25); }));
    bar.appendChild(button(box, "close", close));
    box.tabIndex = -1;
    box.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    // drag to pan in full screen (touch screens pan by scrolling already)
    var drag = null;
    box.addEventListener("pointerdown", function (event) {
      if (!box.classList.contains("ropa-diagram--full") || event.pointerType === "touch" || event.target.closest("button")) return;
      drag = { x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop };
    });
    window.addEventListener("pointermove", function (event) {
      if (!drag) return;
      box.scrollLeft = drag.left - (event.clientX - drag.x);
      box.scrollTop = drag.top - (event.clientY - drag.y);
    });
    window.addEventListener("pointerup", function () { drag = null; });
    box.insertBefore(bar, box.firstChild);
    box.appendChild(note);
    if (typeof ResizeObserver !== "undefined") {
      var observer = new ResizeObserver(function () { measure(box); });
      observer.observe(box);
      var inner = content(box);
      if (inner) observer.observe(inner);
    }
    measure(box);
  }

  // Material draws a Mermaid diagram when it scrolls into view: the print view (impression.md)
  // draws every diagram at once, so that printing it prints them all.
  function drawAll() {
    var pending = Array.prototype.slice.call(document.querySelectorAll(".ropa-diagram > pre.mermaid"));
    var done = function () { document.documentElement.dataset.ropaDiagrams = "drawn"; };
    if (typeof mermaid === "undefined" || !pending.length) return done();
    mermaid.initialize({ startOnLoad: false });
    pending.reduce(function (previous, pre, index) {
      return previous.then(function () {
        return mermaid.render("ropa-print-" + index, pre.textContent).then(function (result) {
          var host = document.createElement("div");
          host.className = "ropa-mermaid";
          host.innerHTML = result.svg;
          pre.replaceWith(host);
          measure(host.parentElement);
        });
      });
    }, Promise.resolve()).then(done, done);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".ropa-diagram"), enhance);
    if (document.querySelector(".ropa-print")) drawAll();
  }

  if (typeof document$ !== "undefined") document$.subscribe(init);  // Material's page observable
  else document.addEventListener("DOMContentLoaded", init);
})();
