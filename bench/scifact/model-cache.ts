import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { packLsa, unpackLsa } from "../../src/search/embed/embedder.ts";
import type { LsaModel } from "../../src/search/embed/lsa.ts";

/**
 * Trained built-in models kept in the OS temp dir between benchmark runs, as the packed float32
 * weights the database stores (embedder.ts) beside a JSON header: the 2 shared cores make every
 * retraining minutes long, and a cached model is bit for bit the one that was measured.
 */
export function cachedModel(name: string, train: () => LsaModel): { model: LsaModel; cached: boolean } {
  const base = path.join(os.tmpdir(), `dailypapers-model-${name}`);
  if (fs.existsSync(`${base}.bin`) && fs.existsSync(`${base}.json`)) {
    const { params, avgLen, vocab } = JSON.parse(fs.readFileSync(`${base}.json`, "utf8"));
    return { model: unpackLsa({ ...params, avgLen }, vocab, fs.readFileSync(`${base}.bin`)), cached: true };
  }
  const model = train();
  fs.writeFileSync(`${base}.bin`, packLsa(model));
  fs.writeFileSync(
    `${base}.json`,
    JSON.stringify({ params: model.params, avgLen: model.avgLen, vocab: model.vocab }),
  );
  return { model, cached: false };
}
