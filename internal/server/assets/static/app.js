// egdi dashboard: small progressive enhancements. Every page works without
// this file (forms submit, links navigate); with it, selects apply at once,
// the map shows a tooltip, and the what-if panel recomputes as a control moves.
(function () {
  "use strict";

  // Selects that apply as soon as they change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { if (s.form) s.form.submit(); });
  });

  // Map tooltip on hover and keyboard focus.
  var map = document.querySelector(".worldmap");
  var tip = document.getElementById("maptip");
  if (map && tip) {
    var fig = map.closest("figure");
    var show = function (a, x, y) {
      tip.textContent = a.getAttribute("aria-label");
      tip.hidden = false;
      var box = fig.getBoundingClientRect();
      var left = x - box.left + 12, top = y - box.top + 12;
      if (left + tip.offsetWidth > box.width) left = x - box.left - tip.offsetWidth - 12;
      tip.style.left = Math.max(0, left) + "px";
      tip.style.top = Math.max(0, top) + "px";
    };
    map.addEventListener("mousemove", function (e) {
      var a = e.target.closest("a");
      if (a) show(a, e.clientX, e.clientY); else tip.hidden = true;
    });
    map.addEventListener("mouseleave", function () { tip.hidden = true; });
    map.addEventListener("focusin", function (e) {
      var a = e.target.closest("a");
      if (!a) return;
      var r = a.getBoundingClientRect();
      a.classList.add("active");
      show(a, r.left + r.width / 2, r.top + r.height / 2);
    });
    map.addEventListener("focusout", function (e) {
      var a = e.target.closest("a");
      if (a) a.classList.remove("active");
      tip.hidden = true;
    });
  }

  // What-if panel: recompute through the API as a control moves.
  var wf = document.getElementById("whatif-form");
  if (wf && window.fetch) {
    var timer = null, seq = 0;
    var out = function (id) { return document.getElementById(id); };
    var groupLabels = {};
    document.querySelectorAll("[data-group-label]").forEach(function (el) {
      groupLabels[el.getAttribute("data-group")] = el.getAttribute("data-group-label");
    });
    var recompute = function () {
      var body = { iso3: wf.dataset.iso, edition: parseInt(wf.dataset.edition, 10) };
      var params = new URLSearchParams({ edition: wf.dataset.edition });
      // Only moved controls are sent, with every digit the control holds:
      // an untouched one keeps the published value (data-orig, full precision).
      wf.querySelectorAll("input[type=range]").forEach(function (r) {
        var v = parseFloat(r.value);
        if (v !== parseFloat(r.dataset.orig)) { body[r.name] = v; params.set(r.name, r.value); }
      });
      var mine = ++seq;
      fetch("/api/v1/whatif", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
        .then(function (res) { return res.json(); })
        .then(function (j) {
          if (mine !== seq || !j.whatif) return;
          var d = parseInt(wf.dataset.digits, 10);
          out("wi-egdi").textContent = j.whatif.egdi.toFixed(d);
          out("wi-rank").textContent = j.whatif.egdi_rank;
          var c = out("wi-change");
          c.textContent = "(" + (j.rank_change > 0 ? "+" : "") + j.rank_change + ")";
          c.className = j.rank_change > 0 ? "up" : (j.rank_change < 0 ? "down" : "");
          var g = out("wi-group");
          g.className = "pill g-" + j.whatif.group;
          if (groupLabels[j.whatif.group]) g.textContent = groupLabels[j.whatif.group];
          history.replaceState(null, "", location.pathname + "?" + params.toString() + "#whatif");
        })
        .catch(function () { /* the form still works by submitting */ });
    };
    wf.querySelectorAll("input[type=range]").forEach(function (r) {
      r.addEventListener("input", function () {
        var o = document.getElementById("wo-" + r.name);
        var d = parseInt(wf.dataset[r.name + "Digits"], 10);
        if (o) o.textContent = parseFloat(r.value).toFixed(isNaN(d) ? 4 : d);
        clearTimeout(timer);
        timer = setTimeout(recompute, 80);
      });
    });
  }

  // Uncertainty: cancel a running job.
  var cancel = document.getElementById("job-cancel");
  if (cancel && window.fetch) {
    cancel.addEventListener("click", function () {
      fetch(cancel.dataset.url, { method: "DELETE" }).then(function () { location.reload(); });
    });
  }

  // Every chart downloads as SVG and as PNG (for slides): the SVG is the
  // chart's own markup; the PNG draws it on a canvas at twice its size.
  var slug = function (s) {
    return (s || "chart").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "chart";
  };
  var save = function (blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  };
  var svgText = function (svg) {
    var c = svg.cloneNode(true);
    c.removeAttribute("class");
    c.setAttribute("font-family", getComputedStyle(svg).fontFamily);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(c);
  };
  var labels = document.documentElement.lang === "ar" ? { svg: "SVG", png: "PNG", what: "تنزيل الرسم البياني" } : { svg: "SVG", png: "PNG", what: "Download the chart" };
  document.querySelectorAll("figure.chart").forEach(function (fig) {
    var svg = fig.querySelector("svg.chart");
    if (!svg) return;
    var title = svg.querySelector("title");
    var name = slug(title && title.textContent);
    var bar = document.createElement("div");
    bar.className = "chartdl";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", labels.what);
    ["svg", "png"].forEach(function (fmt) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chart-download";
      b.dataset.format = fmt;
      b.textContent = labels[fmt];
      b.setAttribute("aria-label", labels.what + " " + labels[fmt]);
      b.addEventListener("click", function () {
        var text = svgText(svg);
        if (fmt === "svg") { save(new Blob([text], { type: "image/svg+xml" }), name + ".svg"); return; }
        var vb = svg.viewBox.baseVal, scale = 2;
        var img = new Image();
        img.onload = function () {
          var cv = document.createElement("canvas");
          cv.width = vb.width * scale; cv.height = vb.height * scale;
          var ctx = cv.getContext("2d");
          ctx.fillStyle = "#fff";
          ctx.fillRect(0, 0, cv.width, cv.height);
          ctx.drawImage(img, 0, 0, cv.width, cv.height);
          cv.toBlob(function (blob) { if (blob) save(blob, name + ".png"); }, "image/png");
        };
        img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
      });
      bar.appendChild(b);
    });
    fig.appendChild(bar);
  });
})();
