// 精准画像: counts, the tag rules, a segment's size as the filters change,
// a push to a segment and the pushes with their reach and reads (insight's
// routes). Staff see counts and segments only: no worker here.
import { api } from "./api.js";
import { barOption, chartIn, dispose } from "./charts.js";
import { h, replace, toast } from "./dom.js";
import { OCCUPATIONS, number, when } from "./format.js";

const KINDS = { notice: "通知", class: "课程", job: "岗位", lesson: "学习内容", activity: "志愿活动" };
const PUSH_STATUS = { queued: "排队中", sending: "发送中", sent: "已送达" };

export function insightPage(main, _params, vocabulary) {
  const overview = h("section", { class: "panel wide", id: "insight-overview" }, h("h2", {}, "概况"));
  const rules = h("section", { class: "panel", id: "insight-tag-rules" }, h("h2", {}, "标签规则"));
  const segment = h("section", { class: "panel", id: "insight-segment" }, h("h2", {}, "人群与推送"));
  const pushes = h("section", { class: "panel wide", id: "insight-pushes" }, h("h2", {}, "推送记录"));
  replace(main, h("div", { class: "grid insight" }, overview, rules, segment, pushes));
  const charts = [];
  const fail = (panel) => (error) => panel.append(h("p", { class: "error" }, error.message));
  showOverview(overview, charts).catch(fail(overview));
  api("GET", "/insight/tag-rules").then((list) => {
    showRules(rules, list);
    showSegmentForm(segment, vocabulary, list.items, () => showPushes(pushes).catch(fail(pushes)));
  }).catch(fail(rules));
  showPushes(pushes).catch(fail(pushes));
  return () => charts.forEach(dispose);
}

async function showOverview(panel, charts) {
  const o = await api("GET", "/insight/overview");
  const figures = h("div", { class: "figures" },
    [["劳动者", o.workers], ["工会会员", o.members], ["关闭个性化推送", o.opted_out]].map(([label, n]) =>
      h("div", { class: "figure" }, h("strong", {}, number(n)), h("span", {}, label))));
  const district = h("div", { class: "chart" });
  const occupation = h("div", { class: "chart" });
  const tags = h("div", { class: "chart" });
  panel.append(figures, h("div", { class: "chart-row" }, district, occupation, tags));
  const draw = (el, rows, name, color) => {
    const chart = chartIn(el);
    charts.push(chart);
    chart.setOption(barOption(rows.map(name), rows.map((r) => r.count), { color }));
  };
  draw(district, o.by_district || [], (r) => r.value, "#e8453c");
  draw(occupation, o.by_occupation || [], (r) => OCCUPATIONS[r.value] || r.value, "#4c9aff");
  draw(tags, o.by_tag || [], (r) => r.label, "#f0b429");
}

// A condition as a sentence: "最近投递岗位 在最近14天内", "上课次数 等于 0".
const TIME_OPS = { within_days: (n) => `在最近${n}天内`, not_within_days: (n) => `从未,或已超过${n}天` };

function conditionText(c) {
  const op = TIME_OPS[c.op];
  return c.fact_label + " " + (op ? op(c.value) : c.op_label + " " + c.value);
}

function showRules(panel, list) {
  panel.append(list.items.length ? h("ul", { class: "rules" }, list.items.map((rule) =>
    h("li", { "data-tag": rule.tag }, h("b", {}, rule.label), " ", h("code", {}, rule.tag),
      h("p", {}, rule.description),
      h("p", { class: "conditions" }, rule.conditions.map(conditionText).join(";且 ")))))
    : h("p", { class: "empty" }, "还没有标签规则"));
}

function select(name, options, any = "不限") {
  return h("select", { name }, h("option", { value: "" }, any),
    Object.entries(options).map(([value, label]) => h("option", { value }, label)));
}

function filtersOf(form) {
  const data = new FormData(form);
  const filters = {};
  for (const name of ["district", "occupation", "platform"]) {
    if (data.get(name)) filters[name] = data.get(name);
  }
  if (data.get("member")) filters.member = data.get("member") === "yes";
  const tags = data.getAll("tags");
  if (tags.length) filters.tags = tags;
  return filters;
}

