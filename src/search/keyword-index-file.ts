import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Bm25Params } from "./bm25.ts";
import { KeywordIndex, type KeywordIndexSnapshot } from "./keyword-index.ts";
import { analyze } from "./text.ts";

/**
 * The keyword index on disk, so a web process answers search seconds after it starts instead of
 * re-analysing every paper (minutes at a million). It is derived data: the papers table is the
 * truth, and a file that cannot be trusted is reported and rebuilt, never half-used.
 *
 * Layout: 8 magic bytes, a little-endian uint32 header length, a JSON header, then the body: the
 * snapshot's arrays, each starting on an 8-byte boundary so they are read back as typed-array
 * views without a copy. The header holds the format version, a fingerprint of the text analyser
 * (a changed stemmer makes every stored term wrong), the BM25 parameters, the counts, the
 * database time the index was current at, each section's place and a CRC-32 of the body.
 */

const MAGIC = "DPKWIDX\n";
const KEYWORD_INDEX_FORMAT = 1;
const ALIGN = 8;

// Words whose analysis differs between any two analysers worth telling apart: stemming strength,
// stop words, compounds, TeX, accents, possessives and digits.
const ANALYZER_PROBE =
  "Medical medication medicine universities universe organizations organs running ran runs studies " +
  "pre-training pretrained LLMs large language models (LLMs) AI the of and $\\pi$-Net \\emph{Gödel's} naïve " +
  "COVID-19 3D-CNN x-rays analyses analysis generalization better best mice data's indices matrices";

/** Changes whenever the analyser would index the probe differently. */
function analyzerFingerprint(): string {
  return zlib.crc32(analyze(ANALYZER_PROBE).join(" ")).toString(16);
}

interface Section {
  name: keyof KeywordIndexSnapshot;
  offset: number;
  bytes: number;
}

interface Header {
  format: number;
  analyzer: string;
  params: Bm25Params;
  docs: number;
  terms: number;
  postings: number;
  /** Database time (ms) up to which the index reflects the table. */
  watermarkMs: number;
  bodyBytes: number;
  crc32: number;
  sections: Section[];
}

const STRING_SECTIONS = new Set<keyof KeywordIndexSnapshot>(["ids", "terms", "cats"]);
const ARRAY_TYPES = {
  lens: Uint16Array,
  days: Int32Array,
  modified: Float64Array,
  termCounts: Uint32Array,
  postingDocs: Uint32Array,
  postingTfs: Uint16Array,
  catCounts: Uint32Array,
  catDocs: Uint32Array,
} as const;
const ORDER: (keyof KeywordIndexSnapshot)[] = [
  "ids",
  "lens",
  "days",
  "modified",
  "terms",
  "termCounts",
  "postingDocs",
  "postingTfs",
  "cats",
  "catCounts",
  "catDocs",
];

