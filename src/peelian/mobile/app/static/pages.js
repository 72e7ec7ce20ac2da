// The app's pages: home (forms, drafts, returned work), a form, and the outbox.

import { fingerprintPage } from "./fingerprint.js";
import { FormView } from "./formview.js";
import { briefingsPage, notebookPage } from "./notebook.js";
import * as settings from "./settings.js";
import * as sync from "./sync.js";
import { alertBox, button, notice, page, panel, summaryList } from "./ui.js";
import { el, formatTime, sha256Hex, uuid7 } from "./util.js";
import * as vault from "./vault.js";

let flash = null;
const saving = new Map(); // draft id -> the last write, so autosaves land in order

async function publishedForms() {
  const latest = new Map();
  const rows = (await sync.records("form_version", "forms")).sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const r of rows) if (r.data.status === "published") latest.set(r.data.schema.form_id, r.data);
  return [...latest.values()];
}

async function schemaFor(draft) {
  const rows = await sync.records("form_version", "forms");
  const found = rows.find((r) => r.data.schema.form_id === draft.form_id && r.data.schema.version === draft.form_version);
  return found ? found.data : null;
}

function saveDraft(draft) {
  draft.updated_at = new Date().toISOString();
  const copy = structuredClone(draft);
  const run = () => vault.put(["draft", draft.draft_id], copy);
  const next = (saving.get(draft.draft_id) || Promise.resolve()).then(run, run);
  saving.set(draft.draft_id, next);
  return next;
}

async function startDraft(form, extra = {}) {
  const draft = {
    draft_id: uuid7(), form_id: form.schema.form_id, form_version: form.schema.version, title: form.schema.title,
    data: {}, files: {}, started_at: new Date().toISOString(), updated_at: new Date().toISOString(), ...extra,
  };
  await saveDraft(draft);
  location.hash = `#/form/${draft.draft_id}`;
}

async function home(main) {
  const [forms, drafts, sent, outcomes] = await Promise.all([
    publishedForms(), vault.list(["draft"]), vault.list(["sent"]), sync.records("submission"),
  ]);
  const reopened = new Set(drafts.map(([, d]) => d.replaces).filter(Boolean));
  const returned = outcomes.filter((o) => o.data.status === "returned" && !reopened.has(o.id));
  const sentById = new Map(sent.map(([id, s]) => [id[1], s]));
  page(main, `Hello, ${settings.value("username")}`, [flash ? notice(flash) : null]);
  flash = null;
  if (returned.length) {
    main.append(el("h2", { class: "govuk-heading-m", text: "Returned to you" }), el("ul", { class: "govuk-list", id: "returned" },
      returned.map((o) => el("li", { class: "app-card" },
        el("strong", { text: `${o.data.form_id}: returned with comments` }),
        el("p", { class: "govuk-body", text: o.data.comments || "" }),
        sentById.has(o.id)
          ? button("Reopen and correct", { class: "govuk-button govuk-button--secondary", onclick: () => reopen(o.id, sentById.get(o.id)) })
          : panel("The original is not on this device.")))));
  }
  main.append(el("h2", { class: "govuk-heading-m", text: "Start a form" }));
  main.append(forms.length
    ? el("ul", { class: "govuk-list", id: "forms" }, forms.map((f) => el("li", {},
        button(f.schema.title, { class: "govuk-button govuk-button--secondary app-wide", "data-form": f.schema.form_id, onclick: () => startDraft(f) }))))
    : panel("No forms on this device yet: sync when you have signal."));
  if (drafts.length) {
    main.append(el("h2", { class: "govuk-heading-m", text: "Drafts" }), el("ul", { class: "govuk-list", id: "drafts" },
      drafts.map(([, d]) => el("li", { class: "app-card", "data-draft": d.draft_id },
        el("a", { class: "govuk-link", href: `#/form/${d.draft_id}`, text: `${d.title} (saved ${formatTime(d.updated_at)})` }), " ",
        button("Discard", { class: "govuk-button govuk-button--warning app-small", onclick: () => discard(d) })))));
  }
  const statuses = outcomes.filter((o) => o.data.status !== "returned");
  if (statuses.length) {
    main.append(el("h2", { class: "govuk-heading-m", text: "Sent" }), summaryList(statuses.slice(-20).map((o) => [o.data.form_id, o.data.status.replaceAll("_", " ")])));
  }
}

async function discard(draft) {
  if (!confirm("Discard this draft? It has not been sent.")) return;
  const files = Object.values(draft.files || {}).map((f) => ["file", f.sha256]);
  await vault.write({ del: [["draft", draft.draft_id], ...files] });
  location.hash = "#/";
  home(document.getElementById("main"));
}

async function reopen(submissionId, sent) {
  const form = { schema: { form_id: sent.form_id, version: sent.form_version, title: sent.title || sent.form_id } };
  const rows = await publishedForms();
  const current = rows.find((r) => r.schema.form_id === sent.form_id);
  if (current) form.schema = current.schema;
  const files = Object.fromEntries((sent.attachments || []).map(({ name, ...meta }) => [name, meta]));
  await startDraft(form, { data: structuredClone(sent.data), replaces: submissionId, files });
}

