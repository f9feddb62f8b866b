// Apache ECharts (vendored) for elements marked data-echart="<id of a json_script tag>".
// The data is {"kind": "bar", "title": "...", "labels": [...], "values": [...]}, or a trend
// {"kind": "line", "title": "...", "labels": [...], "series": [{"name": "...", "values": [...]}]}
// (null values leave a gap). With "links": [...], tapping a bar or a point opens its link.
// The element holds a plain list of the same figures, shown when scripts do not run; it is
// replaced here.
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
    // A figure with links opens the rows behind it when its bar or point is tapped.
    if (data.links) {
      chart.on("click", (params) => {
        const href = data.links[params.dataIndex];
        if (href) {
          window.location.assign(href);
        }
      });
    }
    if (data.kind === "line") {
      chart.setOption(lineOption(data, text, fontSize));
      window.addEventListener("resize", () => chart.resize());
      return;
    }
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

  function lineOption(data, text, fontSize) {
    const palette = [styleColor("--accent", "#b22222"), "#1f5fa8", "#2e7d32", "#8a5a00"];
    return {
      aria: { enabled: true, label: { description: data.title } },
      animation: false,
      color: palette,
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { color: text, fontSize: fontSize * 0.8 } },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: {
        type: "category",
        data: data.labels,
        axisLabel: { color: text, fontSize: fontSize * 0.7 },
      },
      yAxis: { type: "value", scale: true, axisLabel: { color: text, fontSize: fontSize * 0.75 } },
      series: data.series.map((line) => ({
        type: "line",
        name: line.name,
        data: line.values,
        connectNulls: false,
        symbolSize: 6,
      })),
    };
  }

  function drawAll(root) {
    root.querySelectorAll("[data-echart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:afterSettle", (event) => drawAll(event.target));
})();
