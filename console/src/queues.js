// 待办: the five work queues, each a list from an existing route, its items
// and the actions the existing API offers on them. The gateway and services
// decide; this page only asks.
import { allPages, api } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { OCCUPATIONS, when } from "./format.js";

const reason = (text) => ({ reason: text });

export const QUEUES = [
  {
    id: "membership", title: "入会申请", path: "/membership/applications", query: { status: "pending" },
    key: (a) => a.id,
    line: (a) => [a.name, a.phone, a.district, "申请于 " + when(a.applied_at)],
    actions: [
      { id: "approve", label: "批准入会", run: (a) => api("POST", `/membership/applications/${a.id}/approve`) },
      { id: "reject", label: "驳回", needsReason: true,
        run: (a, text) => api("POST", `/membership/applications/${a.id}/reject`, { body: reason(text) }) },
    ],
  },
  {
    id: "employers", title: "企业认证", path: "/employers", query: { status: "pending" },
    key: (e) => e.employer_id,
    line: (e) => [e.name, e.credit_code, e.district, "登记于 " + when(e.registered_at)],
    actions: [
      { id: "verify", label: "认证通过",
        run: (e) => api("POST", `/employers/${e.employer_id}/decision`, { body: { decision: "verified" } }) },
      { id: "reject", label: "驳回", needsReason: true,
        run: (e, text) => api("POST", `/employers/${e.employer_id}/decision`,
          { body: { decision: "rejected", reason: text } }) },
    ],
  },
  {
    id: "postings", title: "岗位审核", path: "/jobs/review", query: { status: "pending_review" },
    key: (j) => j.job_id,
    line: (j) => [j.title, j.employer && j.employer.name, (j.fee_words || []).join("、")],
    actions: [
      { id: "approve", label: "通过并上线",
        run: (j) => api("POST", `/jobs/${j.job_id}/decision`, { body: { decision: "approve" } }) },
      { id: "reject", label: "驳回", needsReason: true,
        run: (j, text) => api("POST", `/jobs/${j.job_id}/decision`, { body: { decision: "reject", reason: text } }) },
    ],
  },
  {
    id: "reports", title: "岗位举报", path: "/job-reports", query: { status: "open" },
    key: (r) => r.report_id,
    line: (r) => [r.title, r.kind, "举报于 " + when(r.reported_at)],
    actions: [
      { id: "dismiss", label: "不予处理(关闭举报)",
        run: (r) => api("POST", `/job-reports/${r.report_id}/dismissal`) },
      { id: "takedown", label: "下架该岗位", needsReason: true,
        run: (r, text) => api("POST", `/jobs/${r.job_id}/takedown`, { body: reason(text) }) },
    ],
  },
  {
    id: "hours", title: "志愿时长确认", path: "/volunteer-hours/pending",
    key: (e) => e.signup_id,
    line: (e) => [e.contact_name, e.activity_title, "服务 " + (e.hours ?? "—") + " 小时",
      e.flag ? "⚠ " + e.flag : ""],
    actions: [
      { id: "confirm", label: "确认时长",
        run: (e) => api("POST", `/volunteer-activities/${e.activity_id}/hours/confirmations`,
          { body: { signup_ids: [e.signup_id] } }) },
      { id: "decline", label: "不予确认", needsReason: true,
        run: (e, text) => api("POST", `/volunteer-activities/${e.activity_id}/signups/${e.signup_id}/hours/decline`,
          { body: reason(text) }) },
    ],
  },
];

async function countOf(queue) {
  const page = await api("GET", queue.path, { query: { ...queue.query, per_page: 1 } });
  return page.total;
}

function itemsOf(queue) {
  return allPages(queue.path, queue.query, 200);
}

/** {queue id: count}; a queue whose route failed counts as null. */
export async function queueCounts() {
  const counts = await Promise.all(QUEUES.map((q) => countOf(q).catch(() => null)));
  return Object.fromEntries(QUEUES.map((q, i) => [q.id, counts[i]]));
}

