// live.js makes a page live: while it is open, an EventSource on the
// tenant's event stream (the main element's data-live URL) re-fetches the
// page when another member changes a project, a task or a member, and
// swaps in its data-live-section parts; presence events name the other
// members on the same page. Without JavaScript the page is the same, only
// static. No inline script, so the CSP stays strict.
(function () {
  "use strict";
  var source = null, url = "", timer = 0;

  function sections(root) {
    var out = {};
    root.querySelectorAll("[data-live-section]").forEach(function (el) {
      out[el.getAttribute("data-live-section")] = el;
    });
    return out;
  }

  function busy(el) {
    var a = document.activeElement;
    return a && a !== document.body && el.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName);
  }

  function refresh(tries) {
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = sections(new DOMParser().parseFromString(html, "text/html"));
        var now = sections(document);
        var later = false;
        Object.keys(now).forEach(function (k) {
          if (!fresh[k]) { return; }
          if (busy(now[k]) && tries < 10) { later = true; return; }
          if (now[k].innerHTML !== fresh[k].innerHTML) {
            now[k].innerHTML = fresh[k].innerHTML;
            if (window.htmx) { window.htmx.process(now[k]); }
          }
        });
        if (later) { schedule(1000, tries + 1); }
      })
      .catch(function () {});
  }

  function schedule(ms, tries) {
    clearTimeout(timer);
    timer = setTimeout(function () { refresh(tries || 0); }, ms);
  }

  function showPresence(data) {
    var box = document.getElementById("presence");
    if (!box) { return; }
    var names = (data.members || []).map(function (m) { return m.name || m.email || "someone"; });
    box.textContent = names.length ? "Also here: " + names.join(", ") : "";
    box.hidden = names.length === 0;
  }

  function connect() {
    var main = document.querySelector("main[data-live]");
    var next = main ? main.getAttribute("data-live") : "";
    if (next === url && source) { return; }
    if (source) { source.close(); source = null; }
    url = next;
    if (!url || !window.EventSource) { return; }
    var self = main.getAttribute("data-self");
    source = new EventSource(url);
    source.onmessage = function (e) {
      var ev;
      try { ev = JSON.parse(e.data); } catch (err) { return; }
      if (!/^(project|task|member)\./.test(ev.type)) { return; }
      if (ev.actor && ev.actor.type === "user" && ev.actor.id === self) { return; }
      schedule(150);
    };
    source.addEventListener("presence", function (e) {
      try { showPresence(JSON.parse(e.data)); } catch (err) {}
    });
    source.addEventListener("reset", function () { schedule(0); });
    source.addEventListener("end", function () {
      source.close();
      source = null;
      url = "";
    });
  }

  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:afterSettle", connect);
  window.addEventListener("pagehide", function () {
    if (source) { source.close(); source = null; url = ""; }
  });
})();
