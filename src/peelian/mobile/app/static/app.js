// The officer app: sign-in and device registration, the PIN lock, the status bar (unsent count and
// last sync, always shown), sync triggers, and the hash routes to each page.

import * as api from "./api.js";
import * as device from "./device.js";
import { alertBox, button, field, page, panel } from "./ui.js";
import * as pages from "./pages.js";
import * as settings from "./settings.js";
import * as sync from "./sync.js";
import { formatTime } from "./util.js";
import * as vault from "./vault.js";

const main = document.getElementById("main");
const memory = {}; // the sign-in in progress: never written anywhere
const SYNC_EVERY_MS = 60000;
const LOCK_AFTER_MS = 15 * 60000;
const REFRESHED_AFTER_SYNC = ["", "#/", "#/briefings", "#/outbox"];
let lastActivity = Date.now();

async function status() {
  const net = document.getElementById("net");
  net.textContent = navigator.onLine ? "Online" : "Offline";
  net.className = `govuk-tag ${navigator.onLine ? "govuk-tag--green" : "govuk-tag--grey"}`;
  const unsent = document.getElementById("unsent");
  const last = document.getElementById("last-sync");
  if (!vault.unlocked()) {
    unsent.textContent = String(await vault.count(["outbox"]));
    last.textContent = "locked";
    document.getElementById("app-nav").hidden = true;
    return;
  }
  const c = await sync.counts();
  unsent.textContent = String(c.unsent);
  document.getElementById("held").textContent = c.held ? ` (${c.held} need you)` : "";
  document.getElementById("files").textContent = c.files ? ` · files waiting: ${c.files}` : "";
  last.textContent = formatTime(settings.value("last_sync"));
  document.getElementById("app-nav").hidden = false;
  const error = settings.value("last_error");
  document.getElementById("sync-error").textContent = error ? `Last sync stopped: ${error}` : "";
}

export async function runSync() {
  if (!vault.unlocked() || !settings.value("refresh_token") || settings.value("needs_sign_in")) return null;
  try {
    const report = await sync.sync();
    await status();
    if (REFRESHED_AFTER_SYNC.includes(location.hash)) route(); // never a form being filled in
    return report;
  } catch {
    await status(); // the reason is in the status bar; the data stays on the device
    if (settings.value("needs_sign_in")) route();
    return null;
  }
}

// ----- first use: sign in, set the PIN, register the device ------------------------------------
function showSignIn(message) {
  page(main, "Sign in", [message ? alertBox(message) : null]);
  const form = document.createElement("form");
  form.id = "sign-in";
  form.append(
    field("Username", "username", { autocomplete: "username" }),
    field("Password", "password", { type: "password", autocomplete: "current-password" }),
    field("Code from your authenticator app", "totp", { inputmode: "numeric", autocomplete: "one-time-code" }),
    button("Sign in", { type: "submit" }),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    try {
      const tokens = await device.signIn(data.username.trim().toLowerCase(), data.password, data.totp.trim());
      Object.assign(memory, { username: data.username.trim().toLowerCase(), password: data.password, access: tokens.access_token });
      showSetPin();
    } catch (exc) {
      showSignIn(api.describe(exc));
    }
  });
  main.append(form);
}

function showSetPin(message) {
  page(main, "Set your PIN", [
    message ? alertBox(message) : null,
    panel("Your PIN unlocks this app. Everything it keeps on this device is encrypted with a key made from it."),
  ]);
  const form = document.createElement("form");
  form.id = "set-pin";
  form.append(
    field("PIN (at least 6 digits)", "pin", { type: "password", inputmode: "numeric", autocomplete: "new-password" }),
    field("PIN again", "pin2", { type: "password", inputmode: "numeric", autocomplete: "new-password" }),
    button("Set PIN", { type: "submit" }),
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { pin, pin2 } = Object.fromEntries(new FormData(form));
    if (!/^\d{6,}$/.test(pin)) return showSetPin("The PIN must be at least 6 digits.");
    if (pin !== pin2) return showSetPin("The two PINs are different.");
    await vault.create(pin);
    await settings.load();
    await settings.update({ username: memory.username });
    navigator.storage?.persist?.(); // ask the browser not to evict the outbox
    showDevice();
  });
  main.append(form);
}