export function queuesPage(main, [queueId, itemId], onCounts) {
  const queue = QUEUES.find((q) => q.id === queueId) || QUEUES[0];
  const tabs = h("nav", { class: "queue-tabs" });
  const list = h("div", { class: "queue-list", id: "queue-list", "data-queue": queue.id }, "加载中…");
  const detail = h("div", { class: "queue-detail", id: "queue-detail" });
  replace(main, h("div", { class: "queues" }, tabs, list, detail));
  const refresh = async () => {
    const counts = await queueCounts();
    onCounts(counts);
    replace(tabs, QUEUES.map((q) => h("a", {
      href: "#/queues/" + q.id, class: q.id === queue.id ? "active" : "", "data-queue-tab": q.id,
    }, q.title, h("span", { class: "badge", "data-count": q.id }, counts[q.id] ?? "!"))));
    const items = await itemsOf(queue);
    showList(queue, items, list);
    const chosen = items.find((item) => queue.key(item) === itemId);
    if (chosen) showDetail(queue, chosen, detail, refresh);
    else replace(detail, h("p", { class: "empty" }, itemId ? "该事项已处理或不存在" : "选择左侧一项查看并处理"));
  };
  refresh().catch((error) => replace(list, h("p", { class: "error" }, error.message)));
  return () => {};
}

function showList(queue, items, list) {
  replace(list, h("h2", {}, queue.title + "(" + items.length + ")"),
    items.length ? h("ul", {}, items.map((item) => h("li", {},
      h("a", { href: `#/queues/${queue.id}/${encodeURIComponent(queue.key(item))}`,
        "data-item-id": queue.key(item) },
      queue.line(item).filter(Boolean).join(" · ")))))
      : h("p", { class: "empty" }, "没有待处理的事项"));
}

function showDetail(queue, item, detail, refresh) {
  const reasonBox = h("textarea", { id: "action-reason", rows: 2, maxLength: 200,
    placeholder: "驳回、不予确认或下架时须填写理由" });
  const act = async (action, button) => {
    const text = reasonBox.value.trim();
    if (action.needsReason && !text) return toast("请填写理由", "error");
    button.disabled = true;
    try {
      await action.run(item, text);
      toast(action.label + ":已完成", "ok");
      location.hash = "#/queues/" + queue.id;
    } catch (error) {
      toast(error.message + "(" + error.code + ")", "error");
      button.disabled = false;
      refresh();
    }
  };
  replace(detail, h("h2", {}, queue.title), fieldsTable(item), reasonBox,
    h("div", { class: "actions" }, queue.actions.map((action) => {
      const button = h("button", { type: "button", "data-action": action.id,
        class: action.needsReason ? "secondary" : "primary" }, action.label);
      button.addEventListener("click", () => act(action, button));
      return button;
    })));
}

const LABELS = {
  name: "姓名", phone: "手机", occupation: "职业", platform: "平台", district: "街道/镇",
  employer: "单位", note: "备注", applied_at: "申请时间", title: "标题", credit_code: "统一社会信用代码",
  address: "地址", registered_at: "登记时间", description: "描述", fee_words: "待审原因", kind: "类型",
  detail: "详情", reported_at: "举报时间", contact_name: "联系人", activity_title: "活动",
  starts_at: "班次开始", ends_at: "班次结束", checked_in_at: "签到", checked_out_at: "签退",
  flag: "提示", hours: "时长", status: "状态",
};

// What a work queue's item may be waiting for, as staff read it.
const STATES = { pending: "待审核", pending_review: "待审核", open: "待处理" };

function shown(key, value) {
  if (key === "occupation") return OCCUPATIONS[value] || value;
  if (key === "status") return STATES[value] || value;
  if (key.endsWith("_at")) return when(value);
  if (key === "hours") return value + " 小时(待确认)";
  if (Array.isArray(value)) return value.join("、");
  if (value && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function fieldsTable(item) {
  const rows = Object.entries(LABELS).filter(([key]) => item[key] !== undefined && item[key] !== null
    && item[key] !== "");
  return h("table", { class: "fields" }, rows.map(([key, label]) =>
    h("tr", {}, h("th", {}, label), h("td", {}, shown(key, item[key])))));
}