function sectionBytes(s: KeywordIndexSnapshot, name: keyof KeywordIndexSnapshot): Uint8Array {
  const v = s[name];
  if (STRING_SECTIONS.has(name)) return Buffer.from((v as string[]).join("\n"), "utf8");
  const a = v as ArrayBufferView;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Writes the index atomically (a temporary file renamed over the old one), so a crash or a
 * second process writing at the same moment leaves either the old file or the new one.
 */
export function saveKeywordIndex(index: KeywordIndex, watermarkMs: number, file: string): void {
  const snap = index.snapshot();
  // Newline separates strings: a term never holds one (the analyser splits on white space), nor
  // does an arXiv id or a category (both are validated on import).
  const parts = ORDER.map((name) => sectionBytes(snap, name));
  const sections: Section[] = [];
  let offset = 0;
  let crc = 0;
  const pad = (n: number) => (ALIGN - (n % ALIGN)) % ALIGN;
  const zeros = new Uint8Array(ALIGN);
  ORDER.forEach((name, i) => {
    sections.push({ name, offset, bytes: parts[i].byteLength });
    crc = zlib.crc32(parts[i], crc);
    crc = zlib.crc32(zeros.subarray(0, pad(parts[i].byteLength)), crc);
    offset += parts[i].byteLength + pad(parts[i].byteLength);
  });
  const header: Header = {
    format: KEYWORD_INDEX_FORMAT,
    analyzer: analyzerFingerprint(),
    params: index.params,
    docs: snap.ids.length,
    terms: snap.terms.length,
    postings: snap.postingDocs.length,
    watermarkMs,
    bodyBytes: offset,
    crc32: crc,
    sections,
  };
  let json = JSON.stringify(header);
  // The body must start aligned: pad the header with spaces (still valid JSON).
  json += " ".repeat(pad(MAGIC.length + 4 + Buffer.byteLength(json)));
  const head = Buffer.alloc(MAGIC.length + 4);
  head.write(MAGIC, 0, "latin1");
  head.writeUInt32LE(Buffer.byteLength(json), MAGIC.length);

  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeSync(fd, head);
    fs.writeSync(fd, Buffer.from(json, "utf8"));
    parts.forEach((p) => {
      fs.writeSync(fd, p);
      const n = pad(p.byteLength);
      if (n) fs.writeSync(fd, zeros.subarray(0, n));
    });
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export type LoadResult =
  | { ok: true; index: KeywordIndex; watermarkMs: number }
  | { ok: false; reason: string };

/** Reads a saved index, or says why it cannot be used (missing, truncated, corrupt, stale format). */
export function loadKeywordIndex(file: string, params: Bm25Params): LoadResult {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    return {
      ok: false,
      reason: (err as NodeJS.ErrnoException).code === "ENOENT" ? "no index file" : String(err),
    };
  }
  if (buf.length < MAGIC.length + 4 || buf.toString("latin1", 0, MAGIC.length) !== MAGIC)
    return { ok: false, reason: "not a keyword index file" };
  const headerLen = buf.readUInt32LE(MAGIC.length);
  const bodyStart = MAGIC.length + 4 + headerLen;
  if (bodyStart > buf.length) return { ok: false, reason: "truncated header" };
  let header: Header;
  try {
    header = JSON.parse(buf.toString("utf8", MAGIC.length + 4, bodyStart));
  } catch {
    return { ok: false, reason: "unreadable header" };
  }
  if (header.format !== KEYWORD_INDEX_FORMAT)
    return { ok: false, reason: `format ${header.format}, this version reads ${KEYWORD_INDEX_FORMAT}` };
  if (header.analyzer !== analyzerFingerprint())
    return { ok: false, reason: "made by another text analyser" };
  if (JSON.stringify(header.params) !== JSON.stringify(params))
    return { ok: false, reason: "made with other ranking parameters" };
  if (buf.length - bodyStart !== header.bodyBytes)
    return { ok: false, reason: `truncated: ${buf.length - bodyStart} of ${header.bodyBytes} body bytes` };
  // Typed-array views need aligned offsets; a Buffer from the pool might not start aligned.
  const body =
    (buf.byteOffset + bodyStart) % ALIGN === 0
      ? new Uint8Array(buf.buffer, buf.byteOffset + bodyStart, header.bodyBytes)
      : new Uint8Array(buf.subarray(bodyStart));
  if (zlib.crc32(body) !== header.crc32) return { ok: false, reason: "checksum mismatch" };

  const snap: Partial<Record<keyof KeywordIndexSnapshot, unknown>> = {};
  for (const s of header.sections) {
    const bytes = body.subarray(s.offset, s.offset + s.bytes);
    if (STRING_SECTIONS.has(s.name)) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
      snap[s.name] = text === "" ? [] : text.split("\n");
    } else {
      const T = ARRAY_TYPES[s.name as keyof typeof ARRAY_TYPES];
      snap[s.name] = new T(bytes.buffer as ArrayBuffer, bytes.byteOffset, s.bytes / T.BYTES_PER_ELEMENT);
    }
  }
  const s = snap as unknown as KeywordIndexSnapshot;
  if (
    s.ids.length !== header.docs ||
    s.terms.length !== header.terms ||
    s.postingDocs.length !== header.postings
  )
    return { ok: false, reason: "counts disagree with the header" };
  return { ok: true, index: KeywordIndex.fromSnapshot(s, params), watermarkMs: header.watermarkMs };
}
