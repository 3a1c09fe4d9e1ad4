// egdi dashboard: the strategy page's forms. A form with data-json-post
// sends its fields as one JSON object to that URL (same origin,
// Content-Type application/json): a field named a.b.0.c sets
// body.a.b[0].c; empty fields are left out, fields marked data-number are
// numbers, checkboxes are true when checked. On success the page reloads
// and shows the new item; on an error the API's message is shown. With
// accounts, a form carries the session's CSRF token (data-csrf, sent as
// X-CSRF-Token), and a 401 (not signed in) goes to the sign-in page.
(function () {
  "use strict";
  var status = document.querySelector(".form-status");
  var set = function (obj, path, v) {
    var keys = path.split("."), o = obj;
    for (var i = 0; i < keys.length - 1; i++) {
      var k = /^\d+$/.test(keys[i]) ? parseInt(keys[i], 10) : keys[i];
      if (o[k] === undefined) o[k] = /^\d+$/.test(keys[i + 1]) ? [] : {};
      o = o[k];
    }
    var last = keys[keys.length - 1];
    o[/^\d+$/.test(last) ? parseInt(last, 10) : last] = v;
  };
  document.querySelectorAll("form[data-json-post]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = {};
      f.querySelectorAll("input, select").forEach(function (el) {
        if (!el.name) return;
        if (el.type === "checkbox") { if (el.checked) set(body, el.name, true); return; }
        if (el.value === "") return;
        set(body, el.name, el.hasAttribute("data-number") ? Number(el.value) : el.value);
      });
      // A KPI without a country is entered by hand: no binding.
      if (body.kpi) {
        if (!body.kpi.binding || !body.kpi.binding.iso3) delete body.kpi.binding;
        if (!body.kpi.targets) body.kpi.targets = [];
      }
      var headers = { "Content-Type": "application/json" };
      if (f.getAttribute("data-csrf")) headers["X-CSRF-Token"] = f.getAttribute("data-csrf");
      fetch(f.getAttribute("data-json-post"), {
        method: "POST", credentials: "same-origin", headers: headers, body: JSON.stringify(body)
      }).then(function (r) {
        if (r.status === 401) {
          var lang = window.location.pathname.split("/")[1] || "en";
          window.location.assign("/" + lang + "/login?next=" + encodeURIComponent(window.location.pathname));
          return new Promise(function () {});
        }
        return r.json().then(function (j) { return { ok: r.ok, j: j }; });
      }).then(function (res) {
        if (res.ok) {
          if (status) { status.classList.remove("error"); status.textContent = status.getAttribute("data-saved"); }
          var id = body.kpi && body.kpi.id;
          window.location.replace(window.location.pathname + (id ? "#kpi-" + id : ""));
          window.location.reload();
        } else if (status) {
          status.classList.add("error");
          status.textContent = (res.j && res.j.error && res.j.error.message) || "Error";
        }
      }).catch(function (err) {
        if (status) { status.classList.add("error"); status.textContent = String(err); }
      });
    });
  });
})();
