import fs from "node:fs";
import readline from "node:readline";
import type { Readable } from "node:stream";
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

/**
 * The lines of a plain or gzipped text file, numbered from 1, streamed: readline's async
 * iterator pauses the input while the consumer awaits, so memory stays flat however large the
 * file is. A damaged gzip stream throws after the lines before the damage. `bytesRead` is how
 * far into the (compressed) file reading has got, for estimating the total.
 */
export async function* fileLines(
  file: string,
): AsyncGenerator<{ line: string; lineNo: number; bytesRead: number }> {
  const raw = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  let input: Readable = raw;
  if (await isGzip(file)) {
    const gunzip = zlib.createGunzip();
    // pipe() does not forward errors; a read error must fail the gunzip side we iterate.
    input.on("error", (err) => gunzip.destroy(err));
    input = input.pipe(gunzip);
  }
  const rl = readline.createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      yield { line, lineNo, bytesRead: raw.bytesRead };
    }
  } finally {
    rl.close();
    input.destroy();
  }
}
