// The encrypted local store. IndexedDB "peelian" has two object stores:
//   keys    — in clear: the PIN salt and key-check blob, and non-extractable CryptoKey objects;
//   records — everything else, each value AES-256-GCM encrypted under the key derived from the
//             officer's PIN (PBKDF2-SHA256), a random 96-bit IV per write, the record's key as
//             additional data so a ciphertext cannot be moved to another record.
// Record keys are arrays (["outbox", 17], ["draft", id], ["rec", bucket, type, id], ...) and hold
// no personal data. Locking forgets the AES key; nothing can then be read until the PIN is given.

const DB_NAME = "peelian";
export const PBKDF2_ITERATIONS = 310000;
const CHECK_TEXT = "peelian-vault-check:v1";
export const MAX_BAD_PINS = 10;

let dbPromise = null;
let aesKey = null;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(tx.error || new Error("the local store refused a write"));
  });
}

export function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore("keys");
        req.result.createObjectStore("records");
      };
      req.onsuccess = () => {
        const db = req.result;
        db.onclose = () => (dbPromise = null); // reconnect if the browser closes it
        db.onversionchange = () => db.close();
        resolve(db);
      };
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

export async function getKey(name) {
  const db = await openDb();
  return request(db.transaction("keys").objectStore("keys").get(name));
}

export async function putKey(name, value) {
  const db = await openDb();
  const tx = db.transaction("keys", "readwrite");
  tx.objectStore("keys").put(value, name);
  return done(tx);
}

async function derive(pin, salt) {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: PBKDF2_ITERATIONS },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function seal(key, id, value) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const aad = new TextEncoder().encode(JSON.stringify(id));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, plain);
  return { iv, ct: new Uint8Array(ct) };
}

async function open(key, id, box) {
  const aad = new TextEncoder().encode(JSON.stringify(id));
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv, additionalData: aad }, key, box.ct);
  return JSON.parse(new TextDecoder().decode(plain));
}

// Binary values (attachments) are sealed as bytes, not JSON.
async function sealBytes(key, id, bytes) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aad = new TextEncoder().encode(JSON.stringify(id));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, bytes);
  return { iv, ct: new Uint8Array(ct), bytes: true };
}

export async function exists() {
  return Boolean(await getKey("vault"));
}

export const unlocked = () => aesKey !== null;

export async function create(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(pin, salt);
  const check = await seal(key, ["check"], CHECK_TEXT);
  await putKey("vault", { salt, iterations: PBKDF2_ITERATIONS, check, bad_pins: 0 });
  aesKey = key;
}

// Returns true when the PIN opens the vault; after MAX_BAD_PINS failures the store is erased.
export async function unlock(pin) {
  const vault = await getKey("vault");
  if (!vault) throw new Error("no local store");
  const key = await derive(pin, vault.salt);
  try {
    if ((await open(key, ["check"], vault.check)) !== CHECK_TEXT) throw new Error("bad check");
  } catch {
    vault.bad_pins = (vault.bad_pins || 0) + 1;
    if (vault.bad_pins >= MAX_BAD_PINS) {
      await wipe();
      return "wiped";
    }
    await putKey("vault", vault);
    return false;
  }
  if (vault.bad_pins) await putKey("vault", { ...vault, bad_pins: 0 });
  aesKey = key;
  return true;
}

export function lock() {
  aesKey = null;
}

function need() {
  if (!aesKey) throw new Error("the app is locked");
  return aesKey;
}

export async function get(id) {
  const key = need();
  const db = await openDb();
  const box = await request(db.transaction("records").objectStore("records").get(id));
  if (!box) return undefined;
  if (box.bytes) {
    const aad = new TextEncoder().encode(JSON.stringify(id));
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv, additionalData: aad }, key, box.ct));
  }
  return open(key, id, box);
}

const range = (prefix) => IDBKeyRange.bound(prefix, [...prefix, []]);

export async function keys(prefix) {
  const db = await openDb();
  return request(db.transaction("records").objectStore("records").getAllKeys(range(prefix)));
}

// Every record under a key prefix, decrypted, as [key, value] pairs in key order.
export async function list(prefix) {
  const key = need();
  const db = await openDb();
  const store = db.transaction("records").objectStore("records");
  const [ids, boxes] = await Promise.all([request(store.getAllKeys(range(prefix))), request(store.getAll(range(prefix)))]);
  return Promise.all(ids.map(async (id, i) => [id, await open(key, id, boxes[i])]));
}

export async function count(prefix) {
  const db = await openDb();
  return request(db.transaction("records").objectStore("records").count(range(prefix)));
}

// One atomic change: everything is encrypted first, then written in a single transaction.
export async function write({ put = [], putBytes = [], del = [], delPrefix = [] } = {}) {
  const key = need();
  const sealed = await Promise.all(put.map(async ([id, value]) => [id, await seal(key, id, value)]));
  const sealedBytes = await Promise.all(putBytes.map(async ([id, bytes]) => [id, await sealBytes(key, id, bytes)]));
  const db = await openDb();
  const tx = db.transaction("records", "readwrite");
  const store = tx.objectStore("records");
  for (const prefix of delPrefix) store.delete(range(prefix));
  for (const id of del) store.delete(id);
  for (const [id, box] of [...sealed, ...sealedBytes]) store.put(box, id);
  return done(tx);
}

export async function put(id, value) {
  return write({ put: [[id, value]] });
}

export async function wipe() {
  aesKey = null;
  const db = await openDb();
  const tx = db.transaction(["keys", "records"], "readwrite");
  tx.objectStore("keys").clear();
  tx.objectStore("records").clear();
  return done(tx);
}
