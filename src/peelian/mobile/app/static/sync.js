// The outbox and the sync protocol (docs/sync-protocol.md), as the Python client does it:
// operations get a per-device seq when first sent and keep it; a refused batch frees its seqs and
// holds the bad operation for the officer; an operation leaves the outbox only once its signed
// receipt verifies; attachments upload after their submission's receipt; pulls store each page
// with its cursors in one local transaction.

import * as api from "./api.js";
import { receiptKey } from "./device.js";
import * as settings from "./settings.js";
import { b64decode, b64encode, payloadSha256, sha256, utf8, uuid7 } from "./util.js";
import * as vault from "./vault.js";

export class ReceiptError extends Error {}

const BATCH = 100;
const listeners = new Set();
export const onChange = (fn) => listeners.add(fn);
const changed = () => listeners.forEach((fn) => fn());

// Queue an operation; `extra` (puts/deletes) is written in the same local transaction. `payload`
// may be a function of the settings, returning {payload, changes, put} (e.g. to number an entry).
export async function enqueue(kind, payload, extra = {}) {
  const opId = uuid7();
  await settings.transact((s) => {
    const made = typeof payload === "function" ? payload(s) : { payload };
    const pos = Number(s.next_pos || 1);
    const op = { op_id: opId, seq: null, kind, payload: made.payload, created_at: new Date().toISOString(), state: "pending", error: null };
    const put = [[["outbox", pos], op], ...(made.put || []), ...(extra.put || [])];
    return { ...extra, changes: { ...(made.changes || {}), next_pos: pos + 1 }, put };
  });
  changed();
  requestBackgroundSync();
  return opId;
}

export async function outbox() {
  return (await vault.list(["outbox"])).map(([id, op]) => ({ ...op, key: id }));
}

export async function counts() {
  const ops = await outbox();
  return {
    unsent: ops.length,
    held: ops.filter((o) => o.state === "held").length,
    files: await vault.count(["upload"]),
  };
}

async function inFlight() {
  return (await outbox()).filter((o) => o.seq !== null).sort((a, b) => a.seq - b.seq);
}

async function assign(limit) {
  await settings.transact(async (s) => {
    const next = Number(s.next_seq || 1);
    const pending = (await outbox()).filter((o) => o.seq === null && o.state === "pending").slice(0, limit);
    const put = pending.map((o, i) => [o.key, strip({ ...o, seq: next + i })]);
    return { changes: { next_seq: next + pending.length }, put };
  });
  return inFlight();
}

const strip = ({ key, ...op }) => op;

async function unassign(firstSeq, holdOpId, error) {
  await settings.transact(async () => {
    const put = (await outbox())
      .filter((o) => (o.seq !== null && o.seq >= firstSeq) || o.op_id === holdOpId)
      .map((o) => {
        const next = { ...o, seq: o.seq !== null && o.seq >= firstSeq ? null : o.seq };
        if (o.op_id === holdOpId) Object.assign(next, { state: "held", error });
        return [o.key, strip(next)];
      });
    return { changes: { next_seq: firstSeq }, put };
  });
}

export async function verifyReceipts(ops, receipts) {
  const key = await receiptKey();
  const deviceId = settings.value("device_id");
  for (let i = 0; i < receipts.length; i++) {
    const [op, r] = [ops[i], receipts[i]];
    if (r.op_id !== op.op_id || r.seq !== op.seq || r.payload_sha256 !== (await payloadSha256(op.payload))) {
      throw new ReceiptError(`the receipt for seq ${op.seq} is for another operation`);
    }
    const message = `peelian-sync-receipt:v1:${deviceId}:${r.seq}:${r.op_id}:${r.payload_sha256}:${r.status}:${r.received_at}`;
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, b64decode(r.signature), utf8(message));
    if (!ok) throw new ReceiptError(`the receipt for seq ${op.seq} is not signed by the server`);
  }
}

async function acknowledge(ops, receipts) {
  const put = [];
  const del = [];
  receipts.forEach((r, i) => {
    const op = ops[i];
    put.push([["receipt", r.op_id], { ...r, kind: op.kind }]);
    del.push(op.key);
    if (op.kind === "submission.create") {
      const p = op.payload;
      put.push([["sent", p.submission_id], { ...p, receipt_status: r.status, received_at: r.received_at }]);
    } else if (op.kind === "notebook.append") {
      put.push([["nb", op.payload.entry_id], { ...op.payload, pending: false, received_at: r.received_at }]);
    }
  });
  await vault.write({ put, del });
}

