import {
  type ContrastiveParams,
  type ContrastiveReport,
  DEFAULT_CONTRASTIVE,
  refineContrastive,
} from "./contrastive.ts";
import { paperText } from "./embedder.ts";
import { type LsaModel, type LsaParams, trainLsa } from "./lsa.ts";

/**
 * The built-in model's version. Version 1 was LSA alone; version 2 refines LSA's term vectors
 * contrastively on the papers' own titles and sentences (contrastive.ts), which lifted
 * semantic-only nDCG@10 on SciFact's train split from 0.547 to 0.59 (bench/results/scifact.md).
 * An instance whose active built-in model is older trains a new one (jobs.ts, needsRetraining).
 */
export const BUILTIN_MODEL_VERSION = 2;

export interface BuiltinTraining {
  model: LsaModel;
  contrastive: ContrastiveParams;
  report: ContrastiveReport;
}

/** LSA on the papers, then the contrastive refinement: the whole of what a training job computes. */
export function trainBuiltin(
  papers: { title: string; abstract: string }[],
  params: Partial<LsaParams> = {},
  contrastive: Partial<ContrastiveParams> = {},
): BuiltinTraining {
  const model = trainLsa(
    papers.map((p) => paperText(p.title, p.abstract)),
    params,
  );
  const c = { ...DEFAULT_CONTRASTIVE, seed: model.params.seed, ...contrastive };
  const report = refineContrastive(model, papers, c);
  return { model, contrastive: c, report };
}