function showSegmentForm(panel, vocabulary, tagRules, onPushed) {
  const size = h("strong", { id: "segment-size" }, "—");
  const filters = h("form", { class: "filters", id: "segment-filters" },
    h("label", {}, "街道/镇 ", select("district", Object.fromEntries(vocabulary.districts.map((d) => [d, d])))),
    h("label", {}, "职业 ", select("occupation", Object.fromEntries(vocabulary.occupations.map(
      (o) => [o, OCCUPATIONS[o] || o])))),
    h("label", {}, "平台 ", h("input", { name: "platform", maxLength: 20, placeholder: "如 美团" })),
    h("label", {}, "会员 ", select("member", { yes: "是", no: "否" })),
    h("fieldset", {}, h("legend", {}, "标签(须全部具备)"), tagRules.map((rule) =>
      h("label", {}, h("input", { type: "checkbox", name: "tags", value: rule.tag }), rule.label))));
  let asked = 0;
  const preview = async () => {
    const mine = (asked += 1);
    try {
      const answer = await api("POST", "/insight/segments/preview", { body: filtersOf(filters) });
      if (mine === asked) size.textContent = number(answer.size);
    } catch (error) {
      if (mine === asked) size.textContent = error.message;
    }
  };
  filters.addEventListener("input", preview);
  filters.addEventListener("change", preview);
  preview();
  panel.append(filters, h("p", { class: "segment-size" }, "符合条件的人数:", size), pushForm(filters, onPushed));
}

// Not crypto.randomUUID: it exists only on https or localhost pages.
function newKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0")).join("");
}

function pushForm(filters, onPushed) {
  // One key per push being written: a double click or a retry after a lost
  // answer makes the same push, sent once.
  let key = newKey();
  const form = h("form", { class: "push", id: "push-form" },
    h("h3", {}, "向该人群推送"),
    h("label", {}, "类型 ", h("select", { name: "kind" },
      Object.entries(KINDS).map(([value, label]) => h("option", { value }, label)))),
    h("label", {}, "对象编号 ", h("input", { name: "target_id", maxLength: 40, placeholder: "课程/岗位/活动的编号(通知不填)" })),
    h("label", {}, "标题 ", h("input", { name: "title", maxLength: 40, required: true })),
    h("label", {}, "内容 ", h("textarea", { name: "body", maxLength: 500, rows: 3, required: true })),
    h("label", {}, "链接 ", h("input", { name: "link", maxLength: 500, placeholder: "https://… 或 /classes/…" })),
    h("button", { type: "submit", class: "primary" }, "推送"));
  form.addEventListener("input", () => { key = newKey(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { kind: data.get("kind"), title: data.get("title"), body: data.get("body"),
      filters: filtersOf(filters) };
    if (data.get("target_id")) body.target_id = data.get("target_id");
    if (data.get("link")) body.link = data.get("link");
    try {
      const push = await api("POST", "/insight/pushes", { body, headers: { "Idempotency-Key": key } });
      toast("已提交推送:" + push.title, "ok");
      form.reset();
      key = newKey();
      onPushed();
    } catch (error) {
      toast(error.message + "(" + error.code + ")", "error");
    }
  });
  return form;
}

async function showPushes(panel) {
  const list = await api("GET", "/insight/pushes", { query: { per_page: 50 } });
  const table = h("table", { class: "pushes" },
    h("tr", {}, ["时间", "类型", "标题", "状态", "人群", "送达", "已读"].map((t) => h("th", {}, t))),
    list.items.map((p) => h("tr", { "data-push-id": p.push_id },
      h("td", {}, when(p.created_at)), h("td", {}, KINDS[p.kind] || p.kind), h("td", {}, p.title),
      h("td", {}, PUSH_STATUS[p.status] || p.status), h("td", {}, number(p.audience)),
      h("td", {}, number(p.reach)), h("td", {}, number(p.reads)))));
  replace(panel, h("h2", {}, "推送记录(" + list.total + ")"),
    list.items.length ? table : h("p", { class: "empty" }, "还没有推送"));
}
