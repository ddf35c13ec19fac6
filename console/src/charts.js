// ECharts, only the parts the console draws (esbuild drops the rest): bars
// and a scatter of the stations on longitude/latitude axes, the county map
// with no tiles (nothing may load from the internet).
import * as echarts from "echarts/core";
import { BarChart, ScatterChart } from "echarts/charts";
import { GridComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([BarChart, ScatterChart, GridComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

const TEXT = "#d8e2f0";
const AXIS = { axisLine: { lineStyle: { color: "#51607a" } }, axisLabel: { color: TEXT },
  splitLine: { lineStyle: { color: "#2a3448" } } };

const charts = new Set();
window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));

export function chartIn(el) {
  const chart = echarts.init(el, null, { renderer: "canvas" });
  charts.add(chart);
  return chart;
}

export function dispose(chart) {
  charts.delete(chart);
  chart.dispose();
}

export function resizeAll() {
  charts.forEach((chart) => chart.resize());
}

export function barOption(names, values, { color = "#e8453c", unit = "" } = {}) {
  return {
    grid: { left: 48, right: 16, top: 16, bottom: 56 },
    tooltip: { trigger: "axis", valueFormatter: (v) => v + unit },
    xAxis: { type: "category", data: names, ...AXIS, axisLabel: { color: TEXT, interval: 0, rotate: names.length > 6 ? 30 : 0 } },
    yAxis: { type: "value", minInterval: 1, ...AXIS },
    series: [{ type: "bar", data: values, itemStyle: { color }, barMaxWidth: 36,
      label: { show: true, position: "top", color: TEXT } }],
    animationDurationUpdate: 300,
  };
}

/** Stations on lng/lat axes (WGS-84), sized by their visits. */
export function mapOption(stations, visitsByStation) {
  const lngs = stations.map((s) => s.lng);
  const lats = stations.map((s) => s.lat);
  const pad = 0.02;
  const bounds = (values) => (values.length ? [Math.min(...values) - pad, Math.max(...values) + pad] : [0, 1]);
  const [minLng, maxLng] = bounds(lngs);
  const [minLat, maxLat] = bounds(lats);
  const point = (s) => [s.lng, s.lat, visitsByStation[s.id] || 0, s.name];
  return {
    title: { show: !stations.length, text: "暂无驿站位置", left: "center", top: "middle",
      textStyle: { color: "#9aa8bf", fontSize: 14, fontWeight: "normal" } },
    grid: { left: 8, right: 8, top: 8, bottom: 8, containLabel: false },
    tooltip: { formatter: (p) => p.value[3] + ":近时段到访 " + p.value[2] + " 次" },
    xAxis: { type: "value", min: minLng, max: maxLng, show: false },
    yAxis: { type: "value", min: minLat, max: maxLat, show: false },
    series: [{
      type: "scatter",
      data: stations.map(point),
      symbolSize: (v) => 8 + Math.sqrt(v[2]) * 6,
      itemStyle: { color: (p) => (p.value[2] > 0 ? "#e8453c" : "#6b7a94"), opacity: 0.85 },
      label: { show: true, formatter: (p) => p.value[3], position: "right", color: TEXT, fontSize: 11 },
      labelLayout: { hideOverlap: true },
    }],
    animationDurationUpdate: 300,
  };
}
