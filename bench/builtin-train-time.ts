/**
 * Training time of the built-in model at scale (`node --import tsx bench/builtin-train-time.ts
 * [--docs 100000]`): generated papers (bench/search-corpus.ts: real SciFact sentences
 * recombined), the seeded training sample the job takes (at most maxTrainDocs), then LSA and
 * the contrastive refinement timed apart, on one thread as the training worker runs them, and
 * the embedding rate of the refined model. Prints the load average beside every figure.
 */
import os from "node:os";
import { refineContrastive } from "../src/search/embed/contrastive.ts";
import { paperText } from "../src/search/embed/embedder.ts";
import { DEFAULT_LSA_PARAMS, embedLsa, trainLsa } from "../src/search/embed/lsa.ts";
import { generatePapers } from "./search-corpus.ts";

const i = process.argv.indexOf("--docs");
const DOCS = i > 0 ? Number(process.argv[i + 1]) : 100_000;
const load = () =>
  `load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`;
// Training is one thread of arithmetic: its CPU seconds are what it takes on an idle core,
// whatever the other processes on the machine are doing.
const cpu = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return `${((u.user + u.system) / 1e6).toFixed(1)} s CPU`;
};
const all = [...generatePapers(DOCS)];
// The job samples in SQL (paperTextsSample); an even stride gives the same size here.
const step = Math.max(1, all.length / DEFAULT_LSA_PARAMS.maxTrainDocs);
const sample: { title: string; abstract: string }[] = [];
for (let at = 0; at < all.length; at += step) {
  const p = all[Math.floor(at)];
  sample.push({ title: p.title, abstract: p.abstract ?? "" });
}
console.log(`${DOCS} papers generated, training sample ${sample.length} (${load()})`);
let c = process.cpuUsage();
let t = performance.now();
const model = trainLsa(sample.map((p) => paperText(p.title, p.abstract)));
const lsaS = (performance.now() - t) / 1000;
console.log(`LSA: ${lsaS.toFixed(1)} s wall, ${cpu(c)}, vocab ${model.vocab.length} (${load()})`);
c = process.cpuUsage();
t = performance.now();
const report = refineContrastive(model, sample);
const refineS = (performance.now() - t) / 1000;
console.log(`contrastive: ${refineS.toFixed(1)} s wall, ${cpu(c)}, ${JSON.stringify(report)} (${load()})`);
console.log(`training total: ${(lsaS + refineS).toFixed(1)} s`);
c = process.cpuUsage();
t = performance.now();
const probe = all.slice(0, 5000);
for (const p of probe) embedLsa(model, paperText(p.title, p.abstract ?? ""));
console.log(
  `embedding: ${Math.round(probe.length / ((performance.now() - t) / 1000))} abstracts/s (${load()})`,
);
