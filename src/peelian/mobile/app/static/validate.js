// A port of src/peelian/mobile/forms/validate.py: relevance, required, types, choices, constraints and
// calculations, evaluated in the same order, so what the officer sees is what the server will decide.
// Besides the cleaned data and the errors it reports which fields are hidden (not relevant) and the
// value of every calculation, for the form view.

import { compileExpr, Scope, truthy } from "./expr.js";

export const MAX_TEXT = 20000;
const ATTACHMENT_TYPES = new Set(["image", "audio", "signature"]);
const GEO = /^\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)(?:\s+(-?\d+(?:\.\d+)?))?(?:\s+(\d+(?:\.\d+)?))?\s*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$/;

function validDate(text) {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

export function checkType(f, value) {
  const t = f.type;
  if (t === "text" || ATTACHMENT_TYPES.has(t)) {
    if (typeof value !== "string") return [value, "must be text"];
    return [value, [...value].length > MAX_TEXT ? "is too long" : null];
  }
  if (t === "integer") return [value, Number.isInteger(value) ? null : "must be a whole number"];
  if (t === "decimal") return [value, typeof value === "number" && Number.isFinite(value) ? null : "must be a number"];
  if (t === "date") return [value, validDate(String(value)) ? null : "must be an ISO 8601 date"];
  if (t === "time") return [value, TIME.test(String(value)) ? null : "must be an ISO 8601 time"];
  if (t === "datetime") {
    const m = DATETIME.exec(String(value));
    if (!m || !validDate(m[1])) return [value, "must be an ISO 8601 datetime"];
    return [value, m[5] ? null : "must include its time-zone offset"];
  }
  const allowed = new Set((f.choices || []).map((c) => c.value));
  if (t === "select_one") return [value, typeof value === "string" && allowed.has(value) ? null : "is not an option"];
  if (t === "select_multiple") {
    const items = typeof value === "string" ? value.split(/\s+/).filter(Boolean) : value;
    if (!Array.isArray(items) || !items.every((v) => typeof v === "string")) return [value, "must be a list of options"];
    const bad = items.filter((v) => !allowed.has(v));
    return [items, bad.length ? `has options that do not exist: ${bad.join(", ")}` : null];
  }
  if (t === "geopoint") {
    const m = typeof value === "string" ? GEO.exec(value) : null;
    if (m === null || Math.abs(+m[1]) > 90 || Math.abs(+m[2]) > 180) {
      return [value, "must be 'latitude longitude [altitude accuracy]'"];
    }
    return [value, null];
  }
  return [value, null];
}

function flatten(fields) {
  const out = [];
  for (const f of fields) {
    if (f.type === "group") out.push(...flatten(f.children || []));
    else out.push(f);
  }
  return out;
}

const ATTRS = ["relevant", "calculation", "required", "constraint"];

export class CompiledForm {
  constructor(schema) {
    this.schema = schema;
    this.plan = new Map();
    const visit = (fields) => {
      for (const f of fields) {
        this.plan.set(f.name, ATTRS.map((a) => (f[a] ? compileExpr(f[a]) : null)));
        visit(f.children || []);
      }
    };
    visit(schema.fields);
  }

  validate(data) {
    const result = { data: {}, attachments: new Set(), errors: [], hidden: new Set(), calculated: new Map() };
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      result.errors.push(["/data", "must be an object"]);
      return result;
    }
    result.data = this.scope(this.schema.fields, { ...data }, [], "/data", result);
    return result;
  }

  scope(fields, given, outer, path, result) {
    const known = new Set(flatten(fields).map((f) => f.name));
    for (const name of Object.keys(given).filter((k) => !known.has(k)).sort()) {
      result.errors.push([`${path}/${name}`, "is not a question on this form version"]);
    }
    const clean = Object.fromEntries(Object.entries(given).filter(([k]) => known.has(k)));
    this.fields(fields, clean, [clean, ...outer], path, result, true);
    return clean;
  }

  fields(fields, clean, frames, path, result, parentRelevant) {
    const scope = new Scope(frames);
    for (const f of fields) {
      const [relevantExpr, calc, req, con] = this.plan.get(f.name);
      const relevant = parentRelevant && (relevantExpr === null || relevantExpr.test(scope));
      const where = `${path}/${f.name}`;
      if (!relevant) result.hidden.add(where);
      if (f.type === "group") {
        this.fields(f.children || [], clean, frames, path, result, relevant);
        continue;
      }
      if (!relevant || f.type === "note") {
        delete clean[f.name];
        continue;
      }
      if (calc !== null) {
        const value = calc.evaluate(scope);
        clean[f.name] = typeof value === "number" && !Number.isFinite(value) ? "" : value;
        result.calculated.set(where, clean[f.name]);
        continue;
      }
      let value = clean[f.name];
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
        delete clean[f.name];
        if (req !== null && req.test(scope)) result.errors.push([where, f.required_message || "is required"]);
        continue;
      }
      if (f.type === "repeat") {
        this.repeat(f, value, clean, frames, where, result);
        continue;
      }
      let problem;
      [value, problem] = checkType(f, value);
      if (problem) {
        result.errors.push([where, problem]);
        continue;
      }
      clean[f.name] = value;
      if (ATTACHMENT_TYPES.has(f.type)) result.attachments.add(value);
      if (con !== null && !truthy(con.evaluate(new Scope(frames, value)))) {
        result.errors.push([where, f.constraint_message || "is not valid"]);
      }
    }
  }

  repeat(f, value, clean, frames, where, result) {
    if (!Array.isArray(value) || !value.every((v) => v && typeof v === "object" && !Array.isArray(v))) {
      result.errors.push([where, "must be a list of objects, one per repeat"]);
      return;
    }
    clean[f.name] = value.map((item, i) => this.scope(f.children || [], { ...item }, frames, `${where}/${i}`, result));
  }
}
