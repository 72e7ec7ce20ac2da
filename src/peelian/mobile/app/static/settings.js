// The device's settings (identity, tokens, pinned receipt key, counters), one encrypted record,
// held in memory only while the app is unlocked. Writes are serialised so none is lost.

import * as vault from "./vault.js";

const ID = ["settings"];
let current = {};
let chain = Promise.resolve();

export async function load() {
  current = (await vault.get(ID)) || {};
  return current;
}

export const value = (name, fallback = undefined) => (name in current ? current[name] : fallback);

export const all = () => ({ ...current });

export function forget() {
  current = {};
}

// Merge and persist; `extra` holds more changes to write in the same transaction.
export function update(changes, extra = {}) {
  const run = async () => {
    const next = { ...current };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined) delete next[k];
      else next[k] = v;
    }
    await vault.write({ ...extra, put: [[ID, next], ...(extra.put || [])] });
    current = next;
    return next;
  };
  chain = chain.then(run, run);
  return chain;
}

// Run fn(current) -> {changes, put, del} atomically with respect to other settings writes.
export function transact(fn) {
  const run = async () => {
    const { changes = {}, ...extra } = await fn({ ...current });
    const next = { ...current, ...changes };
    await vault.write({ ...extra, put: [[ID, next], ...(extra.put || [])] });
    current = next;
    return next;
  };
  chain = chain.then(run, run);
  return chain;
}
