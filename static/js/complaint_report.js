// Charts of the monthly complaint statistics page: complaints per category and the
// 12-period trend. The figures come from the report's frozen snapshot (json_script).
(function () {
  "use strict";
  var source = document.getElementById("report-chart");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new Chart(document.getElementById("chart-categories"), {
    type: "bar",
    data: {
      labels: data.categories,
      datasets: [{ label: data.labels.count, data: data.counts, backgroundColor: "#4a7bb7" }],
    },
    options: { animation: false, plugins: { legend: { display: false } },
               scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  new Chart(document.getElementById("chart-trend"), {
    type: "bar",
    data: {
      labels: data.periods,
      datasets: [
        { type: "bar", label: data.labels.count, data: data.totals, yAxisID: "count",
          backgroundColor: "#c9d6e8", order: 2 },
        { type: "line", label: data.labels.valid, data: data.valid, yAxisID: "rate",
          borderColor: "#b74a4a", spanGaps: true, order: 1 },
        { type: "line", label: data.labels.satisfied, data: data.satisfied, yAxisID: "rate",
          borderColor: "#4aa36b", spanGaps: true, order: 1 },
        { type: "line", label: data.labels.on_time, data: data.on_time, yAxisID: "rate",
          borderColor: "#d79a2b", spanGaps: true, order: 1 },
      ],
    },
    options: {
      animation: false,
      scales: {
        count: { position: "left", beginAtZero: true, ticks: { precision: 0 } },
        rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
