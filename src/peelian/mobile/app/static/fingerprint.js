// Fingerprint search (PACE s.61(6A)): needs signal. The probe image lives only in this page's memory
// for the one request: it is never queued, never stored and never cached.

import * as api from "./api.js";
import { alertBox, button, field, page, panel } from "./ui.js";
import { b64encode, el } from "./util.js";

const FINGERS = ["Right thumb", "Right index", "Right middle", "Right ring", "Right little",
  "Left thumb", "Left index", "Left middle", "Left ring", "Left little"];
const COLOURS = { RED: "govuk-tag--red", AMBER: "govuk-tag--orange", GREEN: "govuk-tag--green" };
const PENDING = new Set(["pending"]); // ReviewStatus in biometrics/models/search.py
const POLL_MS = 3000;
let polling = null;

function needsSignal() {
  return alertBox("A fingerprint search needs signal. Nothing has been sent or kept: try again when you are online.", "No signal");
}

function position() {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => resolve(null),
      { timeout: 8000, maximumAge: 60000 },
    );
  });
}

function showResult(box, res) {
  const warnings = res.warnings || [];
  box.replaceChildren(
    ...warnings.map((w) => el("div", { class: "govuk-warning-text app-warning" }, el("span", { class: "govuk-warning-text__icon", "aria-hidden": "true", text: "!" }),
      el("strong", { class: "govuk-warning-text__text", text: typeof w === "string" ? w : w.text || w.message || JSON.stringify(w) }))),
    el("p", { class: "govuk-body" }, el("strong", { class: `govuk-tag ${COLOURS[res.outcome] || ""}`, id: "fp-outcome", text: res.outcome })),
    res.person ? el("p", { class: "govuk-body", text: typeof res.person === "string" ? res.person : [res.person.name, res.person.date_of_birth].filter(Boolean).join(", ") }) : null,
    ...(res.reasons || []).map((r) => el("p", { class: "govuk-body-s", text: typeof r === "string" ? r : JSON.stringify(r) })),
    (res.actions || []).length ? el("ul", { class: "govuk-list govuk-list--bullet" }, res.actions.map((a) => el("li", { text: typeof a === "string" ? a : a.text || JSON.stringify(a) }))) : null,
    res.review ? el("p", { class: "govuk-inset-text", text: `Examiner review: ${res.review.status || "requested"}` }) : null,
    res.elapsed_ms !== undefined ? el("p", { class: "govuk-body-s", text: `Answered in ${res.elapsed_ms} ms` }) : null,
  );
}

function poll(box, res) {
  clearTimeout(polling);
  const id = res.search_id;
  if (!res.review || !PENDING.has(res.review.status) || !id) return;
  polling = setTimeout(async () => {
    if (!document.getElementById("fp-result")) return; // the officer left the page
    try {
      const next = await api.json("GET", `/api/v1/biometrics/searches/${encodeURIComponent(id)}`);
      showResult(box, next);
      poll(box, next);
    } catch (exc) {
      box.append(alertBox(exc instanceof api.TransportFailure ? "Lost signal while waiting for the examiner: the result will not arrive until you search again." : api.describe(exc)));
    }
  }, POLL_MS);
}

export function fingerprintPage(main) {
  page(main, "Fingerprint search", [panel("Power: PACE s.61(6A). Use only when the person's name is unknown or you doubt the name given.")]);
  const form = el("form", { id: "fp-form" },
    el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "fp-position", text: "Finger" }),
      el("select", { class: "govuk-select", id: "fp-position", name: "position" }, FINGERS.map((f, i) => el("option", { value: i + 1, text: f, selected: i === 1 })))),
    el("div", { class: "govuk-form-group" }, el("label", { class: "govuk-label", for: "fp-image", text: "Fingerprint image (500 ppi)" }),
      el("input", { class: "govuk-file-upload", id: "fp-image", name: "image", type: "file", accept: "image/*" })),
    el("fieldset", { class: "govuk-fieldset govuk-form-group" }, el("legend", { class: "govuk-fieldset__legend", text: "Reason" }),
      el("div", { class: "govuk-radios govuk-radios--small" }, [["name-unknown", "Name unknown"], ["name-doubted", "Name given is doubted"]].map(([v, l], i) =>
        el("div", { class: "govuk-radios__item" }, el("input", { class: "govuk-radios__input", id: `fp-r${i}`, type: "radio", name: "reason", value: v, checked: i === 0 }),
          el("label", { class: "govuk-label govuk-radios__label", for: `fp-r${i}`, text: l }))))),
    field("Offence suspected", "offence"),
    button("Search", { type: "submit", id: "fp-search" }));
  const result = el("div", { id: "fp-result", "aria-live": "polite" });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!navigator.onLine) return result.replaceChildren(needsSignal());
    const data = new FormData(form);
    const file = data.get("image");
    if (!file || !file.size) return result.replaceChildren(alertBox("Take or choose the fingerprint image first."));
    result.replaceChildren(panel("Searching…"));
    const body = {
      fingers: [{ position: Number(data.get("position")), image_b64: b64encode(new Uint8Array(await file.arrayBuffer())), ppi: 500 }],
      power: "pace-s61-6a",
      reason: data.get("reason"),
      offence: String(data.get("offence") || "").trim(),
    };
    const where = await position();
    if (where) body.location = where;
    try {
      const res = await api.json("POST", "/api/v1/biometrics/searches", { json: body });
      showResult(result, res);
      poll(result, res);
    } catch (exc) {
      result.replaceChildren(exc instanceof api.TransportFailure ? needsSignal() : alertBox(api.describe(exc)));
    } finally {
      form.reset(); // drop the probe from the page
    }
  });
  main.append(form, result);
}
