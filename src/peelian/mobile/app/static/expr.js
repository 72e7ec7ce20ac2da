// The XPath subset of src/peelian/mobile/forms/expr.py, ported line for line so the device decides
// relevance, constraints and calculations exactly as the server re-checks them. Python's types are
// mirrored: numbers (int or float alike), strings, booleans, arrays (select multiple) and null.
// tests/browser/test_expr_parity.py evaluates the same expressions in both and compares.

export class ExpressionError extends Error {}

const TOKEN = new RegExp(
  String.raw`\s*(?:(?<num>\d+(?:\.\d*)?|\.\d+)|(?<str>'[^']*'|"[^"]*")|(?<ref>\$\{[A-Za-z_][\w.-]*\})` +
    String.raw`|(?<op>!=|<=|>=|=|<|>|\+|-|\*|\(|\)|,)|(?<name>[A-Za-z_][\w-]*(?::[\w-]+)?)|(?<dot>\.))`,
  "y",
);
const KEYWORD_OPS = new Set(["and", "or", "div", "mod"]);
const PRECEDENCE = { or: 1, and: 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "+": 5, "-": 5, "*": 6, div: 6, mod: 6 };
const GROUPS = ["num", "str", "ref", "op", "name", "dot"];

function tokenize(text) {
  const tokens = [];
  text = text.replace(/\s+$/, "");
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (m === null || TOKEN.lastIndex === pos) throw new ExpressionError(`cannot read '${text.slice(pos, pos + 12)}'`);
    let kind = GROUPS.find((g) => m.groups[g] !== undefined) || "";
    const value = m.groups[kind];
    if (kind === "name" && KEYWORD_OPS.has(value)) kind = "op";
    tokens.push([kind, value]);
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

export class Scope {
  constructor(frames, current = null) {
    this.frames = frames;
    this.current = current;
  }
  lookup(name) {
    for (const frame of this.frames) {
      if (Object.prototype.hasOwnProperty.call(frame, name)) return frame[name];
    }
    return "";
  }
}

// Python float(): accepts surrounding space, exponents, inf and nan; anything else is NaN here.
function pyFloat(text) {
  const t = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  return NaN;
}

export function num(value) {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value !== "string") return NaN; // Python's float(str(None or a list)) fails too
  const text = value.trim();
  return text ? pyFloat(text) : NaN;
}

export function str(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return Object.is(value, -0) ? "0" : String(value);
  }
  if (Array.isArray(value)) return value.map(str).join(" ");
  return String(value);
}

export function truthy(value) {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return !(value === 0 || Number.isNaN(value));
  if (Array.isArray(value)) return value.length > 0;
  return !(value === null || value === undefined || value === "");
}

const isNumber = (v) => typeof v === "number";
const cmp = { "=": (a, b) => a === b, "!=": (a, b) => a !== b, "<": (a, b) => a < b, "<=": (a, b) => a <= b, ">": (a, b) => a > b, ">=": (a, b) => a >= b };

function compare(op, left, right) {
  if (typeof left === "boolean" || typeof right === "boolean") {
    const a = truthy(left);
    const b = truthy(right);
    return op === "=" ? a === b : op === "!=" ? a !== b : false;
  }
  let x;
  let y;
  if (isNumber(left) || isNumber(right) || ["<", "<=", ">", ">="].includes(op)) {
    x = num(left);
    y = num(right);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (op === "=" || op === "!=" || !(typeof left === "string" && typeof right === "string")) {
        return str(left) !== str(right) ? op === "!=" : op === "=";
      }
      return cmp[op](str(left), str(right)); // dates and times compare as ISO strings
    }
  } else {
    x = str(left);
    y = str(right);
  }
  return cmp[op](x, y);
}

const words = (v) => str(v).split(/\s+/).filter(Boolean);

function selected(values, choice) {
  const items = Array.isArray(values) ? values : words(values);
  return items.map(str).includes(str(choice));
}

function regex(value, pattern) {
  try {
    return new RegExp(str(pattern)).test(str(value));
  } catch {
    return false;
  }
}

