// The pocket notebook (append-only: entries and amendments, sent through the protocol's
// notebook.append operation) and the briefings and wanted/missing pages.

import * as api from "./api.js";
import * as sync from "./sync.js";
import { alertBox, button, field, notice, page, panel } from "./ui.js";
import { el, formatTime, uuid7 } from "./util.js";
import * as vault from "./vault.js";

async function append(text, amends, reason) {
  const entryId = uuid7();
  await sync.enqueue("notebook.append", (s) => {
    const number = Number(s.notebook_number || 0) + 1;
    const payload = { entry_id: entryId, device_number: number, device_time: new Date().toISOString(), text };
    if (amends) Object.assign(payload, { amends, reason });
    return { payload, changes: { notebook_number: number }, put: [[["nb", entryId], { ...payload, pending: true }]] };
  });
  return entryId;
}

function entryCard(e, byId, onAmend) {
  const original = e.amends ? byId.get(e.amends) : null;
  return el("li", { class: `app-card ${e.amends ? "app-card--amendment" : ""}`, "data-entry": e.entry_id || e.id },
    el("p", { class: "govuk-body-s" },
      e.position ? `No. ${e.position} · ` : "", `written ${formatTime(e.device_time)}`,
      e.server_time ? ` · received ${formatTime(e.server_time)}` : e.pending ? " · not sent yet" : ""),
    e.amends ? el("p", { class: "govuk-body-s", text: `Amends ${original ? `"${original.text.slice(0, 60)}"` : "an earlier entry"} — reason: ${e.reason}` }) : null,
    el("p", { class: "govuk-body app-entry-text", text: e.text }),
    button("Amend", { class: "govuk-button govuk-button--secondary app-small", onclick: () => onAmend(e) }));
}

export async function notebookPage(main, _arg, app, message) {
  const local = (await vault.list(["nb"])).map(([, e]) => e);
  const server = (await vault.get(["nbserver"])) || { entries: [], gaps: [] };
  const known = new Set(server.entries.map((e) => e.id));
  const entries = [...server.entries.map((e) => ({ ...e, entry_id: e.id })), ...local.filter((e) => !known.has(e.entry_id))];
  const byId = new Map(entries.map((e) => [e.entry_id, e]));
  page(main, "Pocket notebook", [
    message ? notice(message, "Saved") : null,
    panel("Entries cannot be changed or deleted. To correct one, add an amendment: it is kept beside the original with your reason."),
  ]);
  const form = el("form", { id: "notebook-add" }, field("New entry", "text", { textarea: true, rows: 5 }), button("Add entry", { type: "submit" }));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = new FormData(form).get("text").trim();
    if (!text) return;
    await append(text);
    app.runSync();
    notebookPage(main, _arg, app, "Entry added.");
  });
  const amend = (entry) => {
    const box = el("form", { id: "notebook-amend", class: "app-card" },
      el("p", { class: "govuk-body", text: `Amending: "${entry.text.slice(0, 120)}"` }),
      field("Reason for the amendment", "reason"), field("Corrected text", "text", { textarea: true, rows: 4 }),
      button("Add amendment", { type: "submit" }));
    box.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = Object.fromEntries(new FormData(box));
      if (!data.reason.trim() || !data.text.trim()) return box.prepend(alertBox("Give a reason and the corrected text."));
      await append(data.text.trim(), entry.entry_id, data.reason.trim());
      app.runSync();
      notebookPage(main, _arg, app, "Amendment added.");
    });
    form.after(box);
  };
  const refresh = button("Load from server", { class: "govuk-button govuk-button--secondary", onclick: async () => {
    try {
      const fresh = await api.json("GET", "/api/v1/mobile/notebook/entries");
      await vault.put(["nbserver"], fresh);
      notebookPage(main, _arg, app);
    } catch (exc) {
      main.prepend(alertBox(api.describe(exc)));
    }
  } });
  main.append(form, refresh);
  if (server.gaps.length) main.append(alertBox(server.gaps.map((g) => `Missing entry numbers from a device: ${g.missing.join(", ")}`).join("; "), "Gaps"));
  entries.sort((a, b) => String(b.device_time).localeCompare(String(a.device_time)));
  main.append(el("ul", { class: "govuk-list", id: "entries" }, entries.map((e) => entryCard(e, byId, amend))));
}

function describeRecord(data) {
  const name = data.name || data.person_name || data.title || data.summary || "Record";
  const detail = data.reason || data.status || data.body || data.description || "";
  return [name, detail];
}

export async function briefingsPage(main) {
  const briefings = (await sync.records("briefing", "team:")).sort(
    (a, b) => a.data.priority - b.data.priority || String(b.data.created_at).localeCompare(String(a.data.created_at)));
  const area = (await vault.list(["rec"])).filter(([id]) => id[1].startsWith("area:"));
  page(main, "Briefings", [briefings.length ? null : panel("No briefings for your team on this device.")]);
  main.append(el("ul", { class: "govuk-list", id: "briefings" }, briefings.map((b) => el("li", { class: `app-card app-priority-${b.data.priority}` },
    el("h2", { class: "govuk-heading-s", text: b.data.title }),
    el("p", { class: "govuk-body-s", text: `Priority ${b.data.priority} · ${formatTime(b.data.created_at)}` }),
    el("p", { class: "govuk-body app-entry-text", text: b.data.body })))));
  main.append(el("h2", { class: "govuk-heading-m", text: "Wanted and missing in your area" }));
  main.append(area.length
    ? el("ul", { class: "govuk-list", id: "area" }, area.map(([id, data]) => {
        const [name, detail] = describeRecord(data);
        return el("li", { class: "app-card" }, el("strong", { text: `${id[2].replaceAll("_", " ")}: ${name}` }), el("p", { class: "govuk-body", text: detail }));
      }))
    : panel("No wanted or missing people for your area on this device."));
}
