// 实时需求: the live panels (docs/live-demand.md), fed by the stream; the county map
// and the open problems come from the stations API.
import { allPages } from "./api.js";
import { barOption, chartIn, dispose, mapOption } from "./charts.js";
import { h, replace } from "./dom.js";
import { hourOf, number, when } from "./format.js";
import { connectLive } from "./live.js";
import { LiveState } from "./livestate.js";

const VISIT_HOURS = 6; // insight's LIVE_VISIT_HOURS default: what the snapshot holds
const MAX_CLASSES = 24;
const STATUS_TEXT = { live: "实时连接中", reconnecting: "正在重新连接…", stopped: "连接已停止" };

function panel(id, title, ...body) {
  return h("section", { class: "panel", id }, h("h2", {}, title), ...body);
}

function figure(label, id) {
  return h("div", { class: "figure" }, h("strong", { id, "data-figure": id }, "—"),
    h("span", {}, label));
}

function setFigure(id, value) {
  const el = document.getElementById(id);
  const text = number(value);
  if (el && el.textContent !== text) {
    el.textContent = text;
    flash(el);
  }
}

function flash(el) {
  el.classList.remove("changed");
  void el.offsetWidth; // restart the animation
  el.classList.add("changed");
}

export function livePage(main) {
  const state = new LiveState();
  const changedAt = new Map(); // class id -> when its seats last changed here
  const view = { stations: [], status: null };
  const status = h("p", { class: "live-status", id: "live-status" }, "正在连接…");
  const classes = h("div", { class: "class-cards", id: "class-cards" });
  const mapEl = h("div", { class: "chart map", id: "station-map" });
  const hoursEl = h("div", { class: "chart small", id: "visit-hours" });
  const quizEl = h("div", { class: "chart", id: "quiz-chart" });
  const problems = h("ul", { class: "problems", id: "open-problems" });
  replace(main, h("div", { class: "live" }, status, h("div", { class: "grid" },
    panel("panel-class-seats", "盐工学堂 · 抢座中(剩余座位)", classes),
    panel("panel-station-visits", "驿站到访 · 近 " + VISIT_HOURS + " 小时", mapEl, hoursEl),
    panel("panel-station-problems", "驿站问题",
      figure("今日反馈", "fig-problems-today"), problems),
    panel("panel-volunteering", "志愿先锋 · 本周",
      h("div", { class: "figures" }, figure("报名人次", "fig-signups"), figure("确认时长(小时)", "fig-hours"))),
    panel("panel-jobs", "驿路共富 · 今日",
      h("div", { class: "figures" }, figure("投递简历", "fig-applications"), figure("逾期未回复", "fig-lapsed"))),
    panel("panel-quiz", "答题闯关 · 今日分街道通过", quizEl),
    panel("panel-points", "积分 · 今日发放", figure("积分", "fig-points")))));
  const charts = { map: chartIn(mapEl), hours: chartIn(hoursEl), quiz: chartIn(quizEl) };

  let frame = 0;
  const render = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => draw(state, view, charts, classes, changedAt, problems));
  };
  let reloadTimer = 0;
  const reloadStations = () => loadStations(view).then(render, () => {});
  reloadStations();
  const stop = connectLive({
    onSnapshot(snapshot) {
      state.takeSnapshot(snapshot);
      render();
    },
    onDelta(delta) {
      if (!state.apply(delta)) return;
      if (delta.panel === "class_seats") changedAt.set(delta.key, Date.now());
      if (delta.panel === "station_problems") {
        clearTimeout(reloadTimer); // a burst of reports: one reload
        reloadTimer = setTimeout(reloadStations, 1000);
      }
      render();
    },
    onStatus(kind, detail) {
      status.textContent = STATUS_TEXT[kind] + (detail && kind !== "live" ? "(" + detail + ")" : "");
      status.dataset.state = kind;
    },
  });
  return () => {
    stop();
    clearTimeout(reloadTimer);
    cancelAnimationFrame(frame);
    Object.values(charts).forEach(dispose);
  };
}

async function loadStations(view) {
  const items = await allPages("/stations", { system: "wgs84" });
  view.stations = items.map((s) => ({
    id: s.id, name: s.name, lng: s.position.lng, lat: s.position.lat,
    problems: (s.status && s.status.problems) || [],
  }));
}

