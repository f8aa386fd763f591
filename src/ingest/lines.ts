import fs from "node:fs";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import zlib from "node:zlib";

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts with gzip's magic bytes, whatever its name says. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await fs.promises.open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === GZIP_MAGIC[0] && buffer[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** The lines one read of the file completed, numbered from `firstLineNo`. */
export interface LineChunk {
  lines: string[];
  firstLineNo: number;
  /** How far into the (compressed) file reading has got, for estimating the total. */
  bytesRead: number;
}

/**
 * The lines of a plain or gzipped text file, a read (1 MB) at a time, split as readline splits
 * them (at \n, \r\n and a lone \r, the last line kept without an ending): a snapshot line is
 * then handed on without a promise and an event of its own, which were a tenth of an import's
 * parse. The stream is pulled, not pushed, so memory stays flat however large the file is. A
 * damaged gzip stream throws after the lines before the damage.
 */
export async function* fileLineChunks(file: string): AsyncGenerator<LineChunk> {
  // The stream is made after the await: one that failed to open meanwhile, with nothing yet
  // listening, would throw its error out of the process instead of out of this iterator.
  const gunzip = (await isGzip(file)) ? zlib.createGunzip() : null;
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const decoder = new StringDecoder("utf8");
  let rest = "";
  let lineNo = 0;
  const split = (text: string, final: boolean): string[] => {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      pushLine(lines, text.slice(start, end));
      start = nl + 1;
    }
    rest = text.slice(start);
    if (final && rest !== "") {
      // A lone \r at the very end ends the last line; nothing follows it.
      pushLine(lines, rest.endsWith("\r") ? rest.slice(0, -1) : rest);
      rest = "";
    }
    return lines;
  };
  try {
    for await (const chunk of readsOf(raw, gunzip)) {
      const lines = split(rest + decoder.write(chunk), false);
      if (lines.length === 0) continue;
      yield { lines, firstLineNo: lineNo + 1, bytesRead: raw.bytesRead };
      lineNo += lines.length;
    }
    const lines = split(rest + decoder.end(), true);
    if (lines.length > 0) yield { lines, firstLineNo: lineNo + 1, bytesRead: raw.bytesRead };
  } finally {
    raw.destroy();
    gunzip?.destroy();
  }
}

/**
 * The file's chunks (decompressed when `gunzip` is given), as they are emitted. Flow control
 * pauses the file, never the decompressor: a paused stream that fails drops what it holds, so
 * every line gunzip produced before a damaged part is still read, whichever thread reads it.
 * At most a few MB wait: two chunks, and what one file read decompresses to.
 */
async function* readsOf(raw: Readable, gunzip: zlib.Gunzip | null): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const output = gunzip ?? raw;
  const fail = (err: Error) => {
    failure ??= err;
    notify();
  };
  output.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    if (queue.length >= 2) raw.pause();
    notify();
  });
  output.on("end", () => {
    ended = true;
    notify();
  });
  raw.on("error", fail);
  if (gunzip) {
    gunzip.on("error", fail);
    raw.on("data", (chunk: Buffer) => gunzip.write(chunk));
    raw.on("end", () => gunzip.end());
  }
  for (;;) {
    const chunk = queue.shift();
    if (chunk) {
      if (queue.length < 2 && raw.isPaused()) raw.resume();
      yield chunk;
      continue;
    }
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}

/** A lone \r ends a line too, as in readline; in a JSON line it can only be a line break. */
function pushLine(lines: string[], line: string) {
  if (!line.includes("\r")) lines.push(line);
  else for (const part of line.split(/\r\n?/)) lines.push(part);
}
