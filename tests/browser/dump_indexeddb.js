// Every record of the app's IndexedDB; bytes as Latin-1 text, so any plaintext would show.
async () => {
  const db = await new Promise((ok, bad) => {
    const r = indexedDB.open("peelian"); r.onsuccess = () => ok(r.result); r.onerror = () => bad(r.error);
  });
  const text = (v) => {
    if (v instanceof Uint8Array || v instanceof ArrayBuffer) {
      return new TextDecoder("latin1").decode(v);
    }
    if (typeof CryptoKey !== "undefined" && v instanceof CryptoKey) return `[CryptoKey ${v.type} ${v.extractable}]`;
    if (Array.isArray(v)) return v.map(text);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, text(x)]));
    return v;
  };
  const out = {};
  for (const name of db.objectStoreNames) {
    const store = db.transaction(name).objectStore(name);
    const [keys, values] = await Promise.all([
      new Promise((ok) => { const r = store.getAllKeys(); r.onsuccess = () => ok(r.result); }),
      new Promise((ok) => { const r = store.getAll(); r.onsuccess = () => ok(r.result); }),
    ]);
    out[name] = keys.map((k, i) => [k, text(values[i])]);
  }
  db.close();
  return out;
}