function draw(state, view, charts, classes, changedAt, problems) {
  drawClasses(state, classes, changedAt);
  drawVisits(state, view, charts);
  drawProblems(state, view, problems);
  setFigure("fig-signups", state.value("volunteering_week", "signups"));
  setFigure("fig-hours", state.value("volunteering_week", "hours"));
  setFigure("fig-applications", state.value("job_applications", "submitted"));
  setFigure("fig-lapsed", state.value("job_applications", "lapsed"));
  setFigure("fig-points", state.value("points_today", "awarded"));
  const quiz = state.entries("quiz_by_district").sort((a, b) => b[1] - a[1]);
  charts.quiz.setOption(barOption(quiz.map(([d]) => d), quiz.map(([, n]) => n), { color: "#f0b429" }));
}

function drawClasses(state, container, changedAt) {
  const shown = state.entries("class_seats")
    .sort(([a, x], [b, y]) => (changedAt.get(b) || 0) - (changedAt.get(a) || 0)
      || String(x.starts_at).localeCompare(String(y.starts_at)))
    .slice(0, MAX_CLASSES);
  const cards = new Map([...container.children].map((el) => [el.dataset.classId, el]));
  const ordered = shown.map(([id, value]) => updateCard(cards.get(id) || classCard(id), value));
  if (!ordered.length) ordered.push(h("p", { class: "empty" }, "暂无开放预约的课程"));
  container.replaceChildren(...ordered);
}

function classCard(id) {
  return h("article", { class: "class-card", "data-class-id": id },
    h("h3", {}), h("p", { class: "when" }),
    h("div", { class: "seats" },
      h("strong", { class: "seats-left", id: "seats-left-" + id, "data-class-id": id }),
      h("span", { class: "of" })),
    h("p", { class: "waitlist" }));
}

function updateCard(card, value) {
  card.querySelector("h3").textContent = value.title;
  card.querySelector(".when").textContent = "开课 " + when(value.starts_at);
  const left = card.querySelector(".seats-left");
  const text = String(value.seats_left);
  if (left.textContent !== text) {
    if (left.textContent) flash(left);
    left.textContent = text;
    left.dataset.seatsLeft = text;
  }
  card.classList.toggle("full", value.seats_left <= 0);
  card.querySelector(".of").textContent = "/ " + value.seats + " 座";
  card.querySelector(".waitlist").textContent = value.waitlist ? "候补 " + value.waitlist + " 人" : "";
  return card;
}

function drawVisits(state, view, charts) {
  const since = Date.now() - VISIT_HOURS * 3600 * 1000;
  const byStation = {};
  const byHour = {};
  for (const [, value] of state.entries("station_visits")) {
    const hour = Date.parse(value.hour);
    if (hour + 3600 * 1000 <= since) continue; // the window moved on
    byStation[value.station_id] = (byStation[value.station_id] || 0) + value.visits;
    byHour[value.hour] = (byHour[value.hour] || 0) + value.visits;
  }
  charts.map.setOption(mapOption(view.stations, byStation));
  const hours = lastHours(VISIT_HOURS);
  const counts = hours.map((hour) => Object.entries(byHour)
    .filter(([iso]) => Math.abs(Date.parse(iso) - hour) < 1000).reduce((n, [, v]) => n + v, 0));
  charts.hours.setOption(barOption(hours.map((t) => hourOf(new Date(t).toISOString())), counts,
    { color: "#4c9aff" }));
}

function lastHours(count) {
  const hour = 3600 * 1000;
  const now = Math.floor(Date.now() / hour) * hour;
  return Array.from({ length: count }, (_, i) => now - (count - 1 - i) * hour);
}

function drawProblems(state, view, list) {
  const today = state.entries("station_problems").reduce((n, [, v]) => n + (v.reported_today || 0), 0);
  setFigure("fig-problems-today", today);
  const open = view.stations.filter((s) => s.problems.length);
  replace(list, open.length ? open.map((s) => h("li", { "data-station-id": s.id },
    h("b", {}, s.name), ":",
    s.problems.map((p) => p.label + "(" + p.confirmations + " 人反馈," + p.age_minutes + " 分钟前)").join("、")))
    : h("li", { class: "empty" }, "当前没有未处理的问题"));
}

