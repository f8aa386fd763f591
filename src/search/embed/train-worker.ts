import { Worker } from "node:worker_threads";
import { type BuiltinTraining, trainBuiltin } from "./builtin.ts";
import type { ContrastiveParams } from "./contrastive.ts";
import type { LsaParams } from "./lsa.ts";

/**
 * Trains the built-in model on a worker thread: the SVD and the contrastive refinement are
 * minutes of synchronous arithmetic at a 60,000-paper sample, and the server's event loop must
 * keep answering meanwhile. The worker loads the TypeScript sources through tsx the way
 * bin/dailypapers.js does. Where a worker cannot start (an unusual loader setup), training
 * runs on the calling thread instead.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = await import("node:worker_threads");
const { register } = await import(workerData.tsx);
register();
const { trainBuiltin } = await import(workerData.builtin);
const t = trainBuiltin(workerData.papers, workerData.params, workerData.contrastive);
parentPort.postMessage(t, [t.model.idf.buffer, t.model.vectors.buffer]);
`;

export async function trainBuiltinOffThread(
  papers: { title: string; abstract: string }[],
  params: Partial<LsaParams>,
  contrastive: Partial<ContrastiveParams> = {},
): Promise<BuiltinTraining> {
  let worker: Worker;
  try {
    worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`), {
      workerData: {
        papers,
        params,
        contrastive,
        tsx: import.meta.resolve("tsx/esm/api"),
        builtin: new URL("./builtin.ts", import.meta.url).href,
      },
    });
  } catch {
    return trainBuiltin(papers, params, contrastive);
  }
  return new Promise<BuiltinTraining>((resolve, reject) => {
    worker.once("message", (m: BuiltinTraining) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`model training worker exited with code ${code}`));
    });
  });
}
