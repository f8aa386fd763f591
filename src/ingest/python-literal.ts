/**
 * A parser for Python literals as `repr()` prints them: str (single, double or triple quoted,
 * with r/u/b prefixes and every escape repr emits), int, float, True/False/None, list, tuple,
 * set and dict. Some collected Hugging Face responses store each entry as such a string.
 * Regex rewriting to JSON breaks on apostrophes inside titles ("Don't") and on escapes, so
 * this reads the grammar properly and fails with the offset of the first bad character.
 */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

class PythonLiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

export function parsePythonLiteral(text: string): PyValue {
  const p = new Parser(text);
  p.skipSpace();
  const value = p.value();
  p.skipSpace();
  if (p.pos < text.length) p.fail(`unexpected ${JSON.stringify(text[p.pos])} after the value`);
  return value;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

class Parser {
  pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  fail(message: string, at = this.pos): never {
    throw new PythonLiteralError(message, at);
  }

  skipSpace(): void {
    while (this.pos < this.s.length && /[ \t\r\n]/.test(this.s[this.pos])) this.pos++;
  }

  value(): PyValue {
    const c = this.s[this.pos];
    if (c === undefined) this.fail("unexpected end of input");
    if (c === "[") return this.sequence("[", "]");
    if (c === "(") return this.sequence("(", ")");
    if (c === "{") return this.braces();
    if (c === "'" || c === '"') return this.strings();
    if (/[rRuUbB]/.test(c) && /['"]/.test(this.s[this.pos + 1] ?? "")) return this.strings();
    if (/[-+0-9.]/.test(c)) return this.number();
    const word = /^[A-Za-z_]\w*/.exec(this.s.slice(this.pos, this.pos + 16))?.[0];
    if (word === "True" || word === "False" || word === "None") {
      this.pos += word.length;
      return word === "True" ? true : word === "False" ? false : null;
    }
    return this.fail(`unexpected ${JSON.stringify(word ?? c)}`);
  }

  private enter(): void {
    // repr output is shallow; a bound keeps a hostile file from overflowing the stack.
    if (++this.depth > 200) this.fail("nesting deeper than 200");
  }

  /** Items separated by commas up to `close`; a trailing comma is allowed, as in Python. */
  private items(close: string, item: () => void): void {
    this.pos++;
    this.enter();
    this.skipSpace();
    while (this.s[this.pos] !== close) {
      item();
      this.skipSpace();
      if (this.s[this.pos] === ",") {
        this.pos++;
        this.skipSpace();
      } else if (this.s[this.pos] !== close) {
        this.fail(`expected "," or "${close}"`);
      }
    }
    this.pos++;
    this.depth--;
  }

  private sequence(_open: string, close: string): PyValue[] {
    const out: PyValue[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  /** A dict, or a set (which has no JSON form and becomes a list). */
  private braces(): PyValue {
    const dict: Record<string, PyValue> = {};
    const set: PyValue[] = [];
    let kind: "dict" | "set" | null = null;
    this.items("}", () => {
      const keyAt = this.pos;
      const key = this.value();
      this.skipSpace();
      if (this.s[this.pos] === ":") {
        if (kind === "set") this.fail('unexpected ":" in a set');
        kind = "dict";
        this.pos++;
        this.skipSpace();
        if (typeof key === "object" && key !== null) this.fail("unhashable dict key", keyAt);
        Object.defineProperty(dict, String(key), {
          value: this.value(),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        if (kind === "dict") this.fail('expected ":"');
        kind = "set";
        set.push(key);
      }
    });
    return kind === "set" ? set : dict;
  }

  private number(): number {
    const m = /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][-+]?\d+)?/.exec(
      this.s.slice(this.pos, this.pos + 64),
    );
    if (!m) this.fail("malformed number");
    this.pos += m[0].length;
    return Number(m[0].replaceAll("_", ""));
  }

  /** Adjacent literals concatenate ('a' 'b' is 'ab'), as Python's grammar says. */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === "'" || c === '"' || (/[rRuUbB]/.test(c ?? "") && /['"]/.test(this.s[this.pos + 1] ?? ""))) {
        out += this.string();
      } else {
        this.pos = save;
        return out;
      }
    }
  }

  private string(): string {
    const start = this.pos;
    let raw = false;
    while (/[rRuUbB]/.test(this.s[this.pos])) raw ||= /[rR]/.test(this.s[this.pos++]);
    const quote = this.s[this.pos];
    const triple = this.s.startsWith(quote.repeat(3), this.pos);
    const delim = triple ? quote.repeat(3) : quote;
    this.pos += delim.length;
    let out = "";
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) this.fail("unterminated string", start);
      if (this.s.startsWith(delim, this.pos)) {
        this.pos += delim.length;
        return out;
      }
      if (!triple && c === "\n") this.fail("line break inside a string", start);
      if (c === "\\") {
        out += raw ? this.rawEscape() : this.escape();
      } else {
        out += c;
        this.pos++;
      }
    }
  }

  private rawEscape(): string {
    const pair = this.s.slice(this.pos, this.pos + 2);
    this.pos += 2;
    return pair;
  }

  private escape(): string {
    const at = this.pos;
    const c = this.s[this.pos + 1];
    if (c === undefined) this.fail("unterminated string");
    this.pos += 2;
    if (c === "\n") return "";
    if (c in SIMPLE_ESCAPES && !(c === "0" && /[0-7]/.test(this.s[this.pos] ?? ""))) return SIMPLE_ESCAPES[c];
    if (/[0-7]/.test(c)) {
      const digits = /^[0-7]{0,2}/.exec(this.s.slice(this.pos))?.[0] ?? "";
      this.pos += digits.length;
      return String.fromCharCode(Number.parseInt(c + digits, 8));
    }
    const width = c === "x" ? 2 : c === "u" ? 4 : c === "U" ? 8 : 0;
    if (width > 0) {
      const hex = this.s.slice(this.pos, this.pos + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail(`malformed \\${c} escape`, at);
      this.pos += width;
      const code = Number.parseInt(hex, 16);
      if (code > 0x10ffff) this.fail(`\\${c}${hex} is beyond Unicode`, at);
      return String.fromCodePoint(code);
    }
    // Python keeps unknown escapes as written ("\d" stays backslash-d).
    return `\\${c}`;
  }
}
