/* SPDX-License-Identifier: GPL-3.0-or-later
 * The report's one script: sortable tables and interactive figures drawn as SVG from the
 * figure descriptions embedded in the page. Text goes in with textContent only; no markup is
 * ever built from data. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  document.documentElement.classList.add("js");

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k]));
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(name, cls, parent) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (v === null || !isFinite(v)) return "n/a";
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(3).replace("e+", "e");
    return String(Number(v.toPrecision(4)));
  }

  /* ---- sortable tables ---- */
  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var ths = table.tHead.rows[0].cells;
    for (var i = 0; i < ths.length; i++) ths[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var ca = a.cells[col], cb = b.cells[col];
      var va = ca && ca.hasAttribute("data-v") ? parseFloat(ca.getAttribute("data-v")) : null;
      var vb = cb && cb.hasAttribute("data-v") ? parseFloat(cb.getAttribute("data-v")) : null;
      if (va !== null && vb !== null) return sign * (va - vb);
      if (va !== null) return -1;
      if (vb !== null) return 1;
      var ta = ca ? ca.textContent : "", tb = cb ? cb.textContent : "";
      return sign * ta.localeCompare(tb, undefined, {numeric: true});
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var b = th.querySelector("button");
      if (b) b.addEventListener("click", function () { sortTable(table, col, th); });
    });
  });

  /* ---- axes ---- */
  function Axis(spec, lo, hi) {
    this.log = spec.scale === "log";
    this.cat = Array.isArray(spec.categories) ? spec.categories : null;
    this.label = spec.label || "";
    var r = spec.range || [0, 1];
    this.a = this.log ? Math.log10(r[0]) : r[0];
    this.b = this.log ? Math.log10(r[1]) : r[1];
    if (!(this.b > this.a)) this.b = this.a + 1;
    this.lo = lo;
    this.hi = hi;
  }
  Axis.prototype.t = function (v) { return this.log ? (v > 0 ? Math.log10(v) : NaN) : v; };
  Axis.prototype.px = function (v) {
    var t = this.t(v);
    return this.lo + (t - this.a) / (this.b - this.a) * (this.hi - this.lo);
  };
  Axis.prototype.inv = function (p) {
    var t = this.a + (p - this.lo) / (this.hi - this.lo) * (this.b - this.a);
    return this.log ? Math.pow(10, t) : t;
  };
  Axis.prototype.ticks = function (maxn) {
    var out = [], a = this.a, b = this.b, i, e, v;
    if (this.cat) {
      for (i = 0; i < this.cat.length; i++) out.push({v: i + 1, s: String(this.cat[i])});
      return out;
    }
    if (this.log && b - a >= 2.5) {
      var step = Math.max(1, Math.ceil((b - a) / maxn));
      for (e = Math.ceil(a); e <= b; e += step) out.push({v: Math.pow(10, e), s: "1e" + e});
      return out;
    }
    if (this.log && b - a >= 0.7) {
      var mult = (b - a) / maxn > 0.35 ? [1, 3] : [1, 2, 5];
      for (e = Math.floor(a); e <= Math.ceil(b); e++)
        for (i = 0; i < mult.length; i++) {
          v = mult[i] * Math.pow(10, e);
          var t = Math.log10(v);
          if (t >= a && t <= b) out.push({v: v, s: fmt(v)});
        }
      return out;
    }
    var vlo = this.log ? Math.pow(10, a) : a, vhi = this.log ? Math.pow(10, b) : b;
    var raw = (vhi - vlo) / maxn, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var st = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag : 10 * mag;
    if (this.log) {
      /* A narrow log axis: the coarsest 5, 2 or 1 times a power of ten giving five labels. */
      var top = Math.floor(Math.log10(vhi - vlo)), found = false;
      for (e = top; e > top - 3 && !found; e--)
        [5, 2, 1].forEach(function (m) {
          var s = m * Math.pow(10, e);
          if (!found && Math.floor(vhi / s * (1 + 1e-12)) - Math.ceil(vlo / s) + 1 >= Math.min(5, maxn)) { st = s; found = true; }
        });
    }
    for (v = Math.ceil(vlo / st) * st; v <= vhi * (1 + 1e-12); v += st) {
      var vv = Math.abs(v) < st * 1e-9 ? 0 : v;
      out.push({v: vv, s: fmt(Number(vv.toPrecision(12)))});
    }
    return out;
  };

  /* Linear interpolation of a curve at x in axis space (log x for a log axis). */
  function interp(ax, xs, ys, x) {
    var t = ax.t(x), best = null;
    for (var i = 0; i + 1 < xs.length; i++) {
      var t0 = ax.t(xs[i]), t1 = ax.t(xs[i + 1]);
      if (xs[i] === null || xs[i + 1] === null || ys[i] === null || ys[i + 1] === null) continue;
      var lo = Math.min(t0, t1), hi = Math.max(t0, t1);
      if (t >= lo && t <= hi) {
        var f = hi > lo ? (t - t0) / (t1 - t0) : 0;
        best = ys[i] + f * (ys[i + 1] - ys[i]);
        break;
      }
    }
    return best;
  }

  var charts = [];

  function Chart(host, fig, figEl) {
    this.host = host;
    this.fig = fig;
    this.figEl = figEl;
    this.hidden = {};
    this.curve = null;
    this.readX = null;
    var groups = [], seen = {};
    fig.items.forEach(function (it, k) {
      it.key = it.group || it.label || ("item " + (k + 1));
      if (!seen[it.key]) { seen[it.key] = true; groups.push({key: it.key, colour: it.colour, kind: it.kind}); }
    });
    this.groups = groups;
    this.curves = fig.items.filter(function (it) {
      return (it.kind === "line" || it.kind === "dashed") && it.n > 1 && it.key && it.label !== "y = x";
    });
    this.build();
  }

  Chart.prototype.build = function () {
    var self = this;
    this.svgHost = html("div", "plot", this.host);
    this.tip = html("div", "tip", this.host);
    this.tip.hidden = true;
    this.tip.setAttribute("role", "status");
    var legend = html("div", "legend", this.host);
    legend.setAttribute("role", "group");
    legend.setAttribute("aria-label", "show or hide");
    this.groups.forEach(function (g) {
      var lab = html("label", "", legend);
      var cb = html("input", "", lab);
      cb.type = "checkbox";
      cb.checked = true;
      cb.setAttribute("data-group", g.key);
      var sw = html("span", "sw", lab);
      sw.style.background = g.colour;
      if (g.kind === "band") sw.style.opacity = "0.35";
      var t = html("span", "", lab);
      t.textContent = g.key;
      cb.addEventListener("change", function () {
        self.hidden[g.key] = !cb.checked;
        self.render();
      });
    });
    if (this.curves.length) {
      var ro = html("div", "readout", this.host);
      var l1 = html("label", "", ro);
      l1.textContent = "read off ";
      var sel = html("select", "", l1);
      this.curves.forEach(function (c, i) {
        var o = html("option", "", sel);
        o.value = String(i);
        o.textContent = c.key;
      });
      var l2 = html("label", "", ro);
      var xl = this.fig.x.label || "x";
      l2.textContent = "at " + xl + " ";
      var range = html("input", "", ro);
      range.type = "range";
      range.min = "0";
      range.max = "1000";
      range.value = "1000";
      range.setAttribute("aria-label", "position on " + xl);
      var num = html("input", "", ro);
      num.type = "text";
      num.size = 10;
      num.setAttribute("aria-label", xl + " (a number)");
      num.setAttribute("inputmode", "decimal");
      var out = html("output", "", ro);
      out.setAttribute("aria-live", "polite");
      this.sel = sel;
      this.range = range;
      this.num = num;
      this.out = out;
      this.curve = this.curves[0];
      var xax = new Axis(this.fig.x, 0, 1000);
      var setFromRange = function () {
        self.readX = xax.inv(Number(range.value));
        num.value = fmt(self.readX);
        self.render();
      };
      sel.addEventListener("change", function () { self.curve = self.curves[Number(sel.value)]; self.render(); });
      range.addEventListener("input", setFromRange);
      num.addEventListener("change", function () {
        var v = parseFloat(num.value);
        if (isFinite(v)) { self.readX = v; self.render(); }
      });
      var last = this.curve.x[this.curve.x.length - 1];
      this.readX = last;
      num.value = fmt(last);
    }
    this.render();
  };

  Chart.prototype.render = function () {
    var self = this, fig = this.fig;
    var W = Math.max(280, Math.round(this.host.clientWidth || 600));
    var small = W < 520;
    var H = Math.round(Math.min(520, Math.max(240, W * (small ? 0.8 : 0.58))));
    var fs = small ? 11 : 12;
    var xcat = Array.isArray(fig.x.categories);
    var ml = small ? 48 : 64, mr = 12, mt = 28, mb = xcat ? (small ? 86 : 96) : 48;
    var X = new Axis(fig.x, ml, W - mr), Y = new Axis(fig.y, H - mb, mt);
    while (this.svgHost.firstChild) this.svgHost.removeChild(this.svgHost.firstChild);
    var svg = el("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img",
                         "font-size": fs}, this.svgHost);
    var title = el("title", {}, svg);
    title.textContent = fig.title || "figure";
    var ttl = el("text", {x: ml, y: 16, "class": "ttl"}, svg);
    ttl.textContent = fig.title || "";
    el("rect", {x: ml, y: mt, width: W - ml - mr, height: H - mt - mb, fill: "none", stroke: "#444"}, svg);
    var clipId = "clip-" + this.figEl.id;
    var cp = el("clipPath", {id: clipId}, el("defs", {}, svg));
    el("rect", {x: ml, y: mt, width: W - ml - mr, height: H - mt - mb}, cp);
    X.ticks(small ? 4 : 7).forEach(function (tk) {
      var p = X.px(tk.v);
      if (!(p >= ml - 0.5 && p <= W - mr + 0.5)) return;
      el("line", {x1: p, x2: p, y1: H - mb, y2: H - mb + 5, stroke: "#444"}, svg);
      el("line", {x1: p, x2: p, y1: mt, y2: H - mb, stroke: "#eee"}, svg);
      var t;
      if (xcat) {
        t = el("text", {x: p, y: H - mb + 9, "text-anchor": "end", "dominant-baseline": "middle",
                        transform: "rotate(-55 " + p + " " + (H - mb + 9) + ")"}, svg);
      } else {
        t = el("text", {x: p, y: H - mb + 18, "text-anchor": "middle"}, svg);
      }
      t.textContent = tk.s;
    });
    Y.ticks(small ? 5 : 7).forEach(function (tk) {
      var p = Y.px(tk.v);
      if (!(p >= mt - 0.5 && p <= H - mb + 0.5)) return;
      el("line", {x1: ml - 5, x2: ml, y1: p, y2: p, stroke: "#444"}, svg);
      el("line", {x1: ml, x2: W - mr, y1: p, y2: p, stroke: "#eee"}, svg);
      var t = el("text", {x: ml - 7, y: p, "text-anchor": "end", "dominant-baseline": "middle"}, svg);
      t.textContent = tk.s;
    });
    var xl = el("text", {x: (ml + W - mr) / 2, y: H - 8, "text-anchor": "middle"}, svg);
    xl.textContent = fig.x.label || "";
    var yl = el("text", {x: 0, y: 0, "text-anchor": "middle",
                         transform: "translate(12 " + ((mt + H - mb) / 2) + ") rotate(-90)"}, svg);
    yl.textContent = fig.y.label || "";

    var plot = el("g", {"clip-path": "url(#" + clipId + ")"}, svg);
    var layers = [el("g", {}, plot), el("g", {}, plot), el("g", {}, plot)];
    var pointsOf = [];
    fig.items.forEach(function (it) {
      if (self.hidden[it.key]) return;
      var g = el("g", {"data-group": it.key, "class": "item item-" + it.kind}, it.kind === "band" ? layers[0] : it.kind === "line" || it.kind === "dashed" || it.kind === "vline" ? layers[1] : layers[2]);
      var i, px, py, pts = [];
      if (it.kind === "band") {
        var up = [], dn = [];
        for (i = 0; i < it.n; i++) {
          px = X.px(it.x[i]);
          var p1 = Y.px(it.y[i]), p2 = Y.px(it.hi[i]);
          if (isFinite(px) && isFinite(p1) && isFinite(p2)) { dn.push(px + "," + p1); up.unshift(px + "," + p2); }
        }
        if (dn.length > 1) el("polygon", {points: dn.concat(up).join(" "), fill: it.colour, "fill-opacity": 0.22, stroke: "none"}, g);
      } else if (it.kind === "vline") {
        px = X.px(it.x[0]);
        if (isFinite(px)) el("line", {x1: px, x2: px, y1: mt, y2: H - mb, stroke: "#000", "stroke-dasharray": "5 4"}, g);
      } else if (it.kind === "line" || it.kind === "dashed") {
        var seg = [];
        var flush = function () {
          if (seg.length > 1) el("polyline", {points: seg.join(" "), fill: "none", stroke: it.colour, "stroke-width": 2,
                                             "stroke-dasharray": it.kind === "dashed" ? "6 4" : "none"}, g);
          seg = [];
        };
        for (i = 0; i < it.n; i++) {
          px = X.px(it.x[i]);
          py = Y.px(it.y[i]);
          if (it.x[i] === null || it.y[i] === null || !isFinite(px) || !isFinite(py)) { flush(); continue; }
          seg.push(px + "," + py);
        }
        flush();
      } else {
        var r = it.n > 100 ? 3 : 4;
        for (i = 0; i < it.n; i++) {
          px = X.px(it.x[i]);
          py = Y.px(it.y[i]);
          if (it.x[i] === null || it.y[i] === null || !isFinite(px) || !isFinite(py)) continue;
          var m;
          if (it.kind === "crosses") {
            m = el("path", {d: "M" + (px - r) + " " + (py - r) + "L" + (px + r) + " " + (py + r) + "M" + (px - r) + " " + (py + r) + "L" + (px + r) + " " + (py - r),
                            stroke: it.colour, "stroke-width": 2, fill: "none"}, g);
          } else {
            m = el("circle", {cx: px, cy: py, r: r, fill: it.kind === "open" ? "#fff" : it.colour, stroke: it.colour, "stroke-width": it.kind === "open" ? 1.5 : 0.5}, g);
          }
          m.setAttribute("class", "pt");
          m.setAttribute("data-i", String(i));
          pts.push({m: m, it: it, i: i});
          /* A generous invisible target, so small points can be hovered. */
          var hit = el("circle", {cx: px, cy: py, r: r + 4, fill: "transparent", "class": "hit"}, g);
          pointsOf.push({m: hit, it: it, i: i, px: px, py: py});
        }
      }
    });
    /* Point names in the figure when there are few; all on hover. */
    var named = 0;
    fig.items.forEach(function (it) { if (!self.hidden[it.key] && it.labels) named += it.n; });
    if (named > 0 && named <= 16) {
      pointsOf.forEach(function (p) {
        if (!p.it.labels || !p.it.labels[p.i]) return;
        var right = p.px < ml + 0.72 * (W - ml - mr);
        var t = el("text", {x: p.px + (right ? 7 : -7), y: p.py - 6, "text-anchor": right ? "start" : "end",
                            "font-size": fs - 1, "class": "ptlabel"}, layers[2]);
        t.textContent = p.it.labels[p.i];
      });
    }
    pointsOf.forEach(function (p) {
      p.m.addEventListener("pointerenter", function () { self.showTip(p); });
      p.m.addEventListener("pointerleave", function () { self.tip.hidden = true; });
    });

    /* The read-off: a vertical rule at x and the chosen curve's value (and band) there. */
    if (this.curve && this.out) {
      var c = this.curve, band = null;
      fig.items.forEach(function (it) { if (it.kind === "band" && it.key === c.key) band = it; });
      var x = this.readX, y = interp(X, c.x, c.y, x);
      var xs = (fig.x.label || "x") + " = " + fmt(x);
      var text;
      if (self.hidden[c.key]) text = xs + ": " + c.key + " is hidden";
      else if (y === null) text = xs + ": outside the computed curve (" + fmt(c.x[0]) + " to " + fmt(c.x[c.x.length - 1]) + ")";
      else {
        text = xs + ": " + c.key + " gives " + fmt(y);
        if (band) {
          var lo = interp(X, band.x, band.y, x), hi = interp(X, band.x, band.hi, x);
          if (lo !== null && hi !== null) text += " (band " + fmt(lo) + " to " + fmt(hi) + ")";
        }
        var rx = X.px(x), ry = Y.px(y);
        if (isFinite(rx) && isFinite(ry)) {
          el("line", {x1: rx, x2: rx, y1: mt, y2: H - mb, stroke: "#888", "stroke-width": 1}, plot);
          el("circle", {cx: rx, cy: ry, r: 5, fill: "none", stroke: "#000", "stroke-width": 1.5, "class": "readmark"}, plot);
        }
      }
      this.out.textContent = text;
      if (this.range && isFinite(X.t(x))) {
        var xr = new Axis(fig.x, 0, 1000);
        this.range.value = String(Math.max(0, Math.min(1000, Math.round(xr.px(x)))));
      }
      svg.addEventListener("click", function (ev) {
        var box = svg.getBoundingClientRect();
        var sx = (ev.clientX - box.left) * W / box.width;
        if (sx >= ml && sx <= W - mr) {
          self.readX = X.inv(sx);
          if (self.num) self.num.value = fmt(self.readX);
          self.render();
        }
      });
    }
  };

  Chart.prototype.showTip = function (p) {
    var tip = this.tip, fig = this.fig;
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    var name = p.it.labels && p.it.labels[p.i] ? p.it.labels[p.i] : p.it.key;
    var b = html("b", "", tip);
    b.textContent = name;
    var l1 = html("span", "", tip);
    var xv = Array.isArray(fig.x.categories) ? fig.x.categories[Math.round(p.it.x[p.i]) - 1] : fmt(p.it.x[p.i]);
    l1.textContent = (fig.x.label || "x") + ": " + xv;
    html("br", "", tip);
    var l2 = html("span", "", tip);
    l2.textContent = (fig.y.label || "y") + ": " + fmt(p.it.y[p.i]);
    if (p.it.labels && p.it.key) {
      html("br", "", tip);
      var l3 = html("span", "", tip);
      l3.textContent = p.it.key;
    }
    tip.hidden = false;
    var host = this.host.getBoundingClientRect(), svgBox = this.svgHost.firstChild.getBoundingClientRect();
    var scale = svgBox.width / Number(this.svgHost.firstChild.getAttribute("width"));
    var left = svgBox.left - host.left + p.px * scale + 10, top = svgBox.top - host.top + p.py * scale + 10;
    var maxLeft = host.width - tip.offsetWidth - 4;
    tip.style.left = Math.max(0, Math.min(left, maxLeft)) + "px";
    tip.style.top = top + "px";
  };

  Array.prototype.forEach.call(document.querySelectorAll("figure.interactive"), function (figEl) {
    var host = figEl.querySelector(".chart");
    if (!host) return;
    var data = document.getElementById(host.getAttribute("data-src"));
    var fig;
    try {
      fig = JSON.parse(data.textContent);
    } catch (e) {
      figEl.classList.remove("interactive");
      return;
    }
    charts.push(new Chart(host, fig, figEl));
  });
  var pending = null, lastW = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastW) return;
    lastW = window.innerWidth;
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.render(); }); }, 150);
  });
})();
