// The country profile page: its print button and its charts (kept out of the page itself,
// which its Content-Security-Policy allows no inline script).
(function () {
  document.getElementById('print-profile').addEventListener('click', function () { window.print(); });
  document.querySelectorAll('.profile-chart').forEach(function (el) {
    var figure = JSON.parse(document.getElementById(el.id + '-figure').textContent);
    Plotly.newPlot(el, figure.data, figure.layout, {staticPlot: true, responsive: false});
  });
})();
