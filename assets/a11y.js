/*
 * Accessible names and roles that Dash 4's own components leave out.
 *
 * - Theme tabs are plain boxes a keyboard cannot reach: they become a tab list (Tab reaches
 *   the chosen tab, arrows move between tabs, Enter or Space picks one).
 * - Dropdowns put a focusable input marked aria-hidden in front of their button: the button
 *   takes focus itself instead, named by the control's label and its value.
 * - Radio items are drawn as a listbox of options that each hold a radio button (an
 *   interactive control inside another): they become a plain radio group named by its label.
 * - Slider handles and their year boxes get names ("Year", "First year of the trend" …).
 * - Enter in a slider's year box applies the typed year (the sliders update on release, and
 *   their boxes only on leaving them: Enter did nothing).
 *
 * The components re-create their elements as they update, so the fixes are re-applied after
 * every change of the page (a MutationObserver; each fix checks before it writes).
 */
(function () {
  "use strict";

  var ENGLISH_NAMES = {
    year: ["Year"],
    "trend-range": ["First year of the trend", "Last year of the trend"],
  };

  // The page writes the names in its language into #a11y-names (data-names, JSON).
  function sliderNames() {
    var holder = document.getElementById("a11y-names");
    if (holder && holder.dataset.names) {
      try {
        return JSON.parse(holder.dataset.names);
      } catch (error) {
        return ENGLISH_NAMES;
      }
    }
    return ENGLISH_NAMES;
  }

  function set(element, name, value) {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  }

  function unset(element, name) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  }

  function labelId(controlId) {
    var label = document.querySelector('label[for="' + controlId + '"]');
    if (!label) return null;
    if (!label.id) label.id = controlId + "-label";
    return label.id;
  }

  function fixDropdowns() {
    document.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var target = wrapper.querySelector(".dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (!target || !button || !button.id || button.disabled) return;
      // The button takes focus itself; the hidden input before it only passed focus on.
      set(target, "tabindex", "-1");
      set(button, "tabindex", "0");
      // Its name: the control's label, then the chosen value(s).
      var label = labelId(button.id);
      var names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
      if (label && names[0] !== label) {
        names = [label].concat(names.filter(function (n) { return n !== label; }));
        set(button, "aria-labelledby", names.join(" "));
      }
    });
  }

  function fixTabs() {
    document.querySelectorAll(".tab-container").forEach(function (list) {
      set(list, "role", "tablist");
      list.querySelectorAll(".tab").forEach(function (tab) {
        var selected = tab.classList.contains("tab--selected");
        set(tab, "role", "tab");
        set(tab, "aria-selected", selected ? "true" : "false");
        set(tab, "tabindex", selected ? "0" : "-1");
      });
    });
  }

  // Tabs answer the keyboard: Enter or Space picks the focused tab, arrows move to the next.
  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest(".tab-container .tab");
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.parentNode.querySelectorAll(".tab"));
    var index = tabs.indexOf(tab);
    var next = null;
    if (event.key === "Enter" || event.key === " ") next = tab;
    else if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (!next) return;
    event.preventDefault();
    next.click();
    next.focus();
  });

  function fixRadioGroups() {
    document.querySelectorAll(".dash-radioitems").forEach(function (group) {
      set(group, "role", "radiogroup");
      var label = group.id && labelId(group.id);
      if (label) set(group, "aria-labelledby", label);
      group.querySelectorAll(".dash-options-list-option").forEach(function (option) {
        unset(option, "role");
        unset(option, "aria-selected");
      });
    });
  }

  function fixSliders() {
    var all = sliderNames();
    Object.keys(all).forEach(function (id) {
      var slider = document.getElementById(id);
      if (!slider) return;
      var names = all[id];
      slider.querySelectorAll("[role=slider]").forEach(function (thumb, i) {
        set(thumb, "aria-label", names[Math.min(i, names.length - 1)]);
      });
      var low = slider.querySelector(".dash-range-slider-min-input");
      var high = slider.querySelector(".dash-range-slider-max-input");
      if (low) set(low, "aria-label", names[0]);
      if (high) set(high, "aria-label", names[names.length - 1]);
    });
  }

  function fixAll() {
    fixDropdowns();
    fixTabs();
    fixRadioGroups();
    fixSliders();
  }

  // Charts change their own drawing all the time; only changes outside them matter here.
  function outsideCharts(record) {
    var node = record.target;
    return !(node.closest && node.closest(".dash-graph"));
  }

  var scheduled = false;
  function schedule(records) {
    if (scheduled || (records && !records.some(outsideCharts))) return;
    scheduled = true;
    window.setTimeout(function () {
      scheduled = false;
      fixAll();
    }, 0);
  }

  // Leaving the box is what applies its value; Enter leaves and comes straight back.
  function applyOnEnter(event) {
    var box = event.target;
    if (event.key !== "Enter" || !box.matches || !box.matches(".dash-range-slider-input")) {
      return;
    }
    event.preventDefault();
    box.blur();
    box.focus();
  }

  function start() {
    document.addEventListener("keydown", applyOnEnter, true);
    fixAll();
    new MutationObserver(schedule).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["aria-selected", "role", "tabindex", "class", "aria-labelledby"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
