import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scifactCorpus } from "../../bench/scifact/data.ts";
import { trainBuiltin } from "../../src/search/embed/builtin.ts";
import { refineContrastive, sentences } from "../../src/search/embed/contrastive.ts";
import { lsaEmbedder, packLsa, unpackLsa } from "../../src/search/embed/embedder.ts";
import { embedLsa, trainLsa } from "../../src/search/embed/lsa.ts";
import { symmetricEigen } from "../../src/search/embed/svd.ts";
import { trainBuiltinOffThread } from "../../src/search/embed/train-worker.ts";

// Real abstracts from ../shared: the first 300 SciFact documents.
const papers = scifactCorpus()
  .slice(0, 300)
  .map((d) => ({ title: d.title, abstract: d.text }));
const texts = papers.map((p) => `${p.title}. ${p.abstract}`);

/** How many of the first 100 papers' titles find their own abstract first among those 100. */
function ownTitleTop1(m: ReturnType<typeof trainLsa>): number {
  const docs = papers.slice(0, 100).map((p) => embedLsa(m, p.abstract));
  let top1 = 0;
  for (const [i, p] of papers.slice(0, 100).entries()) {
    const q = embedLsa(m, p.title, true);
    const sims = docs.map((d) => d.reduce((s, x, c) => s + x * q[c], 0));
    if (sims.indexOf(Math.max(...sims)) === i) top1++;
  }
  return top1;
}

describe("built-in LSA model", () => {
  test("trains to the same bytes for the same corpus and seed, and differently for another seed", () => {
    const a = trainLsa(texts, { dims: 32, seed: 7 });
    const b = trainLsa(texts, { dims: 32, seed: 7 });
    const c = trainLsa(texts, { dims: 32, seed: 8 });
    assert.deepEqual(a.vocab, b.vocab);
    assert.deepEqual(Buffer.from(packLsa(a)), Buffer.from(packLsa(b)));
    assert.notDeepEqual(Buffer.from(packLsa(a)), Buffer.from(packLsa(c)));
    assert.deepEqual(embedLsa(a, texts[0]), embedLsa(b, texts[0]));
  });

  test("training on a worker thread gives the same model, while the event loop keeps running", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const off = await trainBuiltinOffThread(papers, { dims: 32, seed: 7 }, { epochs: 1 });
    clearInterval(timer);
    const on = trainBuiltin(papers, { dims: 32, seed: 7 }, { epochs: 1 });
    assert.deepEqual(Buffer.from(packLsa(off.model)), Buffer.from(packLsa(on.model)));
    assert.deepEqual(off.report, on.report);
    assert.ok(ticks > 0, "timers fired during training");
  });

  test("contrastive refinement lowers its loss and brings titles nearer their own abstracts", () => {
    const lsa = trainLsa(texts, { dims: 32, seed: 7 });
    const refined = { ...lsa, vectors: Float32Array.from(lsa.vectors) };
    const report = refineContrastive(refined, papers, { epochs: 4, batchSize: 64 });
    assert.ok(report.steps > 0 && report.pairs > papers.length, JSON.stringify(report));
    assert.ok(report.lossLast < report.lossFirst, JSON.stringify(report));
    const before = ownTitleTop1(lsa);
    const after = ownTitleTop1(refined);
    assert.ok(after > before, `own-title top-1: ${before} before, ${after} after`);
  });

  test("with topical batches it also lowers its loss and brings titles nearer their abstracts", () => {
    const lsa = trainLsa(texts, { dims: 32, seed: 7 });
    const refined = { ...lsa, vectors: Float32Array.from(lsa.vectors) };
    const report = refineContrastive(refined, papers, { epochs: 4, batchSize: 64, topicalBatches: true });
    assert.ok(report.lossLast < report.lossFirst, JSON.stringify(report));
    assert.ok(ownTitleTop1(refined) > ownTitleTop1(lsa));
  });

  test("in topical batches two pairs of one paper are not each other's negatives", () => {
    const lsa = trainLsa(texts, { dims: 16, seed: 7 });
    const one = papers.find((p) => sentences(p.abstract).length >= 3)!;
    const before = Float32Array.from(lsa.vectors);
    // Its title pair and two sentence pairs make one batch with no other paper: nothing to learn.
    const report = refineContrastive(lsa, [one], { epochs: 1, sentencesPerPaper: 2, topicalBatches: true });
    assert.equal(report.steps, 1);
    assert.ok(Math.abs(report.lossFirst) < 1e-9, JSON.stringify(report));
    assert.deepEqual(lsa.vectors, before);
  });

  test("contrastive refinement learns from at most maxPapers papers, to bound its time", () => {
    const lsa = trainLsa(texts, { dims: 16, seed: 7 });
    const capped = refineContrastive(lsa, papers, { epochs: 1, maxPapers: 100, sentencesPerPaper: 2 });
    const full = refineContrastive(lsa, papers, { epochs: 1, sentencesPerPaper: 2 });
    assert.ok(capped.pairs <= 100 * 3, `${capped.pairs} pairs from 100 papers`);
    assert.ok(full.pairs > 300, `${full.pairs} pairs from 300 papers`);
  });

  test("splits abstracts into sentences at end punctuation before a capital", () => {
    assert.deepEqual(
      sentences("We study mice in detail. Results were clear (p < 0.05). 3 of 5 died, e.g. here."),
      ["We study mice in detail.", "Results were clear (p < 0.05).", "3 of 5 died, e.g. here."],
    );
  });

  test("embeds unit vectors; a text with no known word gets the zero vector", () => {
    const m = trainLsa(texts, { dims: 16, seed: 1 });
    const v = embedLsa(m, texts[3]);
    assert.equal(v.length, 16);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5);
    assert.deepEqual([...embedLsa(m, "zzqx wqqz")], new Array(16).fill(0));
  });

  test("an abstract is nearer to its own title than to other papers' titles", () => {
    const m = trainLsa(texts, { dims: 32, seed: 3 });
    const docs = scifactCorpus().slice(0, 50);
    let top1 = 0;
    for (const [i, d] of docs.entries()) {
      const abs = embedLsa(m, d.text);
      const sims = docs.map((x) => embedLsa(m, x.title, true).reduce((s, t, c) => s + t * abs[c], 0));
      if (sims.indexOf(Math.max(...sims)) === i) top1++;
    }
    assert.ok(top1 >= 35, `only ${top1} of 50 abstracts matched their own title best`);
  });

  test("survives packing into bytes and back, as stored in the database", async () => {
    const m = trainLsa(texts, { dims: 16, seed: 5 });
    const back = unpackLsa({ ...m.params, avgLen: m.avgLen }, m.vocab, packLsa(m));
    const e = lsaEmbedder(1, back);
    assert.deepEqual(
      await e.embedQuery("breast tumor metastasis"),
      embedLsa(m, "breast tumor metastasis", true),
    );
    assert.throws(
      () => unpackLsa({ ...m.params, avgLen: m.avgLen }, m.vocab.slice(1), packLsa(m)),
      /do not match/,
    );
  });

  test("Jacobi eigen-decomposition of a known symmetric matrix", () => {
    // [[2,1],[1,2]] has eigenvalues 3 and 1.
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    assert.deepEqual(
      [...values].sort().map((x) => Math.round(x * 1e9) / 1e9),
      [1, 3],
    );
  });
});