// Push the outbox until it is empty; returns {pushed, held: [messages]}.
export async function push() {
  const report = { pushed: 0, held: [] };
  for (;;) {
    let batch = await inFlight();
    if (!batch.length) batch = await assign(BATCH);
    if (!batch.length) return report;
    const body = { protocol: 1, ops: batch.map((o) => ({ id: o.op_id, seq: o.seq, kind: o.kind, created_at: o.created_at, payload: o.payload })) };
    let res;
    try {
      res = await api.json("POST", "/api/v1/mobile/sync/push", { json: body });
    } catch (exc) {
      const seq = exc instanceof api.ProblemError ? exc.body.seq : undefined;
      if (exc instanceof api.ProblemError && [413, 422].includes(exc.status) && seq !== undefined && seq !== null) {
        const bad = batch.find((o) => o.seq === seq);
        if (!bad) throw exc;
        await unassign(batch[0].seq, bad.op_id, { message: api.describe(exc), type: exc.type, action: exc.action });
        report.held.push(api.describe(exc));
        changed();
        continue;
      }
      throw exc;
    }
    const receipts = res.receipts;
    await verifyReceipts(batch.slice(0, receipts.length), receipts);
    await acknowledge(batch, receipts);
    report.pushed += receipts.length;
    changed();
  }
}

// Send files whose submissions have receipts, in checksummed chunks, resuming where the server is.
export async function uploadFiles() {
  const waiting = await vault.list(["upload"]);
  const queued = JSON.stringify((await outbox()).map((o) => o.payload.attachments || []));
  const chunkSize = Number(settings.value("max_chunk", 256 * 1024));
  let done = 0;
  for (const [id, meta] of waiting) {
    const sha = id[1];
    if (queued.includes(sha)) continue; // its submission has no receipt yet
    const bytes = await vault.get(["file", sha]);
    const head = await api.call("HEAD", `/api/v1/mobile/uploads/${sha}`);
    let offset = Number(head.headers.get("Upload-Offset"));
    while (offset < meta.size) {
      const chunk = bytes.subarray(offset, offset + chunkSize);
      const res = await api.call("PATCH", `/api/v1/mobile/uploads/${sha}`, {
        body: chunk,
        headers: {
          "Upload-Offset": String(offset),
          "Upload-Checksum": `sha256 ${b64encode(await sha256(chunk))}`,
          "Content-Type": "application/offset+octet-stream",
        },
      });
      offset = Number(res.headers.get("Upload-Offset"));
    }
    await vault.write({ del: [id, ["file", sha]] });
    done += 1;
    changed();
  }
  return done;
}

// Fetch changes for this device's buckets until complete; each page lands whole, with its cursors.
export async function pull() {
  let total = 0;
  for (;;) {
    const cursors = Object.fromEntries((await vault.list(["cursor"])).map(([id, c]) => [id[1], c]));
    const res = await api.json("POST", "/api/v1/mobile/sync/pull", { json: { protocol: 1, cursors, limit: 1000 } });
    const granted = new Set(res.buckets);
    const put = [];
    const del = [];
    for (const c of res.changes) {
      const id = ["rec", c.bucket, c.record_type, c.record_id];
      if (c.op === "delete") del.push(id);
      else put.push([id, c.data]);
    }
    for (const id of [...(await vault.keys(["rec"])), ...(await vault.keys(["cursor"]))]) {
      if (!granted.has(id[1])) del.push(id);
    }
    for (const [bucket, cursor] of Object.entries(res.cursors)) put.push([["cursor", bucket], cursor]);
    await vault.write({ put, del });
    total += res.changes.length;
    if (res.complete) return total;
  }
}

let running = null;

// Push, upload, then pull; one sync at a time. Returns the report, or throws what stopped it.
export function sync() {
  if (!running) {
    running = (async () => {
      try {
        const report = await push();
        report.uploaded = await uploadFiles();
        report.pulled = await pull();
        await settings.update({ last_sync: new Date().toISOString(), last_error: null });
        return report;
      } catch (exc) {
        if (exc instanceof api.ProblemError && exc.action === "wipe") {
          await vault.wipe();
          location.reload();
        }
        if (exc instanceof api.ProblemError && (exc.action === "re-register" || exc.status === 401)) {
          await settings.update({ needs_sign_in: true });
        }
        await settings.update({ last_error: api.describe(exc) });
        throw exc;
      } finally {
        running = null;
        changed();
      }
    })();
  }
  return running;
}

export function requestBackgroundSync() {
  navigator.serviceWorker?.ready
    .then((reg) => reg.sync && reg.sync.register("peelian-outbox"))
    .catch(() => {}); // Background Sync is Chromium-only; open, online and the timer still sync
}

export async function records(recordType, bucketPrefix = "") {
  return (await vault.list(["rec"]))
    .filter(([id]) => id[2] === recordType && id[1].startsWith(bucketPrefix))
    .map(([id, data]) => ({ bucket: id[1], id: id[3], data }));
}
