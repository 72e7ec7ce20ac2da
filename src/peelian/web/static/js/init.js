// Mark the page as JavaScript-enabled and start GOV.UK Frontend components (kept out of inline
// script so the Content-Security-Policy can forbid inline code).
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
