// Render a published form (the compact schema of mobile/forms/schema.py) as GOV.UK inputs, keep the
// draft in the encrypted store on every change, and check it with the same rules as the server.

import { attachmentInput, geopointInput, signatureInput } from "./inputs.js";
import { el, localIso, sha256Hex, utf8 } from "./util.js";
import { CompiledForm } from "./validate.js";

const S9 = "mg11-s9-declaration";

function parseNumber(type, text) {
  const t = text.trim();
  if (t === "") return undefined;
  if (type === "integer" && /^-?\d+$/.test(t)) return Number(t);
  if (type === "decimal" && /^-?(\d+\.?\d*|\.\d+)$/.test(t)) return Number(t);
  return t; // kept as typed: the type check says what is wrong
}

// The dateTime input shows local time without an offset; the form stores it with its offset.
function toDateTime(local) {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : localIso(d);
}

export class FormView {
  constructor(root, { schema, draft, save, submit, attach }) {
    this.root = root;
    this.schema = schema;
    this.form = new CompiledForm(schema);
    this.draft = draft;
    this.save = save; // (draft) => Promise, writes the encrypted draft
    this.submitHandler = submit; // (draft, result) => Promise
    this.onAttach = attach; // (field, File|Blob) => Promise<name>, keeps the bytes encrypted
    this.showErrors = false;
    this.bindings = [];
    this.render();
  }

  render() {
    this.bindings = [];
    this.summary = el("div");
    const fields = el("div");
    this.renderFields(this.schema.fields, this.draft.data, "/data", fields);
    const declaration = this.schema.templates?.find((t) => t.name === S9);
    this.root.replaceChildren(
      el("span", { class: "govuk-caption-l", text: `Version ${this.schema.version}` }),
      el("h1", { class: "govuk-heading-l", text: this.schema.title }),
      this.draft.replaces ? el("div", { class: "govuk-inset-text", text: "This corrects a returned submission." }) : null,
      this.summary,
      declaration ? el("div", { class: "govuk-inset-text", id: "declaration" }, declaration.text) : null,
      el("form", { novalidate: true, onsubmit: (e) => (e.preventDefault(), this.submit()) }, fields,
        el("div", { class: "govuk-button-group" },
          el("button", { class: "govuk-button", type: "submit", id: "submit-form", text: "Submit" }),
          el("a", { class: "govuk-link", href: "#/", text: "Save and close" }))),
    );
    this.declaration = declaration;
    return this.refresh(false);
  }

  renderFields(fields, obj, path, parent) {
    for (const f of fields) {
      const where = `${path}/${f.name}`;
      if (f.type === "group") {
        const box = el("fieldset", { class: "govuk-fieldset app-group", "data-field": where },
          el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m", text: f.label || f.name }));
        this.bindings.push({ path: where, node: box });
        this.renderFields(f.children || [], obj, path, box);
        parent.append(box);
      } else if (f.type === "repeat") {
        parent.append(this.renderRepeat(f, obj, where));
      } else {
        parent.append(this.renderField(f, obj, where));
      }
    }
  }

  renderRepeat(f, obj, where) {
    const items = Array.isArray(obj[f.name]) ? obj[f.name] : [];
    const box = el("fieldset", { class: "govuk-fieldset app-repeat", "data-field": where },
      el("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--m", text: f.label || f.name }));
    items.forEach((item, i) => {
      const inner = el("div", { class: "app-repeat__item" }, el("h3", { class: "govuk-heading-s", text: `${f.label || f.name} ${i + 1}` }));
      this.renderFields(f.children || [], item, `${where}/${i}`, inner);
      inner.append(el("button", { class: "govuk-button govuk-button--warning", type: "button", text: "Remove",
        onclick: () => (items.splice(i, 1), (obj[f.name] = items), this.changed(true)) }));
      box.append(inner);
    });
    box.append(el("button", { class: "govuk-button govuk-button--secondary", type: "button", "data-add": where,
      text: `Add ${(f.label || f.name).toLowerCase()}`, onclick: () => ((obj[f.name] = [...items, {}]), this.changed(true)) }));
    this.bindings.push({ path: where, node: box, error: box.querySelector("legend") });
    return box;
  }

