/* Dashboards: draws each chart from the JSON specs; the tables under them hold the same
   rows, so the page is complete without this file. Clicking a bar opens its list. */
(function () {
  "use strict";
  var COLOURS = { red: "#c0392b", yellow: "#d4a017", green: "#2e8b57", closed: "#2f6fb0", none: "#9aa0a6" };
  var SERIES_COLOURS = ["#2f6fb0", "#2e8b57", "#c0392b", "#8e6bbf", "#d4a017", "#5b7083", "#e67e22", "#16a085"];

  function option(spec) {
    var names = spec.rows.map(function (r) { return r[0]; });
    var base = {
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      color: spec.colours && spec.colours.length ? spec.colours : SERIES_COLOURS,
      aria: { enabled: true }
    };
    if (spec.kind === "line") {
      base.xAxis = { type: "category", data: names };
      base.yAxis = { type: "value" };
      base.series = [{ name: spec.columns[1], type: "line", data: spec.rows.map(function (r) { return r[1]; }) }];
      return base;
    }
    if (spec.kind === "timeline") {
      base.xAxis = { type: "value", name: spec.columns[1] };
      base.yAxis = { type: "category", data: names, inverse: true, axisLabel: { width: 220, overflow: "truncate" } };
      base.series = [{
        name: spec.columns[1], type: "bar",
        data: spec.rows.map(function (r) { return { value: r[1], itemStyle: { color: COLOURS[r[4]] || COLOURS.none } }; }),
        markLine: { symbol: "none", data: [{ xAxis: 0 }], label: { formatter: "今天" } }
      }];
      return base;
    }
    base.xAxis = { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } };
    base.yAxis = { type: "value" };
    base.series = spec.columns.slice(1).map(function (col, i) {
      return { name: col, type: "bar", data: spec.rows.map(function (r) { return r[i + 1]; }) };
    });
    if (spec.key === "lights") {
      base.color = [COLOURS.red, COLOURS.yellow, COLOURS.green];
      base.series.forEach(function (s) { s.stack = "lights"; });
    }
    return base;
  }

  function draw() {
    var holder = document.getElementById("chart-specs");
    if (!holder || !window.echarts) { return; }
    JSON.parse(holder.textContent).forEach(function (spec) {
      var el = document.querySelector('[data-chart="' + spec.key + '"]');
      if (!el || !spec.rows.length) { return; }
      if (spec.kind === "timeline") { el.classList.add("chart--tall"); }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec));
      chart.on("click", function (params) {
        var links = spec.links[params.dataIndex] || [];
        var url = links[spec.kind === "timeline" ? 0 : params.seriesIndex + 1] || links[0];
        if (url) { window.location.href = url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      el.setAttribute("data-ready", "");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