async function showDevice(message) {
  if (!settings.value("registered") && memory.access) {
    try {
      await device.register(settings.value("username"), memory.access);
      return finishSignIn();
    } catch (exc) {
      delete memory.access;
      message = api.describe(exc);
    }
  }
  const registered = settings.value("registered");
  page(main, registered ? "Sign in with this device" : "Sign in to register this device", [
    message ? alertBox(message) : null,
    registered ? panel("This device is registered. Enter your password and a code from your authenticator app to sign in with this device's key.") : null,
  ]);
  const form = document.createElement("form");
  form.id = "device-sign-in";
  if (!memory.password) form.append(field("Password", "password", { type: "password", autocomplete: "current-password" }));
  form.append(field("Code from your authenticator app", "totp", { inputmode: "numeric", autocomplete: "one-time-code" }));
  form.append(button(registered ? "Sign in" : "Register device", { type: "submit" }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const password = memory.password || data.password;
    try {
      if (!settings.value("registered")) {
        const tokens = await device.signIn(settings.value("username"), password, data.totp.trim());
        Object.assign(memory, { password, access: tokens.access_token });
        return showDevice();
      }
      await device.login(password, data.totp.trim());
      await finishSignIn();
    } catch (exc) {
      showDevice(api.describe(exc));
    }
  });
  main.append(form);
}

// Signed in as the device: forget the password and token held in memory, then sync.
async function finishSignIn() {
  for (const k of Object.keys(memory)) delete memory[k];
  location.hash = "#/";
  await status();
  route();
  runSync();
}

// ----- the lock -----------------------------------------------------------------------------
function showUnlock(message) {
  page(main, "Unlock", [message ? alertBox(message) : null]);
  const form = document.createElement("form");
  form.id = "unlock";
  form.append(field("PIN", "pin", { type: "password", inputmode: "numeric", autocomplete: "current-password" }), button("Unlock", { type: "submit" }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { pin } = Object.fromEntries(new FormData(form));
    const ok = await vault.unlock(pin);
    if (ok === "wiped") return boot("Too many wrong PINs: this device's data was erased. Sign in again.");
    if (!ok) return showUnlock("That PIN is wrong.");
    await settings.load();
    lastActivity = Date.now();
    await status();
    route();
    runSync(); // sync whenever the app is opened
  });
  main.append(form);
  form.querySelector("input").focus();
}

export async function lock() {
  if (!(await vault.exists())) return; // nothing to lock before the PIN is set
  vault.lock();
  settings.forget();
  await status();
  showUnlock();
}

// ----- routing --------------------------------------------------------------------------------
export function route() {
  if (!vault.unlocked()) return showUnlock();
  if (!settings.value("registered") || !settings.value("refresh_token") || settings.value("needs_sign_in")) {
    return showDevice(settings.value("needs_sign_in") ? "Sign in again to sync (your work is kept on this device)." : undefined);
  }
  const [, name, arg] = (location.hash || "#/").split("/");
  const view = pages.ROUTES[name || ""] || pages.ROUTES[""];
  return view(main, arg ? decodeURIComponent(arg) : undefined, { runSync, status, route });
}

async function boot(message) {
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
    navigator.serviceWorker.addEventListener("message", (e) => e.data?.type === "sync" && runSync());
  }
  sync.onChange(() => status());
  await status();
  if (await vault.exists()) showUnlock(message);
  else showSignIn(message);
}

window.addEventListener("hashchange", () => vault.unlocked() && route());
window.addEventListener("online", () => (status(), runSync()));
window.addEventListener("offline", () => status());
for (const ev of ["pointerdown", "keydown"]) window.addEventListener(ev, () => (lastActivity = Date.now()));
setInterval(() => {
  if (vault.unlocked() && Date.now() - lastActivity > LOCK_AFTER_MS) lock();
  else if (navigator.onLine) runSync();
}, SYNC_EVERY_MS);
document.getElementById("sync-now").addEventListener("click", async () => {
  document.getElementById("sync-error").textContent = navigator.onLine ? "Syncing…" : "No signal: will sync when it returns.";
  await runSync();
  await status();
});
document.getElementById("lock").addEventListener("click", () => lock());

boot();
