import { Worker } from "node:worker_threads";
import { type LsaModel, type LsaParams, trainLsa } from "./lsa.ts";

/**
 * Trains the LSA model on a worker thread: the SVD is minutes of synchronous arithmetic at a
 * 60,000-paper sample, and the server's event loop must keep answering meanwhile. The worker
 * loads the TypeScript sources through tsx the way bin/dailypapers.js does. Where a worker
 * cannot start (an unusual loader setup), training runs on the calling thread instead.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = await import("node:worker_threads");
const { register } = await import(workerData.tsx);
register();
const { trainLsa } = await import(workerData.lsa);
const m = trainLsa(workerData.texts, workerData.params);
parentPort.postMessage(
  { params: m.params, vocab: m.vocab, idf: m.idf, vectors: m.vectors, avgLen: m.avgLen },
  [m.idf.buffer, m.vectors.buffer],
);
`;

export async function trainLsaOffThread(texts: string[], params: Partial<LsaParams>): Promise<LsaModel> {
  let worker: Worker;
  try {
    worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
      workerData: {
        texts,
        params,
        tsx: import.meta.resolve("tsx/esm/api"),
        lsa: new URL("./lsa.ts", import.meta.url).href,
      },
    });
  } catch {
    return trainLsa(texts, params);
  }
  return new Promise<LsaModel>((resolve, reject) => {
    worker.once("message", (m: LsaModel) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`model training worker exited with code ${code}`));
    });
  });
}
