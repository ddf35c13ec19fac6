// The gateway's API as the console uses it: the staff session (kept in
// sessionStorage, so it ends with the tab and is not shared with other
// tabs), one refresh when the 15-minute access token expires, and the one
// error body turned into an ApiError.
const SESSION_KEY = "hongyi.console.session";
const API = "/api/v1";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || "请求失败(" + status + ")");
    this.status = status;
    this.code = (body && body.error) || "HTTP_" + status;
    this.details = body && body.details;
  }
}

let onSignedOut = () => {};
let refreshing = null;

export function whenSignedOut(callback) {
  onSignedOut = callback;
}

function stored() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY)) || null;
  } catch {
    return null;
  }
}

function keep(tokens) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    access_token: tokens.access_token, refresh_token: tokens.refresh_token,
  }));
}

export function accessToken() {
  const session = stored();
  return session ? session.access_token : null;
}

/** The roles the token names (the gateway checks them again on every call). */
export function rolesOf(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)).roles || [];
  } catch {
    return [];
  }
}

async function send(method, path, { body, query, headers } = {}) {
  const url = API + path + (query ? "?" + new URLSearchParams(clean(query)) : "");
  const token = accessToken();
  const response = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(token ? { Authorization: "Bearer " + token } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function clean(query) {
  return Object.fromEntries(Object.entries(query).filter(
    ([, value]) => value !== undefined && value !== null && value !== ""));
}

/** A call with the staff session; an expired token is refreshed once. */
export async function api(method, path, options) {
  try {
    return await send(method, path, options);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "TOKEN_EXPIRED") throw error;
    await refresh();
    return send(method, path, options);
  }
}

/** A new token pair (one request however many callers wait for it). */
export function refresh() {
  refreshing = refreshing || (async () => {
    const session = stored();
    try {
      if (!session) throw new ApiError(401, { error: "AUTH_REQUIRED", message: "请先登录" });
      keep(await send("POST", "/auth/refresh", { body: { refresh_token: session.refresh_token } }));
    } catch (error) {
      signOut();
      throw error;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function logIn(phone, password) {
  const tokens = await send("POST", "/auth/login", { body: { phone, password } });
  if (!rolesOf(tokens.access_token).includes("union_staff")) {
    throw new ApiError(403, { error: "FORBIDDEN", message: "该账号不是工会工作人员,无法使用工作台" });
  }
  keep(tokens);
}

export async function logOut() {
  const session = stored();
  sessionStorage.removeItem(SESSION_KEY);
  if (session) {
    await send("POST", "/auth/logout", { body: { refresh_token: session.refresh_token } })
      .catch(() => {});
  }
  onSignedOut();
}

export function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
  onSignedOut();
}

export function signedIn() {
  return Boolean(accessToken());
}

/** Every page of a list route (per_page 100), up to ``limit`` items. */
export async function allPages(path, query = {}, limit = 1000) {
  const items = [];
  for (let page = 1; items.length < limit; page += 1) {
    const answer = await api("GET", path, { query: { ...query, page, per_page: 100 } });
    items.push(...answer.items);
    if (answer.items.length < 100 || items.length >= (answer.total ?? Infinity)) break;
  }
  return items;
}
