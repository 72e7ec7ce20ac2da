// Device identity, as src/peelian/mobile/client/device.py does it: an Ed25519 key pair made by
// WebCrypto (the private key non-extractable, kept as a CryptoKey in IndexedDB), registered with
// the officer's first token together with a signed proof, which answers with device-bound tokens;
// later sign-ins send the proof to /auth/token.

import * as api from "./api.js";
import * as settings from "./settings.js";
import { b64decode, b64encode, utf8, uuid7 } from "./util.js";
import * as vault from "./vault.js";

// Username, password and TOTP code for a plain (not device-bound) token, used to register.
export async function signIn(username, password, totp) {
  const res = await api.json("POST", "/api/v1/auth/token", {
    auth: false,
    json: { username, password, totp: totp || null },
  });
  return res;
}

async function deviceKey() {
  let pair = await vault.getKey("device-key");
  if (!pair) {
    pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    await vault.putKey("device-key", { privateKey: pair.privateKey, publicKey: pair.publicKey });
  }
  return pair;
}

// Register this device under a fresh id with the plain token `access`, proving its key in the
// same call: the server answers with device-bound tokens, so one authenticator code is enough.
export async function register(username, access) {
  const pair = await deviceKey();
  const publicRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const id = settings.value("device_id") || uuid7();
  await settings.update({ device_id: id, username });
  const name = `Officer app (${navigator.platform || "browser"})`.slice(0, 100);
  const send = async () =>
    api.json("POST", "/api/v1/devices", {
      auth: false,
      headers: { Authorization: `Bearer ${access}` },
      json: { id, name, public_key: b64encode(publicRaw), ...(await proof(username, id)) },
    });
  let out;
  try {
    out = await send();
  } catch (exc) {
    if (!(exc instanceof api.ProblemError) || exc.status !== 401 || !/clock/.test(exc.message) || settings.value("clock_offset")) throw exc;
    await learnClock();
    out = await send();
  }
  await settings.update({ registered: true });
  await signedIn(out.tokens);
  return id;
}

// The device's signed sign-in proof at its (corrected) clock.
async function proof(username, deviceId) {
  const offset = Number(settings.value("clock_offset", 0));
  const ts = Math.floor(Date.now() / 1000 + offset);
  const pair = await deviceKey();
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, proofMessage(username, deviceId, ts));
  return { device_timestamp: ts, device_signature: b64encode(signature) };
}

export function proofMessage(username, deviceId, timestamp) {
  return utf8(`peelian-device-login:v1:${username.toLowerCase()}:${deviceId}:${timestamp}`);
}

async function learnClock() {
  const res = await fetch("/healthz", { cache: "no-store" });
  const server = Date.parse(res.headers.get("date")) / 1000;
  await settings.update({ clock_offset: Math.round(server - Date.now() / 1000) || 1 });
}

// Sign in with the device's proof; pins the server's receipt key on first use.
export async function login(password, totp) {
  const username = settings.value("username");
  const deviceId = settings.value("device_id");
  const offset = Number(settings.value("clock_offset", 0));
  let tokens;
  try {
    tokens = await api.json("POST", "/api/v1/auth/token", {
      auth: false,
      json: { username, password, totp: totp || null, device_id: deviceId, ...(await proof(username, deviceId)) },
    });
  } catch (exc) {
    if (!(exc instanceof api.ProblemError) || exc.status !== 401 || !/clock/.test(exc.message) || offset) throw exc;
    await learnClock();
    return login(password, totp);
  }
  await signedIn(tokens);
}

// Keep device-bound tokens; pin the server's receipt key on first use.
async function signedIn(tokens) {
  await settings.update({ access_token: tokens.access_token, refresh_token: tokens.refresh_token, needs_sign_in: null });
  const info = await api.json("GET", "/api/v1/mobile/sync/info");
  const pinned = settings.value("receipt_public_key");
  if (pinned && pinned !== info.receipt_public_key) {
    throw new Error("The server's receipt key changed: ask for this device to be checked before syncing.");
  }
  await settings.update({
    receipt_public_key: info.receipt_public_key,
    max_chunk: info.max_chunk_bytes,
    max_attachment: info.max_attachment_bytes,
  });
}

export async function receiptKey() {
  return crypto.subtle.importKey("raw", b64decode(settings.value("receipt_public_key")), { name: "Ed25519" }, false, ["verify"]);
}
