// parley web app: draw the charts, follow a run's progress, check the editor's fields.
// Plain JavaScript, no build step; plotly.js is served by the app itself (/static/plotly.min.js).
"use strict";

function drawCharts() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("div.chart[data-figure]").forEach(function (div) {
    var src = document.getElementById(div.dataset.figure);
    if (!src) return;
    var fig = JSON.parse(src.textContent);
    Plotly.newPlot(div, fig.data, fig.layout, {responsive: true, displaylogo: false});
    div.dataset.drawn = "1";
  });
}

function followRun() {
  var box = document.getElementById("progress");
  if (!box) return;
  var bar = box.querySelector("progress");
  var status = box.querySelector(".status");
  var message = box.querySelector(".message");
  function poll() {
    fetch("/api/runs/" + box.dataset.run, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (run) {
        bar.value = run.progress;
        status.textContent = run.status;
        message.textContent = run.message || "";
        if (run.status === "done" || run.status === "failed") {
          window.location.reload();
        } else {
          setTimeout(poll, 400);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
}

function nearest(points, x) {
  var best = null, dist = Infinity;
  Object.keys(points).forEach(function (k) {
    var d = Math.abs(parseFloat(k) - x);
    if (d < dist) { dist = d; best = points[k]; }
  });
  return best;
}

function checkField(input, table) {
  var rule = input.dataset.check, text = input.value.trim().replace(",", ".");
  var msg = "";
  if (text === "") {
    if (rule === "unit" || rule === "scale" || rule === "positive") msg = "required";
  } else if (!isFinite(Number(text))) {
    msg = "not a number";
  } else {
    var x = Number(text);
    if (rule === "unit" && (x < 0 || x > 1)) msg = "salience must lie between 0 and 1";
    if ((rule === "positive" || rule === "positive-or-empty") && x <= 0) msg = "capability must be positive";
    if (table && (rule === "scale" || rule === "scale-or-empty")) {
      var lo = Number(table.dataset.min), hi = Number(table.dataset.max);
      if (x < lo || x > hi) msg = "lies outside the issue's scale " + lo + "-" + hi;
    }
  }
  var cell = input.parentElement;
  var err = cell.querySelector(".field-err");
  if (msg) {
    if (!err) { err = document.createElement("div"); err.className = "field-err"; err.setAttribute("role", "alert"); input.after(err); }
    err.textContent = msg;
    input.classList.add("bad");
    input.setAttribute("aria-invalid", "true");
  } else {
    if (err) err.remove();
    input.classList.remove("bad");
    input.setAttribute("aria-invalid", "false");
  }
  var hint = cell.querySelector(".label-hint");
  if (hint && table) {
    var points = JSON.parse(table.dataset.points || "{}");
    hint.textContent = (!msg && text !== "") ? ("~ " + (nearest(points, Number(text)) || "")) : "";
    if (hint.textContent === "~ ") hint.textContent = "";
  }
  return !msg;
}

function setupEditor() {
  var form = document.getElementById("editor");
  if (!form) return;
  form.querySelectorAll("input[data-check]").forEach(function (input) {
    var table = input.closest("table.issue");
    if (input.closest("td").querySelector(".label-hint")) checkField(input, table);
    input.addEventListener("input", function () { checkField(input, table); });
  });
}

document.addEventListener("DOMContentLoaded", function () {
  drawCharts();
  followRun();
  setupEditor();
});
