// The live stream (GET /api/v1/insight/live) and the state it feeds.
//
// EventSource cannot send an Authorization header, so the stream is read
// with fetch through @microsoft/fetch-event-source (a spec-following SSE
// parser over a streamed fetch body). What it does and what is added here:
// - it copies its headers once, so our own `fetch` puts the current access
//   token on every (re)connection, refreshed when it expired;
// - a stream the server ends (after LIVE_STREAM_SECONDS, or when this page
//   fell behind) resolves it without reconnecting: onclose throws Retry so
//   it reconnects, and the new stream starts with a new snapshot;
// - it closes the stream while the tab is hidden and reopens it when shown
//   (a thread of the gateway's is not held for a tab nobody looks at);
// - 401/403 stop it for good (the page goes back to the login).
import { fetchEventSource } from "@microsoft/fetch-event-source";
import { ApiError, accessToken, refresh } from "./api.js";

const LIVE_URL = "/api/v1/insight/live";
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15000;

class Retry extends Error {}

function withToken(input, init) {
  return window.fetch(input, {
    ...init, headers: { ...init.headers, Authorization: "Bearer " + accessToken() },
  });
}

async function refused(response) {
  const body = await response.json().catch(() => null);
  const error = new ApiError(response.status, body);
  if (response.status === 401 && error.code === "TOKEN_EXPIRED") {
    await refresh(); // throws (and signs out) when the session is over
    return new Retry("token refreshed");
  }
  if (response.status === 401 || response.status === 403) return error;
  return new Retry(error.message); // 503 BUSY or no insight: try again later
}

/** Opens the stream; answers a function that closes it. */
export function connectLive({ onSnapshot, onDelta, onStatus }) {
  const controller = new AbortController();
  let wait = FIRST_RETRY_MS;
  fetchEventSource(LIVE_URL, {
    signal: controller.signal,
    fetch: withToken,
    async onopen(response) {
      const type = response.headers.get("content-type") || "";
      if (response.ok && type.startsWith("text/event-stream")) {
        wait = FIRST_RETRY_MS;
        onStatus("live");
        return;
      }
      throw await refused(response);
    },
    onmessage(message) {
      if (message.event === "snapshot") onSnapshot(JSON.parse(message.data));
      else if (message.event === "delta") onDelta(JSON.parse(message.data));
    },
    onclose() {
      throw new Retry("the stream ended");
    },
    onerror(error) {
      if (error instanceof ApiError) {
        onStatus("stopped", error.message);
        throw error; // 401/403: no retry
      }
      onStatus("reconnecting", error.message);
      const now = wait;
      wait = Math.min(wait * 2, MAX_RETRY_MS);
      return now;
    },
  }).catch(() => {});
  return () => controller.abort();
}
