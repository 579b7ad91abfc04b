/*
 * Small screens: settings that fold away and chart titles that fit their chart.
 *
 * - The less-used settings (#more-controls, a <details>) are open on wide screens and folded
 *   on phones when the page opens, so the map is on the first screen; the reader opens them
 *   with their summary line.
 * - plotly never wraps a title: a title (or subtitle) wider than its chart, or running under
 *   the chart's toolbar (the modebar), is broken into lines that fit beside the toolbar; on a
 *   narrow chart the toolbar stands upright at the side, so the title keeps nearly the whole
 *   width. The plot moves down by the lines the title gained (legends above the plot move
 *   with it). The figure's own texts are kept, so a new figure or a new width fits afresh.
 */
(function () {
  "use strict";

  var NARROW = "(max-width: 700px)";
  var GAP = 6;
  // Plotly's own line height for multi-line text, in font sizes.
  var LINE = 1.3;
  var SMALL = 0.82;
  var stamps = 0;

  function foldSettings() {
    var details = document.getElementById("more-controls");
    if (!details || details.dataset.folded) return;
    details.dataset.folded = "1";
    if (window.matchMedia(NARROW).matches) details.open = false;
  }

  // ------------------------------------------------------------------ chart titles

  function wrap(text, width) {
    // Lines of at most ``width`` characters: at spaces, or anywhere in a script written
    // without them (Chinese), as components/figures/common.py fit_lines does.
    var words = text.indexOf(" ") >= 0 ? text.split(/(?<= )/) : Array.from(text);
    var lines = [];
    var line = "";
    words.forEach(function (word) {
      if (line && (line + word).trimEnd().length > width) {
        lines.push(line);
        line = "";
      }
      line += word;
    });
    lines.push(line);
    // The space before each break stays, so the title read without its breaks is unchanged.
    return lines.join("<br>");
  }

  function plain(text) {
    return String(text || "").replace(/<br\s*\/?>/gi, " ").replace(/\s+/g, " ").trim();
  }

  function visibleLength(text) {
    return plain(text).replace(/<[^>]*>/g, "").length;
  }

  function box(element) {
    return element ? element.getBoundingClientRect() : null;
  }

  function lineBoxes(element) {
    // The lines of a (possibly multi-line) SVG text: [width in pixels, letters].
    var lines = element ? Array.from(element.querySelectorAll("tspan.line")) : [];
    if (!lines.length && element) lines = [element];
    return lines.map(function (line) {
      return [line.getBoundingClientRect().width, visibleLength(line.textContent)];
    });
  }

  function widest(element) {
    return Math.max.apply(null, [0].concat(lineBoxes(element).map(function (l) { return l[0]; })));
  }

  function perLetter(element) {
    // Pixels per letter of the text's widest letters-per-line ratio.
    return Math.max.apply(null, [1].concat(lineBoxes(element).map(function (l) {
      return l[1] ? l[0] / l[1] : 0;
    })));
  }

  function fitTitle(gd) {
    var layout = gd.layout;
    var full = gd._fullLayout;
    if (!layout || !full || !layout.title || !full.title || !window.Plotly) return;
    var svg = gd.querySelector(".main-svg");
    var titleEl = gd.querySelector(".g-gtitle .gtitle");
    if (!svg || !titleEl) return;
    var frame = box(svg);
    if (!frame.width) return;
    var title = typeof layout.title === "string" ? { text: layout.title } : layout.title;
    var meta = layout.meta;
    if (meta !== undefined && meta !== null && (typeof meta !== "object" || Array.isArray(meta))) {
      return; // a figure whose meta is not ours to mark
    }
    // Dash copies a relayout back into its figure and draws it again: a figure we fitted
    // carries our mark in its meta; any other is new, and its own texts, sizes and top margin
    // are kept to fit from at any width.
    var ours = !!(meta && gd._fitOwn && meta.fittedTitle === gd._fitOwn.stamp);
    if (!ours) {
      stamps += 1;
      gd._fitWidth = null;
      gd._fitOwn = {
        stamp: "fit-" + stamps,
        text: title.text || "",
        subtitle: (title.subtitle && title.subtitle.text) || "",
        top: full.margin.t,
        size: (full.title.font && full.title.font.size) || 22,
        subSize:
          (full.title.subtitle && full.title.subtitle.font && full.title.subtitle.font.size) || 15,
        fitted: false,
        shrink: 0.95,
      };
    }
    var own = gd._fitOwn;
    if (!own.text) return;
    var bar = gd.querySelector(".modebar-container .modebar");
    var barBox = bar && bar.offsetParent !== null ? box(bar) : null;
    if (barBox && !barBox.width) barBox = null;
    var whole = frame.width - 16;
    var room = whole;
    var subRoom = whole;
    var upright = false;
    if (barBox) {
      var vertical = full.modebar && full.modebar.orientation === "v";
      var thick = vertical ? barBox.width : barBox.height;
      var long = vertical ? barBox.height : barBox.width;
      // The title shares the top line with the toolbar; on a narrow chart the toolbar stands
      // upright at the side instead, and the title and subtitle keep the rest of the width.
      if (whole - long - GAP >= 0.6 * whole) {
        room = whole - long - GAP;
      } else {
        upright = true;
        room = subRoom = whole - thick - 2 * GAP;
      }
    }
    var subEl = gd.querySelector(".gtitle-subtitle");
    var fits = widest(titleEl) <= room + 1 && (!subEl || widest(subEl) <= subRoom + 1);
    if (gd._fitWidth === full.width) {
      // Fitted at this width already: lines wrapped by average letter widths can still run
      // over; then fit again a little narrower (a few times at most).
      if (fits || own.shrink < 0.7) return;
      own.shrink *= 0.92;
    }
    gd._fitWidth = full.width;
    if (fits && !upright && !own.fitted) return;
    var size = (full.title.font && full.title.font.size) || 22;
    var subSize =
      (full.title.subtitle && full.title.subtitle.font && full.title.subtitle.font.size) || 15;
    // On a narrow chart the title and subtitle are set a little smaller (the server's sizes
    // are for slides), so they take fewer lines.
    var scale = upright ? SMALL : 1;
    // Widths per character at the size the text will have (it may show a size of an
    // earlier fit).
    var perChar = ((own.size * scale) / size) * perLetter(titleEl);
    var subPerChar = subEl ? ((own.subSize * scale) / subSize) * perLetter(subEl) : 0;
    var fitted = wrap(plain(own.text), Math.max(8, Math.floor((own.shrink * room) / perChar)));
    var fittedSub = own.subtitle
      ? wrap(plain(own.subtitle), Math.max(8, Math.floor((own.shrink * subRoom) / Math.max(1, subPerChar))))
      : "";
    var lines = function (text) { return text ? text.split(/<br\s*\/?>/i).length : 0; };
    var grow =
      (lines(fitted) * scale - lines(own.text)) * own.size * LINE +
      (lines(fittedSub) * scale - lines(own.subtitle)) * own.subSize * LINE;
    var update = {
      "title.text": fitted,
      "title.font.size": own.size * scale,
      "title.subtitle.font.size": own.subSize * scale,
      "modebar.orientation": upright ? "v" : "h",
    };
    if (own.subtitle) update["title.subtitle.text"] = fittedSub;
    update["margin.t"] = Math.max(0, Math.round(own.top + grow));
    own.fitted = true;
    update["meta.fittedTitle"] = own.stamp;
    window.Plotly.relayout(gd, update);
  }

  function watchGraphs() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd._fitWatched || !gd.on) return;
      gd._fitWatched = true;
      gd.on("plotly_afterplot", function () { fitTitle(gd); });
      fitTitle(gd);
    });
  }

  function check() {
    foldSettings();
    watchGraphs();
  }

  new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
  check();
})();
