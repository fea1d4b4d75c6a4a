// The admin dashboard: tiles from the JSON API, actions with a confirmation step,
// and live progress of queued tasks. No inline script: the page's CSP forbids it.
"use strict";

const root = document.getElementById("admin");
const result = document.getElementById("action-result");
const tokenForm = document.getElementById("token-form");
const TOKEN_KEY = "waywo-admin-token";

const ACTIONS = {
  collect: { method: "POST", path: "/api/collect", body: {} },
  extract: { method: "POST", path: "/api/extract", body: {} },
  retry: { method: "POST", path: "/api/comments/retry-failed", body: {} },
  rebuild: { method: "POST", path: "/api/admin/rebuild-vector-index", admin: true },
  "reset-sqlite": { method: "DELETE", path: "/api/admin/reset-sqlite", admin: true },
  "reset-redis": { method: "DELETE", path: "/api/admin/reset-redis", admin: true },
  "reset-all": { method: "DELETE", path: "/api/admin/reset-all", admin: true },
};

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

function show(text, isError) {
  result.textContent = text;
  result.className = isError ? "error" : "ok";
}

async function call(method, path, body, asAdmin) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (asAdmin && token()) headers.Authorization = "Bearer " + token();
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    tokenForm.hidden = false;
  }
  return { status: response.status, data };
}

function fillStats(stats) {
  for (const cell of document.querySelectorAll("[data-stat]")) {
    const value = stats[cell.dataset.stat];
    if (cell.dataset.stat === "redis_connected") {
      cell.textContent = value ? "connected" : "disconnected";
      cell.classList.toggle("bad", !value);
    } else {
      cell.textContent = value === undefined ? "–" : String(value);
    }
  }
  const redisError = document.getElementById("redis-error");
  redisError.hidden = !stats.redis_error;
  redisError.textContent = stats.redis_error ? "Redis: " + stats.redis_error : "";
}

function fillServices(services) {
  for (const card of document.querySelectorAll("[data-service]")) {
    const health = services[card.dataset.service] || {};
    for (const cell of card.querySelectorAll("[data-field]")) {
      const value = health[cell.dataset.field];
      cell.textContent = value === undefined || value === null ? "–" : String(value);
    }
    card.dataset.status = health.status || "unknown";
  }
}

function fillCelery(celery) {
  const error = document.getElementById("celery-error");
  for (const cell of document.querySelectorAll("[data-celery]")) {
    const value = celery[cell.dataset.celery];
    cell.textContent = value === undefined || value === null ? "–" : String(value);
  }
  error.hidden = !celery.error;
  error.textContent = celery.error || "";
}

async function refresh() {
  const [stats, services, celery] = await Promise.all([
    call("GET", "/api/admin/stats"),
    call("GET", "/api/admin/services-health"),
    call("GET", "/api/admin/celery"),
  ]);
  if (stats.data) fillStats(stats.data);
  if (services.data) fillServices(services.data);
  if (celery.data) fillCelery(celery.data);
}

function describe(status) {
  const progress = status.progress ? " " + JSON.stringify(status.progress) : "";
  return "Task " + status.state.toLowerCase() + progress;
}

async function follow(statusUrl) {
  for (;;) {
    const { data } = await call("GET", statusUrl);
    if (!data) return;
    show(describe(data), data.state === "FAILURE");
    if (data.state === "SUCCESS" || data.state === "FAILURE") {
      refresh();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function run(name) {
  const action = ACTIONS[name];
  show("Working…", false);
  const { status, data } = await call(action.method, action.path, action.body, action.admin);
  const message = (data && (data.message || data.detail)) || "HTTP " + status;
  if (status === 202 && data.status_url) {
    show("Queued task " + data.task_id, false);
    follow(data.status_url);
    return;
  }
  const failed = status >= 300;
  const errors = data && data.errors ? " " + data.errors.join("; ") : "";
  show((failed ? "Failed: " : "Done: ") + message + errors, failed);
  refresh();
}

function askFirst(button) {
  const panel = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = button.dataset.confirm;
  panel.hidden = false;
  panel.dataset.action = button.dataset.action;
}

document.getElementById("confirm-yes").addEventListener("click", () => {
  const panel = document.getElementById("confirm");
  panel.hidden = true;
  run(panel.dataset.action);
});
document.getElementById("confirm-no").addEventListener("click", () => {
  document.getElementById("confirm").hidden = true;
  show("Cancelled.", false);
});
for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () =>
    button.dataset.confirm ? askFirst(button) : run(button.dataset.action));
}
tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, document.getElementById("token-input").value);
  tokenForm.hidden = true;
  show("Token saved for this tab.", false);
});

if (root.dataset.tokenRequired === "true" && !token()) tokenForm.hidden = false;
refresh();
setInterval(refresh, 10000);
