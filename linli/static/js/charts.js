// Apache ECharts (vendored) for elements marked data-echart="<id of a json_script tag>".
// The data is {"kind": "bar", "title": "...", "labels": [...], "values": [...]}. The element
// holds a plain list of the same figures, shown when scripts do not run; it is replaced here.
(function () {
  function styleColor(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function draw(element) {
    if (element.dataset.drawn || typeof echarts === "undefined") {
      return;
    }
    const source = document.getElementById(element.dataset.echart);
    if (!source) {
      return;
    }
    const data = JSON.parse(source.textContent);
    element.dataset.drawn = "1";
    element.replaceChildren();
    element.classList.add("echart-drawn");
    const fontSize = parseFloat(getComputedStyle(element).fontSize) || 16;
    const text = styleColor("--text", "#222");
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      aria: { enabled: true, label: { description: data.title } },
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", renderMode: "richText" },
      // Each bar carries its figure, so the value axis stays bare: its labels crowd on a phone.
      xAxis: { type: "value", minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.labels,
        axisLabel: { color: text, fontSize: fontSize * 0.85 },
      },
      series: [
        {
          type: "bar",
          data: data.values,
          itemStyle: { color: styleColor("--accent", "#b22222") },
          label: { show: true, position: "right", color: text, fontSize: fontSize * 0.85 },
        },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  function drawAll(root) {
    root.querySelectorAll("[data-echart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
