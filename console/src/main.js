// The console's shell: the login, the pages behind #/live, #/queues and
// #/insight, the count of waiting work in the header, and the wall-screen
// mode (larger type; the 大屏 button or ?wall, kept for the tab's session).
import { ApiError, logIn, logOut, signedIn, whenSignedOut } from "./api.js";
import { h, replace, toast } from "./dom.js";
import { insightPage } from "./insightpage.js";
import { livePage } from "./livepage.js";
import { queueCounts, queuesPage } from "./queues.js";
import { resizeAll } from "./charts.js";

const PAGES = { live: livePage, queues: queuesPage, insight: insightPage };
const main = document.getElementById("main");
const nav = document.getElementById("nav");
let leave = () => {};
let vocabulary = null;

function loginPage() {
  nav.hidden = true;
  const form = h("form", { class: "login", id: "login-form" },
    h("h2", {}, "工作人员登录"),
    h("label", {}, "手机号", h("input", { name: "phone", id: "login-phone", inputMode: "numeric",
      autocomplete: "username", required: true, maxLength: 11 })),
    h("label", {}, "密码", h("input", { name: "password", id: "login-password", type: "password",
      autocomplete: "current-password", required: true, maxLength: 64 })),
    h("button", { type: "submit", class: "primary", id: "login-submit" }, "登录"),
    h("p", { class: "error", id: "login-error" }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await logIn(String(data.get("phone")).trim(), String(data.get("password")));
      location.hash = "#/live";
      route();
    } catch (error) {
      form.querySelector(".error").textContent = error instanceof ApiError ? error.message : "无法连接服务器";
    }
  });
  replace(main, form);
}

/** District and occupation codes, from the API's own document (not copied). */
async function loadVocabulary() {
  if (vocabulary) return vocabulary;
  const spec = await fetch("/openapi.json").then((r) => r.json());
  const fields = spec.components.schemas.RegisterRequest.properties;
  vocabulary = { districts: fields.district.enum, occupations: fields.occupation.enum };
  return vocabulary;
}

function showCounts(counts) {
  const total = Object.values(counts).reduce((n, c) => n + (c || 0), 0);
  document.getElementById("queue-total").textContent = total ? String(total) : "";
}

async function route() {
  leave();
  leave = () => {};
  if (!signedIn()) return loginPage();
  nav.hidden = false;
  const [page, ...params] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const name = PAGES[page] ? page : "live";
  for (const link of nav.querySelectorAll("a")) link.classList.toggle("active", link.dataset.page === name);
  const extra = name === "insight" ? await loadVocabulary().catch(() => ({ districts: [], occupations: [] }))
    : showCounts;
  leave = PAGES[name](main, params, extra) || (() => {});
  if (name !== "queues") queueCounts().then(showCounts, () => {});
}

function toggleWall(on = !document.body.classList.contains("wall")) {
  document.body.classList.toggle("wall", on);
  sessionStorage.setItem("hongyi.console.wall", on ? "1" : "");
  setTimeout(resizeAll, 50);
}

whenSignedOut(() => {
  toast("登录已失效,请重新登录", "error");
  route();
});
document.getElementById("logout").addEventListener("click", () => logOut());
document.getElementById("wall-toggle").addEventListener("click", () => toggleWall());
window.addEventListener("hashchange", route);
toggleWall(new URLSearchParams(location.search).has("wall") || Boolean(sessionStorage.getItem("hongyi.console.wall")));
route();