function pyNowIso() {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

export const FUNCTIONS = {
  not: [1, 1, (v) => !truthy(v)],
  true: [0, 0, () => true],
  false: [0, 0, () => false],
  selected: [2, 2, selected],
  "count-selected": [1, 1, (v) => (Array.isArray(v) ? v.length : words(v).length)],
  "string-length": [1, 1, (v) => [...str(v)].length],
  regex: [2, 2, regex],
  today: [0, 0, () => new Date().toISOString().slice(0, 10)],
  now: [0, 0, pyNowIso],
  number: [1, 1, num],
  string: [1, 1, str],
  concat: [1, 20, (...v) => v.map(str).join("")],
  if: [3, 3, (c, a, b) => (truthy(c) ? a : b)],
};

function arith(op, a, b) {
  const x = num(a);
  const y = num(b);
  let r;
  if (op === "+") r = x + y;
  else if (op === "-") r = x - y;
  else if (op === "*") r = x * y;
  else if (op === "div") r = y !== 0 ? x / y : x === 0 ? NaN : x < 0 ? -Infinity : Infinity;
  else r = y !== 0 ? x % y : NaN;
  return Object.is(r, -0) ? 0 : r;
}

class Parser {
  constructor(text) {
    this.tokens = tokenize(text);
    this.pos = 0;
    this.refs = new Set();
  }
  peek() {
    return this.pos < this.tokens.length ? this.tokens[this.pos] : null;
  }
  take() {
    const tok = this.peek();
    if (tok === null) throw new ExpressionError("the expression ends too early");
    this.pos += 1;
    return tok;
  }
  expect(value) {
    const tok = this.take();
    if (tok[1] !== value) throw new ExpressionError(`expected '${value}', found '${tok[1]}'`);
  }
  parse(minPrec = 0) {
    let left = this.primary();
    for (let tok = this.peek(); tok !== null && tok[0] === "op" && tok[1] in PRECEDENCE; tok = this.peek()) {
      const prec = PRECEDENCE[tok[1]];
      if (prec <= minPrec) break;
      this.pos += 1;
      left = binary(tok[1], left, this.parse(prec));
    }
    return left;
  }
  primary() {
    const [kind, value] = this.take();
    if (kind === "num") {
      const number = Number(value);
      return () => number;
    }
    if (kind === "str") {
      const literal = value.slice(1, -1);
      return () => literal;
    }
    if (kind === "dot") return (s) => s.current;
    if (kind === "ref") {
      const name = value.slice(2, -1);
      this.refs.add(name);
      return (s) => s.lookup(name);
    }
    if (kind === "op" && value === "-") {
      const inner = this.parse(6);
      return (s) => {
        const r = -num(inner(s));
        return Object.is(r, -0) ? 0 : r;
      };
    }
    if (kind === "op" && value === "(") {
      const inner = this.parse();
      this.expect(")");
      return inner;
    }
    if (kind === "name") return this.call(value);
    throw new ExpressionError(`unexpected '${value}'`);
  }
  call(name) {
    if (!Object.prototype.hasOwnProperty.call(FUNCTIONS, name)) {
      throw new ExpressionError(`the function or path '${name}' is not supported`);
    }
    const [low, high, fn] = FUNCTIONS[name];
    this.expect("(");
    const args = [];
    let tok = this.peek();
    if (tok !== null && tok[1] !== ")") {
      args.push(this.parse());
      for (tok = this.peek(); tok !== null && tok[1] === ","; tok = this.peek()) {
        this.pos += 1;
        args.push(this.parse());
      }
    }
    this.expect(")");
    if (args.length < low || args.length > high) {
      throw new ExpressionError(`${name}() takes ${low}–${high} arguments, not ${args.length}`);
    }
    return (s) => fn(...args.map((a) => a(s)));
  }
}

function binary(op, left, right) {
  if (op === "or") return (s) => truthy(left(s)) || truthy(right(s));
  if (op === "and") return (s) => truthy(left(s)) && truthy(right(s));
  if (op in cmp) return (s) => compare(op, left(s), right(s));
  return (s) => arith(op, left(s), right(s));
}

export function compileExpr(text) {
  const parser = new Parser(text);
  if (parser.tokens.length === 0) throw new ExpressionError("the expression is empty");
  const node = parser.parse();
  if (parser.peek() !== null) throw new ExpressionError(`unexpected '${parser.peek()[1]}'`);
  return {
    source: text,
    refs: parser.refs,
    evaluate: (scope) => node(scope),
    test: (scope) => truthy(node(scope)),
  };
}
