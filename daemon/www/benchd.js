/*
 * benchd.js -- the dashboard's only script, and nothing needs it: every
 * page reads the same without it.  It refreshes the progress of the
 * running session from /api/status every 5 s while the page is shown,
 * and lets the flame graph zoom (click a frame, or #zoom=NAME) and search
 * (#search=RE).
 */
"use strict";

(function () {
  function progress() {
    var box = document.querySelector(".progress[data-session]") ||
      document.querySelector("[data-f=idle]");
    if (!box) return;
    var shown = box.getAttribute("data-session");
    function field(name) { return box.querySelector("[data-f=" + name + "]"); }
    function tick() {
      if (document.hidden) return;
      fetch("/api/status", { cache: "no-store" }).then(function (r) {
        return r.json();
      }).then(function (st) {
        var s = st.running, p = s && s.progress;
        if (!s || String(s.id) !== shown) {
          if (shown || s) location.reload();
          return;
        }
        field("phase").textContent = p.phase;
        field("runs").textContent = p.of > 0 ?
          "run " + p.run + " of " + p.of : "";
        field("bar").max = Math.max(p.of, 1);
        field("bar").value = Math.max(p.run, 0);
        if (p.last_wall !== null)
          field("last").textContent = "last run " + seconds(p.last_wall);
        field("waiting").textContent = p.waiting ?
          "waiting for the conditions: " + p.waiting : "";
      }).catch(function () {});
    }
    setInterval(tick, 5000);
  }

  /* As benchctl prints a time: 59.120 s, 512.3 ms, 41.0 µs. */
  function seconds(v) {
    if (v >= 1) return v.toFixed(3) + " s";
    if (v >= 1e-3) return (v * 1e3).toFixed(1) + " ms";
    return (v * 1e6).toFixed(1) + " \u00b5s";
  }

  function flame() {
    var box = document.getElementById("flame"), svg = box &&
      box.querySelector("svg");
    if (!svg) return;
    var frames = [], pad = 10, cw = 12 * 0.59;
    var width = parseFloat(svg.getAttribute("width")) - 2 * pad;
    svg.querySelectorAll("g").forEach(function (g) {
      var r = g.querySelector("rect"), t = g.querySelector("title");
      if (!r || !t) return;
      var name = t.textContent, cut = name.lastIndexOf(" (");
      frames.push({ g: g, r: r, name: cut > 0 ? name.slice(0, cut) : name,
        x: parseFloat(r.getAttribute("x")), y: parseFloat(r.getAttribute("y")),
        w: parseFloat(r.getAttribute("width")) });
    });
    function place(f, x, w) {
      f.r.setAttribute("x", x.toFixed(2));
      f.r.setAttribute("width", w.toFixed(2));
      var t = f.g.querySelector("text"), fit = Math.floor((w - 6) / cw);
      if (!t) {
        t = document.createElementNS("http://www.w3.org/2000/svg", "text");
        t.setAttribute("y", f.y + 11);
        f.g.appendChild(t);
      }
      t.setAttribute("x", (x + 3).toFixed(2));
      t.textContent = fit < 3 ? "" : f.name.length <= fit ? f.name :
        f.name.slice(0, fit - 2) + "..";
    }
    function zoom(z) {
      frames.forEach(function (f) {
        var inside = f.x >= z.x - 1e-6 && f.x + f.w <= z.x + z.w + 1e-6;
        f.g.classList.remove("fg-hide", "fg-parent");
        if (f.y > z.y && f.x <= z.x + 1e-6 && f.x + f.w >= z.x + z.w - 1e-6) {
          f.g.classList.add("fg-parent");
          place(f, pad, width);
        } else if (f.y <= z.y && inside) {
          place(f, pad + (f.x - z.x) * width / z.w, f.w * width / z.w);
        } else {
          f.g.classList.add("fg-hide");
        }
      });
    }
    frames.forEach(function (f) {
      f.g.addEventListener("click", function () { zoom(f); });
    });
    var tools = document.getElementById("fg-tools");
    var search = document.getElementById("fg-search");
    var match = document.getElementById("fg-match");
    tools.hidden = false;
    document.getElementById("fg-reset").addEventListener("click",
      function () { zoom(frames[0]); });
    search.addEventListener("input", function () {
      var re = null, total = frames[0] ? frames[0].w : 0, hit = [];
      try { re = search.value ? new RegExp(search.value) : null; }
      catch (e) { re = null; }
      frames.forEach(function (f) {
        var on = re !== null && f !== frames[0] && re.test(f.name);
        f.g.classList.toggle("fg-match", on);
        if (on) hit.push(f);
      });
      /* Samples matched once, however deep: outermost frames only. */
      var sum = 0;
      hit.forEach(function (f) {
        if (!hit.some(function (o) {
          return o !== f && o.y > f.y && o.x <= f.x + 1e-6 &&
            o.x + o.w >= f.x + f.w - 1e-6;
        })) sum += f.w;
      });
      match.textContent = re === null ? "" : hit.length + " frames, " +
        (total > 0 ? (100 * sum / total).toFixed(1) : "0") + "% of samples";
    });
    /* A link may ask for a search (#search=RE) or a zoom (#zoom=NAME). */
    var h = decodeURIComponent(location.hash.slice(1));
    if (h.indexOf("search=") === 0) {
      search.value = h.slice(7);
      search.dispatchEvent(new Event("input"));
    } else if (h.indexOf("zoom=") === 0) {
      frames.some(function (f) {
        return f.name === h.slice(5) && (zoom(f), true);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    progress();
    flame();
  });
})();
