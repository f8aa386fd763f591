import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { test } from "node:test";
import zlib from "node:zlib";
import { fileLineChunks } from "./lines.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-lines-"));
process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));

async function chunkedLines(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of fileLineChunks(file)) {
    assert.equal(chunk.firstLineNo, out.length + 1);
    out.push(...chunk.lines);
  }
  return out;
}

/** What readline, which the importer used before, makes of the same file. */
async function readlineLines(file: string): Promise<string[]> {
  const rl = readline.createInterface({
    input: fs.createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const out: string[] = [];
  for await (const line of rl) out.push(line);
  return out;
}

test("lines split as readline splits them: \\n, \\r\\n, a lone \\r, no final newline, blank lines", async () => {
  for (const [i, text] of [
    "a\nb\r\nc\rd\n\n\ne",
    "one\n",
    "\n\n",
    "x\r",
    "x\r\r\ny\r\n",
    "",
    "no newline at all",
  ].entries()) {
    const file = path.join(dir, `small-${i}.txt`);
    fs.writeFileSync(file, text);
    assert.deepEqual(await chunkedLines(file), await readlineLines(file), JSON.stringify(text));
  }
});

test("a line split across reads, a UTF-8 character split across reads, and a .gz of it read the same", async () => {
  // Lines of varied length with two- and four-byte characters, over several 1 MB reads.
  const lines = Array.from({ length: 6000 }, (_, i) => `${i} Müller 𝔽 ${"é".repeat(i % 700)} end`);
  const file = path.join(dir, "big.jsonl");
  fs.writeFileSync(file, `${lines.join("\r\n")}\n`);
  assert.ok(fs.statSync(file).size > 3 << 20);
  assert.deepEqual(await chunkedLines(file), lines);
  const gz = path.join(dir, "big.jsonl.gz");
  fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(file)));
  assert.deepEqual(await chunkedLines(gz), lines);
});

test("a damaged gzip stream gives every whole line before the damage, then fails", async () => {
  const lines = Array.from({ length: 20000 }, (_, i) => `line ${i} ${"x".repeat(i % 300)}`);
  const gz = zlib.gzipSync(`${lines.join("\n")}\n`);
  const file = path.join(dir, "cut.gz");
  fs.writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
  const got: string[] = [];
  await assert.rejects(async () => {
    for await (const chunk of fileLineChunks(file)) got.push(...chunk.lines);
  }, /unexpected end of file/);
  assert.ok(got.length > 1000);
  assert.deepEqual(got, lines.slice(0, got.length));
  // Everything gunzip could decompress is there: the lines decompressed in one go.
  const partial = zlib.gunzipSync(gz.subarray(0, Math.floor(gz.length / 2)), {
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  });
  assert.equal(got.length, partial.toString("utf8").split("\n").length - 1);
});

test("a missing file or a directory fails the iteration with the system's error, and only that", async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on("uncaughtException", onUncaught);
  try {
    await assert.rejects(chunkedLines(path.join(dir, "missing.jsonl")), /ENOENT/);
    await assert.rejects(chunkedLines(dir), /EISDIR/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(uncaught, []);
  } finally {
    process.off("uncaughtException", onUncaught);
  }
});
