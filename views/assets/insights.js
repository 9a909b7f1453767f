// Draws the dashboard's charts from the JSON the page carries; the tables beside them hold the same numbers.
(() => {
  const data = JSON.parse(document.getElementById('insights-data').textContent);
  const L = data.labels;
  Chart.defaults.animation = false;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Hiragino Sans', 'Noto Sans JP', Meiryo, sans-serif";
  const colors = ['#19b394', '#3b7dd8', '#e8a33d', '#c0504d', '#8064a2', '#4bacc6', '#9bbb59'];
  const canvas = (id) => document.getElementById(id);
  // A suppressed group has no number: it is drawn as a gap and named in its label.
  const label = (g) => (g.value.suppressed ? `${g.label} (${L.suppressed})` : g.label);
  // Long reason names would squeeze the bars; the table beside has them in full.
  const short = (text) => (text.length > 16 ? `${text.slice(0, 15)}…` : text);
  const responses = (g) => (g.value.suppressed ? null : g.value.responses);

  if (canvas('chart-reasons') && data.total && !data.total.suppressed) {
    const codes = Object.keys(data.reasonLabels).filter((code) => data.total.primaryReasons.some((r) => r.code === code) || data.total.reasons.some((r) => r.code === code));
    const count = (list, code) => list.find((r) => r.code === code)?.count ?? 0;
    new Chart(canvas('chart-reasons'), {
      type: 'bar',
      data: {
        labels: codes.map((code) => short(data.reasonLabels[code])),
        datasets: [
          { label: L.primary, data: codes.map((code) => count(data.total.primaryReasons, code)), backgroundColor: colors[0] },
          { label: L.contributing, data: codes.map((code) => count(data.total.reasons, code)), backgroundColor: colors[1] },
        ],
      },
      options: { indexAxis: 'y', maintainAspectRatio: false },
    });
  }
  if (canvas('chart-enps') && data.total && !data.total.suppressed && data.total.enps) {
    new Chart(canvas('chart-enps'), {
      type: 'bar',
      data: {
        labels: data.total.enps.distribution.map((_n, i) => String(i)),
        datasets: [{ label: L.responses, data: data.total.enps.distribution, backgroundColor: data.total.enps.distribution.map((_n, i) => (i <= 6 ? colors[3] : i <= 8 ? colors[2] : colors[0])) }],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
    });
  }
  if (canvas('chart-trend')) {
    new Chart(canvas('chart-trend'), {
      data: {
        labels: data.trend.map(label),
        datasets: [
          { type: 'bar', label: L.responses, data: data.trend.map(responses), backgroundColor: colors[1], yAxisID: 'y' },
          { type: 'line', label: L.enps, data: data.trend.map((g) => (g.value.suppressed || !g.value.enps ? null : g.value.enps.score)), borderColor: colors[2], backgroundColor: colors[2], yAxisID: 'enps', spanGaps: false },
        ],
      },
      options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true }, enps: { position: 'right', min: -100, max: 100, grid: { drawOnChartArea: false } } } },
    });
  }
  for (const id of ['department', 'tenure', 'exitType', 'regrettable']) {
    if (!canvas(`chart-${id}`)) continue;
    const groups = data.groups[id];
    new Chart(canvas(`chart-${id}`), {
      type: 'bar',
      data: { labels: groups.map(label), datasets: [{ label: L.responses, data: groups.map(responses), backgroundColor: colors[0] }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }
})();
