// Draws every <div class="chart" data-src="..."> with uPlot from the JSON the dashboard serves.
document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll('div.chart[data-src]')) {
    fetch(el.dataset.src, { credentials: 'same-origin' }).then((r) => r.json()).then((d) => {
      if (d.error) { el.textContent = d.error; return; }
      const colours = ['#1565c0', '#c62828', '#2e7d32', '#8e24aa', '#ef6c00', '#00838f', '#6d4c41', '#283593', '#ad1457', '#558b2f', '#4e342e', '#37474f'];
      const time = d.time !== false;
      new uPlot({
        width: Math.min(1100, el.clientWidth || 900), height: 300, title: el.dataset.title || '',
        scales: { x: { time } }, axes: [{}, { size: 80 }],
        series: [{}, ...d.labels.map((label, i) => ({ label, stroke: colours[i % colours.length], width: 1.5, spanGaps: true }))],
      }, [d.x, ...d.series], el);
      el.dataset.drawn = 'true';
    });
  }
});