  renderField(f, obj, where) {
    const id = `f${where.replaceAll("/", "-")}`;
    const wrap = el("div", { class: "govuk-form-group", "data-field": where });
    const error = el("p", { class: "govuk-error-message", hidden: true });
    const label = el("label", { class: "govuk-label govuk-label--s", for: id, text: f.label || f.name });
    const hint = f.hint ? el("div", { class: "govuk-hint", text: f.hint }) : null;
    const set = (value) => {
      if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) delete obj[f.name];
      else obj[f.name] = value;
      this.changed(false);
    };
    const current = obj[f.name];
    let control;
    if (f.type === "note") control = null;
    else if (f.type === "calculate" || f.readonly) {
      control = el("p", { class: "govuk-body app-readonly", id, text: current ?? "" });
    } else if (["text", "integer", "decimal"].includes(f.type)) {
      const multiline = f.type === "text" && (f.appearance || "").includes("multiline");
      control = el(multiline ? "textarea" : "input", {
        class: multiline ? "govuk-textarea" : "govuk-input", id, name: where, rows: multiline ? 6 : null,
        type: multiline ? null : "text", inputmode: f.type === "text" ? null : f.type === "integer" ? "numeric" : "decimal",
        oninput: (e) => set(f.type === "text" ? e.target.value : parseNumber(f.type, e.target.value)),
      });
      control.value = current ?? "";
    } else if (["date", "time", "datetime"].includes(f.type)) {
      control = el("input", { class: "govuk-input app-input--date", id, name: where,
        type: f.type === "datetime" ? "datetime-local" : f.type,
        oninput: (e) => set(f.type === "datetime" ? toDateTime(e.target.value) : e.target.value || undefined) });
      control.value = current ? (f.type === "datetime" ? String(current).slice(0, 16) : current) : "";
    } else if (f.type === "select_one" || f.type === "select_multiple") {
      control = this.choiceControl(f, id, where, current, set);
    } else if (f.type === "geopoint") {
      control = geopointInput(id, where, current, set);
    } else if (f.type === "signature" || (f.type === "image" && (f.appearance || "").includes("signature"))) {
      control = signatureInput(id, where, current, (file) => this.attach(f, file, set));
    } else if (f.type === "image" || f.type === "audio") {
      control = attachmentInput(id, where, f.type, current, this.draft, (file) => this.attach(f, file, set));
    }
    wrap.append(f.type === "note" ? el("p", { class: "govuk-body", text: f.label }) : label, hint, error, control);
    if (f.type === "calculate" && !f.label) wrap.hidden = true;
    this.bindings.push({ path: where, node: wrap, error, field: f, control });
    return wrap;
  }

  choiceControl(f, id, where, current, set) {
    const multiple = f.type === "select_multiple";
    if (!multiple && (f.choices.length > 8 || (f.appearance || "").includes("minimal"))) {
      const select = el("select", { class: "govuk-select", id, name: where, onchange: (e) => set(e.target.value || undefined) },
        el("option", { value: "", text: "Choose…" }), ...f.choices.map((c) => el("option", { value: c.value, text: c.label })));
      select.value = current ?? "";
      return select;
    }
    const chosen = new Set(Array.isArray(current) ? current : current ? [current] : []);
    const box = el("div", { class: multiple ? "govuk-checkboxes govuk-checkboxes--small" : "govuk-radios govuk-radios--small", id });
    f.choices.forEach((c, i) => {
      const input = el("input", { class: multiple ? "govuk-checkboxes__input" : "govuk-radios__input", id: `${id}-${i}`, name: where,
        type: multiple ? "checkbox" : "radio", value: c.value, checked: chosen.has(c.value),
        onchange: () => set(multiple ? [...box.querySelectorAll("input:checked")].map((x) => x.value) : c.value) });
      box.append(el("div", { class: multiple ? "govuk-checkboxes__item" : "govuk-radios__item" }, input,
        el("label", { class: `govuk-label ${multiple ? "govuk-checkboxes__label" : "govuk-radios__label"}`, for: `${id}-${i}`, text: c.label })));
    });
    return box;
  }

  async attach(f, file, set) {
    const name = await this.onAttach(f, file);
    if (name) set(name);
  }

  async changed(structural) {
    if (structural) await this.render();
    else await this.refresh(true);
  }

  async completeTemplates(data) {
    if (!this.declaration) return;
    data.declaration_sha256 = this.declaration.sha256;
    // v2 binds the page count the declaration states, as records' envelope_sha256 does.
    const text = `peelian-mg11-envelope:v2:${data.declaration_sha256}:${data.page_count ?? ""}:${data.signed_at ?? ""}:${data.statement ?? ""}`;
    data.envelope_sha256 = await sha256Hex(utf8(text));
  }

  async refresh(persist) {
    await this.completeTemplates(this.draft.data);
    const result = this.form.validate(structuredClone(this.draft.data));
    const errors = new Map();
    for (const [path, message] of result.errors) if (!errors.has(path)) errors.set(path, message);
    for (const b of this.bindings) {
      b.node.hidden = result.hidden.has(b.path) || (b.field?.type === "calculate" && !b.field.label);
      if (b.field && (b.field.type === "calculate" || b.field.readonly) && b.control) {
        const value = result.calculated.has(b.path) ? result.calculated.get(b.path) : this.lookup(b.path);
        b.control.textContent = value ?? "";
      }
      if (b.error && b.field) {
        const message = this.showErrors ? errors.get(b.path) : null;
        b.error.hidden = !message;
        b.error.textContent = message ? `Error: ${message}` : "";
        b.node.classList.toggle("govuk-form-group--error", Boolean(message));
      }
    }
    this.renderSummary(this.showErrors ? [...errors] : []);
    if (persist) await this.save(this.draft);
    return result;
  }

  lookup(path) {
    return path.split("/").slice(2).reduce((obj, key) => (obj == null ? undefined : obj[key]), this.draft.data);
  }

  renderSummary(errors) {
    if (!errors.length) {
      this.summary.replaceChildren();
      return;
    }
    const label = (path) => {
      const b = this.bindings.find((x) => x.path === path);
      return b?.field?.label || path.split("/").pop();
    };
    this.summary.replaceChildren(el("div", { class: "govuk-error-summary", role: "alert", tabindex: "-1", id: "error-summary" },
      el("h2", { class: "govuk-error-summary__title", text: "There is a problem" }),
      el("div", { class: "govuk-error-summary__body" }, el("ul", { class: "govuk-list govuk-error-summary__list" },
        errors.map(([path, message]) => el("li", {}, el("a", { href: `#f${path.replaceAll("/", "-")}`,
          onclick: (e) => (e.preventDefault(), document.getElementById(`f${path.replaceAll("/", "-")}`)?.focus()),
          text: `${label(path)}: ${message}` })))))));
  }

  async submit() {
    this.showErrors = true;
    const result = await this.refresh(true);
    if (result.errors.length) {
      document.getElementById("error-summary")?.focus();
      return;
    }
    await this.submitHandler(this.draft, result);
  }
}
