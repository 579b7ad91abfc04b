/*
 * The forum kit: present a chart full screen, collect views into a deck, and play a deck.
 *
 * On the dashboard, each chart gets two buttons: "Present" opens a projector view of it
 * (the browser's Fullscreen API: the chart as the server renders it for slides, its title in
 * large type, the source line) and "Add to deck" appends the current view to the deck panel.
 * The deck lives in this browser (localStorage) and in its link, /present?deck=…: a deck is
 * the base64url of {"title", "slides": [{"view", "chart", "title", "note"}]}, so the link
 * alone reopens it anywhere on the same server. Nothing is kept on the server.
 *
 * On /present, the slides step with the arrow keys, PageUp/PageDown and Space (what clickers
 * send; mirrored for right-to-left pages), Home and End; Esc leaves full screen. Keys do
 * nothing while a control has focus.
 *
 * Words come from the page (#deck-words, data-words JSON), in its language.
 */
(function () {
  "use strict";

  var CHARTS = { map: "map", trend: "trend", "theme-view": "view", "region-map": "summary" };
  var STORE = "digital-divide-deck";

  function words() {
    var holder = document.getElementById("deck-words");
    try {
      return JSON.parse((holder && holder.dataset.words) || "{}");
    } catch (error) {
      return {};
    }
  }

  function say(key, fallback) {
    var all = words();
    return all[key] || fallback;
  }

  function typing(element) {
    if (!element) return false;
    var tag = element.tagName;
    return (
      tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable
    );
  }

  // ------------------------------------------------------------------ deck encoding

  function encodeDeck(deck) {
    var bytes = new TextEncoder().encode(JSON.stringify(deck));
    var text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function loadDeck() {
    try {
      var deck = JSON.parse(localStorage.getItem(STORE) || "null");
      if (deck && Array.isArray(deck.slides)) return deck;
    } catch (error) { /* a damaged store starts a new deck */ }
    return { title: say("deckTitle", "Digital divide"), slides: [] };
  }

  function saveDeck(deck) {
    localStorage.setItem(STORE, JSON.stringify(deck));
    renderPanel();
  }

  function currentView() {
    var params = new URLSearchParams(window.location.search);
    params.delete("deck");
    return params.toString();
  }

  function pageLanguage() {
    return document.documentElement.getAttribute("lang") || "en";
  }

  // ------------------------------------------------------------------ dashboard buttons

  function chartTitle(graphId) {
    var graph = document.querySelector("#" + graphId + " .js-plotly-plot");
    var title = graph && graph.layout && graph.layout.title;
    return (title && (typeof title === "string" ? title : title.text)) || "";
  }

  function addButtons() {
    var panel = document.getElementById("deck-panel");
    if (panel && !panel.childElementCount) renderPanel();
    Object.keys(CHARTS).forEach(function (graphId) {
      var graph = document.getElementById(graphId);
      if (!graph || graph.parentNode.querySelector('.chart-actions[data-for="' + graphId + '"]')) return;
      var bar = document.createElement("div");
      bar.className = "chart-actions";
      bar.dataset.for = graphId;
      var present = document.createElement("button");
      present.type = "button";
      present.className = "button secondary present-button";
      present.textContent = say("present", "Present");
      present.addEventListener("click", function () { openProjector(graphId); });
      var add = document.createElement("button");
      add.type = "button";
      add.className = "button secondary add-to-deck";
      add.textContent = say("add", "Add to deck");
      add.addEventListener("click", function () {
        var deck = loadDeck();
        deck.slides.push({
          view: currentView(),
          chart: CHARTS[graphId],
          title: chartTitle(graphId).replace(/<[^>]*>/g, ""),
          lang: pageLanguage(),
        });
        saveDeck(deck);
      });
      bar.appendChild(present);
      bar.appendChild(add);
      ["png", "svg"].forEach(function (format) {
        var link = document.createElement("a");
        link.className = "button secondary download-" + format;
        link.textContent = format.toUpperCase();
        link.setAttribute("download", "");
        link.title = say(format, format === "png" ? "Image for slides, 1920 × 1080" : "Vector image");
        var refresh = function () {
          link.href = imageUrl(currentView(), CHARTS[graphId], pageLanguage(), format);
        };
        refresh();
        ["mouseenter", "focus", "mousedown"].forEach(function (name) {
          link.addEventListener(name, refresh);
        });
        bar.appendChild(link);
      });
      graph.parentNode.insertBefore(bar, graph);
    });
  }

  // ------------------------------------------------------------------ projector view

  function imageUrl(view, chart, lang, format) {
    var params = new URLSearchParams(view);
    params.set("chart", chart);
    params.set("width", "1920");
    params.set("height", "1080");
    params.set("lang", lang);
    return "/export/chart." + (format || "png") + "?" + params.toString();
  }

  // The number a presenter quotes: the first line's latest value, with its year, as the
  // chart's own hover text writes it ("World, our estimate: 2024: 67.9% of population").
  function keyNumber(graphId) {
    var graph = document.querySelector("#" + graphId + " .js-plotly-plot");
    if (!graph || !graph.data) return "";
    for (var t = 0; t < graph.data.length; t++) {
      var trace = graph.data[t];
      if (trace.type !== "scatter" || !trace.y || !trace.text || !Array.isArray(trace.text)) continue;
      for (var i = trace.y.length - 1; i >= 0; i--) {
        if (trace.y[i] === null || trace.y[i] === undefined) continue;
        var lines = String(trace.text[i]).split("<br>");
        if (lines.length > 1) return trace.name + " · " + lines[1].replace(/<[^>]*>/g, "");
      }
    }
    return "";
  }

  function openProjector(graphId) {
    var box = document.getElementById("projector");
    if (!box) return;
    box.innerHTML = "";
    var title = document.createElement("h2");
    title.className = "projector-title";
    var graph = document.querySelector("#" + graphId + " .js-plotly-plot");
    var meta = graph && graph.layout && graph.layout.meta;
    title.textContent = ((meta && meta.comparison) || chartTitle(graphId)).replace(/<[^>]*>/g, "");
    var image = document.createElement("img");
    image.className = "projector-image";
    image.alt = title.textContent;
    image.src = imageUrl(currentView(), CHARTS[graphId], pageLanguage());
    var key = document.createElement("p");
    key.className = "projector-key";
    key.textContent = keyNumber(graphId);
    var hint = document.createElement("p");
    hint.className = "projector-hint";
    hint.textContent = say("leave", "Esc leaves");
    box.appendChild(title);
    box.appendChild(image);
    if (key.textContent) box.appendChild(key);
    box.appendChild(hint);
    box.hidden = false;
    var done = function () { box.hidden = true; box.innerHTML = ""; };
    if (box.requestFullscreen) {
      box.requestFullscreen().catch(function () { /* shown as an overlay instead */ });
    }
    box.onfullscreenchange = function () { if (!document.fullscreenElement) done(); };
    box.onkeydown = function (event) {
      if (event.key !== "Escape") return;
      if (document.fullscreenElement) document.exitFullscreen();
      done();
    };
    box.tabIndex = -1;
    box.focus();
  }

  // ------------------------------------------------------------------ deck panel

  function renderPanel() {
    var panel = document.getElementById("deck-panel");
    if (!panel) return;
    var deck = loadDeck();
    panel.innerHTML = "";
    var heading = document.createElement("h2");
    heading.textContent = say("deck", "Slide deck") + " (" + deck.slides.length + ")";
    panel.appendChild(heading);
    if (!deck.slides.length) {
      var empty = document.createElement("p");
      empty.className = "note";
      empty.textContent = say("empty", "Add charts with “Add to deck”.");
      panel.appendChild(empty);
      return;
    }
    var list = document.createElement("ol");
    list.className = "deck-slides";
    deck.slides.forEach(function (slide, i) {
      var item = document.createElement("li");
      var name = document.createElement("input");
      name.type = "text";
      name.value = slide.title || "";
      name.setAttribute("aria-label", say("slideTitle", "Slide title") + " " + (i + 1));
      name.addEventListener("change", function () { slide.title = name.value; saveDeck(deck); });
      var note = document.createElement("input");
      note.type = "text";
      note.value = slide.note || "";
      note.placeholder = say("note", "Note");
      note.setAttribute("aria-label", say("note", "Note") + " " + (i + 1));
      note.addEventListener("change", function () { slide.note = note.value; saveDeck(deck); });
      item.appendChild(name);
      item.appendChild(note);
      [["up", "↑", -1], ["down", "↓", 1]].forEach(function (move) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button secondary";
        button.textContent = move[1];
        button.setAttribute("aria-label", say(move[0], move[0]) + " " + (i + 1));
        button.disabled = (move[2] < 0 && i === 0) || (move[2] > 0 && i === deck.slides.length - 1);
        button.addEventListener("click", function () {
          var other = i + move[2];
          var kept = deck.slides[other];
          deck.slides[other] = deck.slides[i];
          deck.slides[i] = kept;
          saveDeck(deck);
        });
        item.appendChild(button);
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button secondary";
      remove.textContent = "×";
      remove.setAttribute("aria-label", say("remove", "Remove") + " " + (i + 1));
      remove.addEventListener("click", function () { deck.slides.splice(i, 1); saveDeck(deck); });
      item.appendChild(remove);
      list.appendChild(item);
    });
    panel.appendChild(list);
    var encoded = encodeDeck(deck);
    var links = document.createElement("p");
    var play = document.createElement("a");
    play.id = "deck-present-link";
    play.className = "button";
    play.href = "/present?deck=" + encoded + "&lang=" + pageLanguage();
    play.textContent = say("play", "Present the deck");
    var pptx = document.createElement("a");
    pptx.id = "deck-pptx-link";
    pptx.className = "button secondary";
    pptx.href = "/export/deck.pptx?deck=" + encoded + "&lang=" + pageLanguage();
    pptx.textContent = say("pptx", "Download as PowerPoint");
    pptx.addEventListener("click", function () {
      pptx.setAttribute("aria-busy", "true");
      pptx.textContent = say("building", "Building the deck…");
      window.setTimeout(function () {
        pptx.removeAttribute("aria-busy");
        pptx.textContent = say("pptx", "Download as PowerPoint");
      }, 8000);
    });
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "button secondary";
    clear.textContent = say("clear", "Empty the deck");
    clear.addEventListener("click", function () { deck.slides = []; saveDeck(deck); });
    links.appendChild(play);
    links.appendChild(document.createTextNode(" "));
    links.appendChild(pptx);
    links.appendChild(document.createTextNode(" "));
    links.appendChild(clear);
    panel.appendChild(links);
  }

  // ------------------------------------------------------------------ the /present page

  function startPresentation() {
    var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
    if (!slides.length) return;
    var counter = document.getElementById("slide-counter");
    var rtl = document.documentElement.getAttribute("dir") === "rtl";
    var at = 0;
    function show(index) {
      at = Math.max(0, Math.min(slides.length - 1, index));
      slides.forEach(function (slide, i) { slide.hidden = i !== at; });
      if (counter) counter.textContent = at + 1 + " / " + slides.length;
      document.body.dataset.slide = String(at + 1);
    }
    document.addEventListener("keydown", function (event) {
      if (typing(document.activeElement)) return;
      var forward = rtl ? "ArrowLeft" : "ArrowRight";
      var back = rtl ? "ArrowRight" : "ArrowLeft";
      if (event.key === forward || event.key === "PageDown" || event.key === " " || event.key === "ArrowDown") {
        show(at + 1);
      } else if (event.key === back || event.key === "PageUp" || event.key === "ArrowUp") {
        show(at - 1);
      } else if (event.key === "Home") {
        show(0);
      } else if (event.key === "End") {
        show(slides.length - 1);
      } else if (event.key === "Escape" && document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        return;
      }
      event.preventDefault();
    });
    var full = document.getElementById("full-screen");
    if (full) {
      full.addEventListener("click", function () {
        var root = document.getElementById("slides");
        if (root && root.requestFullscreen) root.requestFullscreen().catch(function () {});
      });
    }
    show(0);
  }

  // ------------------------------------------------------------------ start

  function start() {
    if (document.body.classList.contains("present-page")) {
      startPresentation();
      return;
    }
    addButtons();
    new MutationObserver(addButtons).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
