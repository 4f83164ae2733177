// The collection-rate page's 12-month chart, drawn from the JSON the page embeds.
(function () {
  const source = document.getElementById("collection-chart");
  const canvas = document.getElementById("chart-collection");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names[0], data: data.current, borderColor: "#2563eb", spanGaps: true },
        { label: data.names[1], data: data.arrears, borderColor: "#d97706", spanGaps: true },
        { label: data.names[2], data: data.target, borderColor: "#9ca3af", borderDash: [6, 4], pointRadius: 0 },
      ],
    },
    options: { animation: false, scales: { y: { min: 0, max: 100 } } },
  });
})();
