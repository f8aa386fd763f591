import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { scifactCorpus } from "../../bench/scifact/data.ts";
import { sentences } from "../../src/search/embed/contrastive.ts";
import { paperText } from "../../src/search/embed/embedder.ts";
import { embedLsa, trainLsa } from "../../src/search/embed/lsa.ts";
import { bestPassageCosines, PASSAGE_DEPTH, rescoreByPassages } from "../../src/search/embed/passages.ts";

const papers = scifactCorpus()
  .slice(0, 300)
  .map((d) => ({ title: d.title, abstract: d.text }));
const model = trainLsa(
  papers.map((p) => paperText(p.title, p.abstract)),
  { dims: 32, seed: 7 },
);

describe("passage scoring", () => {
  test("a query that restates one sentence is nearer that sentence than the whole paper", () => {
    const paper = papers.find((p) => sentences(p.abstract).length >= 6)!;
    const claim = sentences(paper.abstract)[3];
    const q = embedLsa(model, claim, true);
    const whole = embedLsa(model, paperText(paper.title, paper.abstract));
    let cosWhole = 0;
    for (let c = 0; c < q.length; c++) cosWhole += q[c] * whole[c];
    const [best] = bestPassageCosines(q, [paper], (t) => embedLsa(model, t));
    assert.ok(best > 0.99, `best passage cosine ${best}`);
    assert.ok(best > cosWhole + 0.02, `passage ${best} vs paper ${cosWhole}`);
  });

  test("rescoring re-sorts the head by the weighted score and keeps the tail after it", () => {
    const hits = Array.from({ length: PASSAGE_DEPTH + 2 }, (_, i) => ({
      arxivId: `p${i}`,
      score: 0.9 - i * 0.001,
    }));
    const passage = new Map(hits.slice(0, PASSAGE_DEPTH).map((h) => [h.arxivId, 0.1]));
    passage.set("p5", 0.95);
    passage.delete("p7");
    const out = rescoreByPassages(hits, passage, 0.5);
    assert.equal(out[0].arxivId, "p5");
    assert.ok(Math.abs(out[0].score - (0.5 * 0.895 + 0.5 * 0.95)) < 1e-9);
    assert.equal(out[1].arxivId, "p7", "a hit without passages keeps its whole-paper score (0.893)");
    assert.equal(out[1].score, hits[7].score);
    assert.deepEqual(
      out.slice(PASSAGE_DEPTH).map((h) => h.arxivId),
      [`p${PASSAGE_DEPTH}`, `p${PASSAGE_DEPTH + 1}`],
    );
    assert.equal(out.length, hits.length);
  });
});
