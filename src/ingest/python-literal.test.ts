import assert from "node:assert/strict";
import { test } from "node:test";
import { parsePythonLiteral } from "./python-literal.ts";

test("repr() of an entry: quotes, True/False/None, nesting", () => {
  assert.deepEqual(
    parsePythonLiteral(
      "{'paper': {'id': '2412.07730', 'hidden': False, 'ok': True, 'x': None, 'n': -3, 'f': 2.5e-3, 'l': [1, (2, 3)]}}",
    ),
    { paper: { id: "2412.07730", hidden: false, ok: true, x: null, n: -3, f: 0.0025, l: [1, [2, 3]] } },
  );
});

test("strings: the other quote inside, escapes, prefixes, adjacent literals", () => {
  assert.equal(parsePythonLiteral(`"Don't Stop"`), "Don't Stop");
  assert.equal(parsePythonLiteral(String.raw`'it\'s \\ a\ttab\nline'`), "it's \\ a\ttab\nline");
  assert.equal(parsePythonLiteral(String.raw`'\x41\u00e9\U0001F600\101'`), "Aé😀A");
  assert.equal(parsePythonLiteral(String.raw`r'\d+'`), "\\d+");
  assert.equal(parsePythonLiteral(`'ab' "cd"`), "abcd");
  assert.equal(parsePythonLiteral(`'''a'b'''`), "a'b");
  assert.equal(parsePythonLiteral(String.raw`'\d'`), "\\d");
});

test("trailing commas, sets, empty containers", () => {
  assert.deepEqual(parsePythonLiteral("[1, 2,]"), [1, 2]);
  assert.deepEqual(parsePythonLiteral("{1, 2}"), [1, 2]);
  assert.deepEqual(parsePythonLiteral("{}"), {});
  assert.deepEqual(parsePythonLiteral("()"), []);
});

test("keys like __proto__ are plain data", () => {
  const v = parsePythonLiteral("{'__proto__': {'polluted': True}}") as Record<string, unknown>;
  assert.deepEqual(Object.keys(v), ["__proto__"]);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("errors say what and where", () => {
  const cases: [string, string][] = [
    ["{'a': 1", 'expected "," or "}" at offset 7'],
    ["'abc", "unterminated string at offset 0"],
    ["[1 2]", 'expected "," or "]" at offset 3'],
    ["Nope", 'unexpected "Nope" at offset 0'],
    ["{'a': 1}x", 'unexpected "x" after the value at offset 8'],
    [String.raw`'\x4'`, "malformed \\x escape at offset 1"],
    ["{'a' 1}", 'expected "," or "}" at offset 5'],
    ["[".repeat(300), "nesting deeper than 200 at offset 201"],
    ["", "unexpected end of input at offset 0"],
  ];
  for (const [input, message] of cases) assert.throws(() => parsePythonLiteral(input), { message }, input);
});
