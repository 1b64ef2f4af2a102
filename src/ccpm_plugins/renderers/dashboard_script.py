"""The dashboard's script: filters, a paged heatmap, trend lines and response-rate tables.

Plain JavaScript with no library, for current browsers: it uses the DOM's
``replaceChildren``, which Chromium has had since version 86. It reads the
JSON payload described in :mod:`ccpm_plugins.renderers.dashboard_payload`
and writes every data text through ``textContent``, never ``innerHTML``, so
text in the data is never parsed as markup. Each filter change redraws the page from the
filtered rows. Heatmap and rate tables show one page of rows at a time with
a "Showing rows 1–100 of 2,345" note, so a portfolio of any size keeps the
page quick and no row is left out without the note saying so.
"""

from __future__ import annotations

__all__ = ["DASHBOARD_SCRIPT"]

DASHBOARD_SCRIPT = r"""
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var text = data.text;
  var STATUS_CLASSES = ["status-good", "status-satisfactory", "status-unsatisfactory",
    "status-weak", "status-no-data"];
  var pages = { heatmap: 0, rates: 0 };
  var filters = ["year", "region", "country", "cluster", "level"];
  // The national level gives one value per exercise, so the trend means do
  // not weight an exercise by its number of hubs. "" is "All".
  var DEFAULT_FILTERS = { year: "", region: "", country: "", cluster: "", level: "national" };
  var LABEL_GAP = 14;

  function element(tag, content, className) {
    var node = document.createElement(tag);
    if (content !== undefined && content !== null) { node.textContent = String(content); }
    if (className) { node.className = className; }
    return node;
  }

  function svgElement(tag, attributes, content) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) {
      node.setAttribute(name, String(attributes[name]));
    });
    if (content !== undefined) { node.textContent = String(content); }
    return node;
  }

  function formatCount(value) {
    var digits = String(value);
    var grouped = "";
    while (digits.length > 3) {
      grouped = data.number.group + digits.slice(-3) + grouped;
      digits = digits.slice(0, -3);
    }
    return digits + grouped;
  }

  // Half-up rounding to one decimal, as the Python side formats percentages.
  // NOTE: the float sum behind a mean may round differently from Python's
  // decimal rounding when the mean is exactly halfway, such as 62.25.
  function formatPercent(value) {
    if (value === null || !isFinite(value)) { return data.number.none; }
    var rounded = (Math.round(value * 10 + 1e-9) / 10).toFixed(1);
    return data.number.percent.replace("{}", rounded.replace(".", data.number.decimal));
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function setOptions(select, entries) {
    select.replaceChildren();
    var all = element("option", text.all);
    all.value = "";
    select.appendChild(all);
    entries.forEach(function (entry) {
      var option = element("option", entry[1]);
      option.value = entry[0];
      select.appendChild(option);
    });
  }

  // Options in the reader's alphabetical order, such as "Égypte" before "Mali" in French.
  function indexed(values) {
    var collator;
    try {
      collator = new Intl.Collator(data.language, { numeric: true });
    } catch (error) {
      // A well-formed tag that the browser's locale data rejects, such as "en-a".
      collator = new Intl.Collator(undefined, { numeric: true });
    }
    return values.map(function (value, index) { return [String(index), String(value)]; })
      .sort(function (a, b) { return collator.compare(a[1], b[1]); });
  }

  function selected(name) {
    return document.getElementById("filter-" + name).value;
  }

  function filteredRows() {
    var year = selected("year");
    var region = selected("region");
    var country = selected("country");
    var cluster = selected("cluster");
    var level = selected("level");
    var yearValue = year === "" ? null : data.years[Number(year)];
    return data.rows.filter(function (row) {
      var exercise = data.exercises[row[0]];
      if (yearValue !== null && exercise[1] !== yearValue) { return false; }
      if (region !== "" && exercise[2] !== Number(region)) { return false; }
      if (country !== "" && exercise[3] !== Number(country)) { return false; }
      if (cluster !== "" && exercise[4] !== Number(cluster)) { return false; }
      if (level === "national" && row[1] !== null) { return false; }
      if (level === "subnational" && row[1] === null) { return false; }
      return true;
    });
  }

  function rowHeaderCells(tableRow, row) {
    var exercise = data.exercises[row[0]];
    var name = element("th", exercise[0]);
    name.scope = "row";
    name.dir = "auto";
    tableRow.appendChild(name);
    tableRow.appendChild(element("td", exercise[1], "num"));
    [data.countries[exercise[3]], data.clusters[exercise[4]],
      row[1] === null ? text.national : row[1]].forEach(function (value) {
      var cell = element("td", value);
      cell.dir = "auto";
      tableRow.appendChild(cell);
    });
  }

  function pageOf(kind, rows) {
    var size = data.pageSize;
    var last = Math.max(0, Math.ceil(rows.length / size) - 1);
    pages[kind] = Math.min(pages[kind], last);
    var first = pages[kind] * size;
    var shown = rows.slice(first, first + size);
    var note = document.getElementById(kind + "-note");
    note.textContent = rows.length === 0 ? text.noRows : fill(text.showingRows, {
      first: formatCount(first + 1),
      last: formatCount(first + shown.length),
      total: formatCount(rows.length)
    });
    document.getElementById(kind + "-previous").disabled = pages[kind] === 0;
    document.getElementById(kind + "-next").disabled = pages[kind] >= last;
    return shown;
  }

  function drawHeatmap(rows) {
    var body = document.querySelector("#heatmap tbody");
    var fragment = document.createDocumentFragment();
    pageOf("heatmap", rows).forEach(function (row) {
      var tableRow = document.createElement("tr");
      rowHeaderCells(tableRow, row);
      row[6].forEach(function (cell) {
        var td = element("td", null, "cell status-cell " + STATUS_CLASSES[cell[0]]);
        td.appendChild(element("span", cell[2], "score"));
        td.appendChild(element("span", data.statuses[cell[0]], "label"));
        if (cell[3] !== null) {
          td.title = fill(text.respondents, { count: formatCount(cell[3]) });
        }
        tableRow.appendChild(td);
      });
      fragment.appendChild(tableRow);
    });
    body.replaceChildren(fragment);
  }

  // Mean section score per function and year, over the filtered rows.
  function trendMeans(rows) {
    var sums = {};
    rows.forEach(function (row) {
      var year = data.exercises[row[0]][1];
      row[6].forEach(function (cell, position) {
        if (cell[1] === null) { return; }
        var key = data.sections[position][1] + ":" + year;
        var entry = sums[key] || (sums[key] = [0, 0]);
        entry[0] += cell[1];
        entry[1] += 1;
      });
    });
    var years = data.years.filter(function (year) {
      return data.functions.some(function (f) { return sums[f[0] + ":" + year]; });
    });
    var means = data.functions.map(function (f) {
      return years.map(function (year) {
        var entry = sums[f[0] + ":" + year];
        return entry ? entry[0] / entry[1] : null;
      });
    });
    return { years: years, means: means };
  }

  function drawTrendChart(trend) {
    var svg = document.getElementById("trend-chart");
    svg.replaceChildren();
    var left = 70, right = 730, top = 20, bottom = 320;
    var years = trend.years;
    function x(index) {
      return years.length === 1 ? (left + right) / 2
        : left + (right - left) * index / (years.length - 1);
    }
    function y(score) { return bottom - (bottom - top) * score / 100; }

    [0, 25, 50, 75, 100].forEach(function (tick) {
      svg.appendChild(svgElement("line", { x1: left, x2: right, y1: y(tick), y2: y(tick),
        stroke: "#9e9e9e", "stroke-width": 1 }));
      svg.appendChild(svgElement("text", { x: left - 8, y: y(tick) + 4, "text-anchor": "end",
        "font-size": 12 }, formatPercent(tick)));
    });
    years.forEach(function (year, index) {
      svg.appendChild(svgElement("text", { x: x(index), y: bottom + 20, "text-anchor": "middle",
        "font-size": 12 }, year));
    });
    svg.appendChild(svgElement("text", { x: (left + right) / 2, y: bottom + 50,
      "text-anchor": "middle", "font-size": 14, "font-weight": "bold" }, text.year));
    svg.appendChild(svgElement("text", { x: 16, y: (top + bottom) / 2, "text-anchor": "middle",
      "font-size": 14, "font-weight": "bold",
      transform: "rotate(-90 16 " + (top + bottom) / 2 + ")" }, text.meanScore));

    var labels = [];
    trend.means.forEach(function (series, position) {
      var number = data.functions[position][0];
      var group = svgElement("g", { "class": "trend-" + number, "data-function": number });
      var points = [];
      var end = null;
      series.forEach(function (mean, index) {
        if (mean === null) { return; }
        points.push(x(index).toFixed(1) + "," + y(mean).toFixed(1));
        end = { x: x(index), y: y(mean) };
        group.appendChild(svgElement("circle", { cx: x(index), cy: y(mean), r: 4,
          fill: "currentColor" }));
      });
      if (points.length > 1) {
        group.insertBefore(svgElement("polyline", { points: points.join(" "), fill: "none",
          stroke: "currentColor", "stroke-width": 2 }), group.firstChild);
      }
      if (end !== null) {
        labels.push({ group: group, number: number, x: end.x, y: end.y, labelY: end.y });
        svg.appendChild(group);
      }
    });
    spreadLabels(labels, top, bottom);
    labels.forEach(drawEndLabel);
  }

  // Move the end labels of lines that end at the same x apart, LABEL_GAP
  // pixels at least, and keep them between top and bottom. Labels are
  // spread in order of their points, so their order matches the lines'.
  function spreadLabels(labels, top, bottom) {
    var columns = {};
    labels.forEach(function (label) {
      (columns[label.x] || (columns[label.x] = [])).push(label);
    });
    Object.keys(columns).forEach(function (key) {
      var column = columns[key].sort(function (a, b) { return a.y - b.y; });
      column.forEach(function (label, index) {
        var floor = index === 0 ? top : column[index - 1].labelY + LABEL_GAP;
        label.labelY = Math.max(label.y, floor);
      });
      // Labels pushed below the plot move back up as a block.
      var ceiling = bottom;
      for (var index = column.length - 1; index >= 0; index -= 1) {
        column[index].labelY = Math.min(column[index].labelY, ceiling);
        ceiling = column[index].labelY - LABEL_GAP;
      }
    });
  }

  function drawEndLabel(label) {
    if (Math.abs(label.labelY - label.y) > 1) {
      // A leader line ties a moved label to the end of its line.
      label.group.appendChild(svgElement("line", { x1: label.x + 5, y1: label.y,
        x2: label.x + 12, y2: label.labelY, stroke: "currentColor", "stroke-width": 1 }));
    }
    label.group.appendChild(svgElement("text", { x: label.x + 14, y: label.labelY + 4,
      "font-size": 12, "font-weight": "bold", fill: "currentColor",
      "class": "end-label" }, label.number));
  }

  function drawTrendTable(trend) {
    var table = document.getElementById("trend-table");
    var headRow = document.createElement("tr");
    var corner = element("th", text["function"]);
    corner.scope = "col";
    headRow.appendChild(corner);
    trend.years.forEach(function (year) {
      var th = element("th", year, "num");
      th.scope = "col";
      headRow.appendChild(th);
    });
    table.tHead.replaceChildren(headRow);
    var fragment = document.createDocumentFragment();
    trend.means.forEach(function (series, position) {
      var tableRow = document.createElement("tr");
      var th = element("th", data.functions[position][0] + " " + data.functions[position][1]);
      th.scope = "row";
      tableRow.appendChild(th);
      series.forEach(function (mean) {
        tableRow.appendChild(element("td", formatPercent(mean), "num"));
      });
      fragment.appendChild(tableRow);
    });
    table.tBodies[0].replaceChildren(fragment);
  }

  function drawTrends(rows) {
    var trend = trendMeans(rows);
    var empty = document.getElementById("trend-empty");
    empty.hidden = trend.years.length > 0;
    empty.textContent = trend.years.length > 0 ? "" : text.noTrend;
    drawTrendChart(trend);
    drawTrendTable(trend);
  }

  function rateCell(value, label) {
    var td = element("td", null, "num");
    if (value !== null) {
      var track = element("span", null, "bar-track");
      var bar = element("span", null, "bar");
      bar.style.width = Math.min(100, value * 100).toFixed(1) + "%";
      track.setAttribute("aria-hidden", "true");
      track.appendChild(bar);
      td.appendChild(track);
      td.appendChild(document.createTextNode(" "));
    }
    td.appendChild(document.createTextNode(label));
    return td;
  }

  function drawRegionRates(rows) {
    var byRegion = {};
    rows.forEach(function (row) {
      var region = data.exercises[row[0]][2];
      var entry = byRegion[region] || (byRegion[region] = [0, 0, 0, 0, 0]);
      entry[0] += 1;
      if (row[2][0] !== null) { entry[1] += 1; entry[2] += row[2][0]; }
      if (row[2][1] !== null) { entry[3] += 1; entry[4] += row[2][1]; }
    });
    var fragment = document.createDocumentFragment();
    Object.keys(byRegion).map(Number).sort(function (a, b) { return a - b; })
      .forEach(function (region) {
        var entry = byRegion[region];
        var overall = entry[1] ? entry[2] / entry[1] : null;
        var effective = entry[3] ? entry[4] / entry[3] : null;
        var tableRow = document.createElement("tr");
        var th = element("th", data.regions[region]);
        th.scope = "row";
        th.dir = "auto";
        tableRow.appendChild(th);
        tableRow.appendChild(element("td", formatCount(entry[0]), "num"));
        tableRow.appendChild(element("td", formatCount(entry[1]), "num"));
        tableRow.appendChild(rateCell(overall,
          formatPercent(overall === null ? null : overall * 100)));
        tableRow.appendChild(rateCell(effective,
          formatPercent(effective === null ? null : effective * 100)));
        fragment.appendChild(tableRow);
      });
    document.querySelector("#region-rates tbody").replaceChildren(fragment);
  }

  function drawRowRates(rows) {
    var fragment = document.createDocumentFragment();
    pageOf("rates", rows).forEach(function (row) {
      var tableRow = document.createElement("tr");
      rowHeaderCells(tableRow, row);
      tableRow.appendChild(element("td", row[5][0], "num"));
      tableRow.appendChild(element("td", row[5][1], "num"));
      tableRow.appendChild(rateCell(row[2][0], row[3][0]));
      tableRow.appendChild(rateCell(row[2][1], row[3][1]));
      fragment.appendChild(tableRow);
    });
    document.querySelector("#row-rates tbody").replaceChildren(fragment);
  }

  function countExercises(rows) {
    var seen = {};
    rows.forEach(function (row) { seen[row[0]] = true; });
    return Object.keys(seen).length;
  }

  var current = [];

  function update(resetPages) {
    if (resetPages) { pages.heatmap = 0; pages.rates = 0; }
    current = filteredRows();
    document.getElementById("filter-summary").textContent = fill(text.matching, {
      rows: formatCount(current.length),
      exercises: formatCount(countExercises(current))
    });
    drawHeatmap(current);
    drawTrends(current);
    drawRegionRates(current);
    drawRowRates(current);
  }

  function turnPage(kind, step) {
    pages[kind] += step;
    if (kind === "heatmap") { drawHeatmap(current); } else { drawRowRates(current); }
  }

  setOptions(document.getElementById("filter-year"), indexed(data.years));
  setOptions(document.getElementById("filter-region"), indexed(data.regions));
  setOptions(document.getElementById("filter-country"), indexed(data.countries));
  setOptions(document.getElementById("filter-cluster"), indexed(data.clusters));
  setOptions(document.getElementById("filter-level"),
    [["national", text.national], ["subnational", text.subnational]]);
  function resetFilters() {
    filters.forEach(function (name) {
      document.getElementById("filter-" + name).value = DEFAULT_FILTERS[name];
    });
  }
  resetFilters();

  filters.forEach(function (name) {
    document.getElementById("filter-" + name).addEventListener("change", function () {
      update(true);
    });
  });
  // The form's own reset would run after this handler, so the handler sets
  // the default filters itself and redraws at once.
  document.getElementById("filters").addEventListener("reset", function (event) {
    event.preventDefault();
    resetFilters();
    update(true);
  });
  ["heatmap", "rates"].forEach(function (kind) {
    document.getElementById(kind + "-previous").addEventListener("click", function () {
      turnPage(kind, -1);
    });
    document.getElementById(kind + "-next").addEventListener("click", function () {
      turnPage(kind, 1);
    });
  });
  update(true);
})();
"""
