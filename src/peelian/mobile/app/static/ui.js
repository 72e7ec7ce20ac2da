// GOV.UK building blocks for the app's pages.

import { el } from "./util.js";

export function page(main, title, children = []) {
  document.title = `${title} – Peelian`;
  main.replaceChildren(el("h1", { class: "govuk-heading-l", text: title }), ...children.filter(Boolean));
}

export function field(label, name, attrs = {}) {
  const id = `in-${name}`;
  const { hint, textarea, ...rest } = attrs;
  return el("div", { class: "govuk-form-group" },
    el("label", { class: "govuk-label", for: id, text: label }),
    hint ? el("div", { class: "govuk-hint", text: hint }) : null,
    el(textarea ? "textarea" : "input", { class: textarea ? "govuk-textarea" : "govuk-input", id, name, type: textarea ? null : "text", ...rest }));
}

export function button(text, attrs = {}) {
  return el("button", { class: "govuk-button", type: "button", ...attrs, text });
}

export function alertBox(message, title = "There is a problem") {
  return el("div", { class: "govuk-error-summary", role: "alert" },
    el("h2", { class: "govuk-error-summary__title", text: title }),
    el("div", { class: "govuk-error-summary__body" }, el("p", { class: "govuk-body", text: message })));
}

export function notice(message, title = "Done") {
  return el("div", { class: "govuk-notification-banner govuk-notification-banner--success", role: "status" },
    el("div", { class: "govuk-notification-banner__header" }, el("h2", { class: "govuk-notification-banner__title", text: title })),
    el("div", { class: "govuk-notification-banner__content" }, el("p", { class: "govuk-notification-banner__heading", text: message })));
}

export function panel(text) {
  return el("p", { class: "govuk-body", text });
}

export function summaryList(rows) {
  return el("dl", { class: "govuk-summary-list" },
    rows.map(([key, value]) => el("div", { class: "govuk-summary-list__row" },
      el("dt", { class: "govuk-summary-list__key", text: key }),
      el("dd", { class: "govuk-summary-list__value" }, value))));
}
