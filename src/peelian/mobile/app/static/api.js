// HTTP to the Peelian API: bearer tokens, refresh on expiry (one refresh at a time, because a refresh
// token used twice revokes its whole family), problem+json refusals as ProblemError, and lost
// connections as TransportFailure (the request may or may not have reached the server).

import * as settings from "./settings.js";

export class TransportFailure extends Error {}

export class ProblemError extends Error {
  constructor(status, body) {
    const type = String(body.type || "").split("/").pop();
    super(body.detail || body.title || `the server answered ${status}`);
    this.status = status;
    this.body = body;
    this.type = type;
    this.action = body.action || null;
  }
}

let refreshing = null;

async function send(method, path, { json, body, headers = {}, auth = true } = {}) {
  const sent = { ...headers };
  const token = settings.value("access_token");
  if (auth && token) sent.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    sent["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(path, { method, headers: sent, body, cache: "no-store", credentials: "omit" });
  } catch (exc) {
    throw new TransportFailure(exc && exc.message ? exc.message : "no connection");
  }
  if (res.status >= 400) {
    let problem = {};
    if (method !== "HEAD") {
      try {
        problem = await res.json();
      } catch {
        problem = { detail: `the server answered ${res.status}` };
      }
    }
    throw new ProblemError(res.status, problem && typeof problem === "object" ? problem : {});
  }
  return res;
}

export async function refresh() {
  if (!refreshing) {
    refreshing = (async () => {
      const res = await send("POST", "/api/v1/auth/refresh", {
        auth: false,
        json: { refresh_token: settings.value("refresh_token") },
      });
      const tokens = await res.json();
      await settings.update({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
    })().finally(() => (refreshing = null));
  }
  return refreshing;
}

// A call that refreshes an expired access token once and tries again.
export async function call(method, path, options = {}) {
  try {
    return await send(method, path, options);
  } catch (exc) {
    const canRefresh = exc instanceof ProblemError && exc.status === 401 && exc.type !== "device-required";
    if (!canRefresh || options.auth === false || !settings.value("refresh_token")) throw exc;
    await refresh();
    return send(method, path, options);
  }
}

export async function json(method, path, options = {}) {
  const res = await call(method, path, options);
  return res.status === 204 ? null : res.json();
}

export function describe(exc) {
  if (exc instanceof TransportFailure) return "No signal: the server could not be reached. Your work is kept on this device.";
  if (exc instanceof ProblemError) {
    const where = (exc.body.errors || []).map((e) => `${e.field || ""} ${e.message || ""}`.trim());
    return [exc.message, ...where].filter(Boolean).join(" — ");
  }
  return exc && exc.message ? exc.message : String(exc);
}
