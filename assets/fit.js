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
 * - A map's foot on a narrow chart: the colour bar takes the whole width (its tick labels
 *   stay upright), its title and the source line are broken into lines, and the legend
 *   moves under the colour bar, so that nothing runs into anything else.
 * - A chart drawn while hidden (its box not displayed) is laid out at plotly's default 700 px;
 *   once shown it is resized to its box if it still has that width (Dash resizes it too, but
 *   a resize that runs while the box is still hidden lays it out at 700 px again).
 */
(function () {
  "use strict";

  var NARROW = "(max-width: 700px)";
  var GAP = 6;
  // Plotly's own line height for multi-line text, in font sizes.
  var LINE = 1.3;
  var SMALL = 0.82;
  // Fitting a chart to its box: plotly resizes 100 ms after it is asked; look again after
  // RESIZE_MS, at most RESIZE_TRIES times per box width; every SWEEP_MS, check them all.
  var RESIZE_MS = 600;
  var RESIZE_TRIES = 3;
  var SWEEP_MS = 1500;
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

  // ------------------------------------------------------------------ a map's foot

  var FOOT_WIDTH = 600;

  function height(element) {
    var b = box(element);
    return b ? b.height : 0;
  }

  function fitFoot(gd) {
    var layout = gd.layout;
    var full = gd._fullLayout;
    var data = gd.data;
    if (!layout || !full || !data || !window.Plotly || !full._size) return;
    var bars = [];
    data.forEach(function (trace, i) {
      var bar = trace.colorbar;
      if (trace.type === "choropleth" && trace.showscale !== false && bar && bar.orientation === "h") {
        bars.push(i);
      }
    });
    if (!bars.length) return;
    var credits = (layout.annotations || []).map(function (a, i) {
      return a && a.name === "credit" ? i : -1;
    }).filter(function (i) { return i >= 0; });
    var width = full.width;
    if (!width || width >= FOOT_WIDTH) return;
    var own = gd._footOwn;
    var first = data[bars[0]].colorbar;
    var barTitle = first.title && typeof first.title === "object" ? first.title.text : first.title;
    var credit = credits.length ? layout.annotations[credits[0]].text : "";
    if (!own || own.figure !== data[bars[0]] || own.width !== width) {
      // A new figure or width: start from the figure's own texts.
      own = gd._footOwn = {
        figure: data[bars[0]],
        width: width,
        title: own && own.figure === data[bars[0]] ? own.title : plain(barTitle),
        ticks: own && own.figure === data[bars[0]] ? own.ticks : (first.ticktext || []).slice(),
        credit: own && own.figure === data[bars[0]] ? own.credit : plain(credit),
        tries: 0,
      };
    }
    if (own.tries >= 3) return;
    var letters = Math.max(16, Math.floor((width - 24) / ((theSmall(full) * 0.58) || 7)));
    var titleText = wrap(own.title, letters);
    var creditText = own.credit ? wrap(own.credit, Math.floor(letters * 1.15)) : "";
    var legend = gd.querySelector(".legend");
    var creditEl = credits.length
      ? gd.querySelector('.annotation[data-index="' + credits[0] + '"]')
      : null;
    // The colour bar's block, from its settings: title lines, bar, tick labels, padding (its
    // drawn box cannot be measured before its labels stand upright).
    var bar = (gd._fullData[bars[0]] || {}).colorbar || {};
    var titleSize = (bar.title && bar.title.font && bar.title.font.size) || 13;
    var tickSize = (bar.tickfont && bar.tickfont.size) || 12;
    // Tick labels stand upright, a long one (a target's label) broken into lines.
    var tickLetters = Math.max(6, Math.floor((width - 24) / Math.max(1, own.ticks.length) /
      (tickSize * 0.6)));
    var ticks = own.ticks.map(function (text) { return wrap(plain(text), tickLetters); });
    var tickLines = Math.max.apply(null, [1].concat(ticks.map(function (text) {
      return text.split("<br>").length;
    })));
    var barHeight =
      titleText.split("<br>").length * titleSize * LINE +
      (bar.thickness || 14) + tickSize * (LINE * tickLines + 0.3) + (bar.ypad || 10);
    var legendHeight = legend && full.showlegend !== false ? height(legend) : 0;
    var creditLines = creditText ? creditText.split("<br>").length : 0;
    var creditSize = credits.length
      ? ((full.annotations[credits[0]] || {}).font || {}).size || 10
      : 0;
    var creditHeight = creditLines * creditSize * LINE + (creditEl ? 2 : 0);
    var gap = GAP;
    var bottom = Math.ceil(barHeight + gap + legendHeight + gap + creditHeight + gap);
    var plotHeight = full.height - full.margin.t - bottom;
    // A long title and foot leave the map too little room: the chart grows to keep the world
    // at least half as tall as it is wide (and back when a new figure needs less).
    var container = gd.closest(".dash-graph") || gd.parentNode;
    var least = Math.round(0.5 * (width - full.margin.l - full.margin.r));
    if (container && container.dataset) {
      if (!container.dataset.cssHeight) {
        container.dataset.cssHeight = String(parseFloat(window.getComputedStyle(container).height));
      }
      var cssHeight = parseFloat(container.dataset.cssHeight);
      var wanted = Math.max(cssHeight, Math.ceil(full.margin.t + bottom + least));
      if (Math.abs(wanted - full.height) > 2 && (plotHeight < least || full.height > cssHeight)) {
        if (wanted > cssHeight) container.style.setProperty("height", wanted + "px", "important");
        else container.style.removeProperty("height");
        plotHeight = wanted - full.margin.t - bottom;
        own.tries = 0;
      }
    }
    if (plotHeight < 80) return;
    var legendY = -(barHeight + gap) / plotHeight;
    var creditShift = -Math.ceil(barHeight + gap + legendHeight + gap);
    var same =
      Math.abs((full.margin.b || 0) - bottom) <= 2 &&
      (!legendHeight || Math.abs(full.legend.y - legendY) * plotHeight <= 2) &&
      (!credits.length || Math.abs((layout.annotations[credits[0]].yshift || 0) - creditShift) <= 2) &&
      first.len === 1 &&
      first.tickangle === 0 &&
      barTitle === titleText;
    if (same) return;
    own.tries += 1;
    var rtl = document.documentElement.getAttribute("dir") === "rtl";
    var update = {
      "margin.b": bottom,
      "legend.y": legendY,
      "legend.yanchor": "top",
      "legend.x": rtl ? 1 : 0,
      "legend.xanchor": rtl ? "right" : "left",
    };
    credits.forEach(function (i) {
      update["annotations[" + i + "].yshift"] = creditShift;
      update["annotations[" + i + "].text"] = creditText;
    });
    var restyle = {
      "colorbar.len": 1,
      "colorbar.lenmode": "fraction",
      "colorbar.x": 0,
      "colorbar.xanchor": "left",
      "colorbar.title.text": titleText,
      "colorbar.tickangle": 0,
    };
    if (own.ticks.length) {
      restyle["colorbar.ticktext"] = bars.map(function () { return ticks; });
    }
    window.Plotly.update(gd, restyle, update, bars);
  }

  function theSmall(full) {
    // The colour bar's tick font size, a fair width for the foot's small letters.
    return (full.font && full.font.size ? full.font.size * 0.9 : 12);
  }

  // ------------------------------------------------------------------ a chart's width

  function fitWidth(gd) {
    // An autosized chart shown in a box of another width than it is laid out at. Plotly keeps
    // the width of a chart's first drawing, and a chart first drawn in a hidden box is laid
    // out at its default 700 px; Dash resizes it when the box is shown, but a resize can be
    // lost to a redraw in between. So: resize, look again a moment later, and try a few
    // times per box width; a resize that cannot reach the width never loops.
    var full = gd._fullLayout;
    if (!full || !full.autosize || !window.Plotly) return false;
    if (gd.layout && gd.layout.width) return false;
    var shown = gd.clientWidth;
    if (!shown || gd.offsetParent === null) return false;
    if (Math.abs(full.width - shown) <= 2) {
      gd._fitTries = 0;
      return false;
    }
    var now = Date.now();
    if (gd._fitAt && now - gd._fitAt < RESIZE_MS) return true; // one is under way
    if (gd._fitFor !== shown) {
      gd._fitFor = shown;
      gd._fitTries = 0;
    }
    if (gd._fitTries >= RESIZE_TRIES) return false;
    gd._fitTries += 1;
    gd._fitAt = now;
    window.Plotly.Plots.resize(gd).catch(function () {});
    setTimeout(function () {
      fitWidth(gd);
    }, RESIZE_MS + 50);
    return true;
  }

  function sweep() {
    // The safety net: every visible chart, now and then (a few property reads each).
    if (document.hidden) return;
    document.querySelectorAll(".js-plotly-plot").forEach(fitWidth);
  }

  function watchGraphs() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd._fitWatched || !gd.on) return;
      gd._fitWatched = true;
      gd.on("plotly_afterplot", function () {
        if (fitWidth(gd)) return;  // fitted again once laid out at its width
        fitTitle(gd);
        fitFoot(gd);
      });
      if (window.ResizeObserver) {
        new window.ResizeObserver(function () { fitWidth(gd); }).observe(gd);
      }
      fitTitle(gd);
      fitFoot(gd);
    });
  }

  function check() {
    foldSettings();
    watchGraphs();
  }

  new MutationObserver(check).observe(document.documentElement, { childList: true, subtree: true });
  check();
  setInterval(sweep, SWEEP_MS);
})();