async function attach(draft, field, file) {
  const limit = Number(settings.value("max_attachment", 0));
  if (limit && file.size > limit) throw new Error(`That file is ${file.size} bytes; the most a form can take is ${limit}.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sha = await sha256Hex(bytes);
  const ext = (file.name.split(".").pop() || "bin").replace(/[^A-Za-z0-9]/g, "").slice(0, 8) || "bin";
  const name = `${field.name}-${sha.slice(0, 12)}.${ext}`;
  draft.files = { ...(draft.files || {}), [name]: { sha256: sha, size: bytes.length, content_type: file.type || "application/octet-stream" } };
  await vault.write({ putBytes: [[["file", sha], bytes]] });
  await saveDraft(draft);
  return name;
}

async function formPage(main, draftId, app) {
  const draft = await vault.get(["draft", draftId]);
  if (!draft) return page(main, "Draft not found", [panel("It was submitted or discarded."), el("a", { class: "govuk-link", href: "#/", text: "Home" })]);
  const form = await schemaFor(draft);
  if (!form) return page(main, draft.title, [alertBox("This form version is not on this device. Sync, then start the form again.")]);
  main.replaceChildren();
  if (form.status !== "published") main.append(alertBox("This form version was retired: the server will refuse it. Start the current version."));
  const root = el("div");
  main.append(root);
  new FormView(root, {
    schema: form.schema,
    draft,
    save: saveDraft,
    attach: (field, file) => attach(draft, field, file),
    submit: async (d, result) => {
      await saving.get(d.draft_id);
      const attachments = [...result.attachments].filter((n) => d.files?.[n]).map((n) => ({ name: n, ...d.files[n] }));
      const payload = {
        submission_id: uuid7(), form_id: d.form_id, form_version: d.form_version, data: result.data,
        started_at: d.started_at, completed_at: new Date().toISOString(), attachments,
      };
      if (d.replaces) payload.replaces = d.replaces;
      const unused = Object.values(d.files || {}).filter((f) => !attachments.some((a) => a.sha256 === f.sha256));
      await sync.enqueue("submission.create", payload, {
        put: attachments.map((a) => [["upload", a.sha256], { size: a.size, content_type: a.content_type }]),
        del: [["draft", d.draft_id], ...unused.map((f) => ["file", f.sha256])],
      });
      flash = navigator.onLine ? "Submitted. Sending now." : "Submitted. It will be sent when there is signal.";
      location.hash = "#/";
      app.status();
      app.runSync();
    },
  });
}

async function outboxPage(main, _arg, app) {
  const [ops, receipts] = await Promise.all([sync.outbox(), vault.list(["receipt"])]);
  page(main, "Outbox", [
    panel(ops.length ? `${ops.length} not yet accepted by the server. Nothing leaves this device until the server's signed receipt is checked.` : "Everything has been sent."),
    button("Sync now", { class: "govuk-button", onclick: async () => (await app.runSync(), outboxPage(main, _arg, app)) }),
  ]);
  main.append(el("ul", { class: "govuk-list", id: "outbox" }, ops.map((o) => el("li", { class: `app-card ${o.state === "held" ? "app-card--error" : ""}`, "data-op": o.op_id },
    el("strong", { text: `${o.kind === "submission.create" ? o.payload.form_id : o.kind} — ${o.state === "held" ? "refused by the server" : o.seq ? `sending (no. ${o.seq})` : "waiting for signal"}` }),
    el("p", { class: "govuk-body-s", text: `Made ${formatTime(o.created_at)}` }),
    o.state === "held" ? el("p", { class: "govuk-error-message app-refusal", text: `${o.error?.message || "refused"}${o.error?.action ? ` (what to do: ${o.error.action})` : ""}` }) : null,
    o.state === "held" && o.kind === "submission.create" ? button("Correct and send again", { class: "govuk-button govuk-button--secondary", onclick: () => correct(o) }) : null))));
  if (receipts.length) {
    main.append(el("h2", { class: "govuk-heading-m", text: "Receipts" }),
      summaryList(receipts.slice(-20).map(([, r]) => [`${r.kind} no. ${r.seq}`, `${r.status}, ${formatTime(r.received_at)} (signature checked)`])));
  }
}

// A refused submission goes back to being a draft (in one transaction): nothing is lost.
async function correct(op) {
  const p = op.payload;
  const files = Object.fromEntries((p.attachments || []).map((a) => [a.name, { sha256: a.sha256, size: a.size, content_type: a.content_type }]));
  const draft = {
    draft_id: uuid7(), form_id: p.form_id, form_version: p.form_version, title: p.form_id, data: p.data, files,
    started_at: p.started_at, updated_at: new Date().toISOString(), replaces: p.replaces,
  };
  await vault.write({ put: [[["draft", draft.draft_id], draft]], del: [op.key, ...(p.attachments || []).map((a) => ["upload", a.sha256])] });
  location.hash = `#/form/${draft.draft_id}`;
}

export const ROUTES = {
  "": home,
  form: formPage,
  outbox: outboxPage,
  notebook: notebookPage,
  briefings: briefingsPage,
  fingerprint: fingerprintPage,
};
