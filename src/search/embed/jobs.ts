import type { Config } from "../../config.ts";
import type { Db, Queryable } from "../../db/client.ts";
import { paperCount } from "../../papers/store.ts";
import {
  activateEmbeddingModel,
  activeEmbeddingModel,
  type EmbeddingModelRow,
  embeddingModels,
  insertEmbeddingModel,
  papersToEmbed,
  paperTextsSample,
  pendingEmbeddingModel,
  upsertPaperEmbeddings,
} from "../embedding-store.ts";
import { BUILTIN_MODEL_VERSION } from "./builtin.ts";
import type { ContrastiveParams } from "./contrastive.ts";
import { type Embedder, loadEmbedder, packLsa, paperText } from "./embedder.ts";
import { calibrateFloor } from "./floor.ts";
import { DEFAULT_LSA_PARAMS, embedLsa, type LsaModel, type LsaParams } from "./lsa.ts";
import { RemoteEmbeddingClient } from "./remote.ts";
import { trainBuiltinOffThread } from "./train-worker.ts";

// Papers whose titles calibrate the similarity floor (floor.ts): enough for a stable percentile.
const FLOOR_SAMPLE = 600;

/** The built-in model's floor, from titles (as queries) against other papers' texts. */
function calibrateLsaFloor(model: LsaModel, titles: string[], texts: string[]) {
  return calibrateFloor(
    titles.map((t) => embedLsa(model, t, true)),
    texts.map((t) => embedLsa(model, t)),
  );
}

/**
 * The embedding jobs, shared by the CLI (`dailypapers embed …`) and the server's background
 * loop. A new model is stored as 'embedding'; papers are embedded for it while search keeps
 * using the active model; when no paper is left the new model is activated and the old
 * vectors are deleted, in one transaction.
 */
export async function trainBuiltinModel(
  db: Queryable,
  params: Partial<LsaParams> = {},
  contrastiveParams: Partial<ContrastiveParams> = {},
): Promise<{ modelId: number; vocab: number; docs: number; ms: number }> {
  const started = performance.now();
  const p = { ...DEFAULT_LSA_PARAMS, ...params };
  const sample = await paperTextsSample(db, p.maxTrainDocs, p.seed);
  const texts = sample.map(([t, a]) => paperText(t, a));
  if (texts.length === 0) throw new Error("there are no papers to learn from; import some first");
  const { model, contrastive } = await trainBuiltinOffThread(
    sample.map(([title, abstract]) => ({ title, abstract })),
    p,
    contrastiveParams,
  );
  const calibration = calibrateLsaFloor(
    model,
    sample.slice(0, FLOOR_SAMPLE).map(([t]) => t),
    texts.slice(0, FLOOR_SAMPLE),
  );
  const modelId = await insertEmbeddingModel(db, {
    kind: "builtin-lsa",
    name: `lsa-contrastive-${p.dims}`,
    dims: p.dims,
    params: {
      ...model.params,
      version: BUILTIN_MODEL_VERSION,
      contrastive,
      avgLen: model.avgLen,
      trainedOn: texts.length,
      similarityFloor: calibration.floor,
      floorOwnAbove: calibration.ownAbove,
    },
    vocab: model.vocab,
    weights: packLsa(model),
  });
  return {
    modelId,
    vocab: model.vocab.length,
    docs: texts.length,
    ms: Math.round(performance.now() - started),
  };
}

/** Registers the configured remote model (probing its dimensions) unless it already exists. */
async function registerRemoteModel(db: Queryable, config: Config): Promise<number | null> {
  if (!config.embeddingUrl) return null;
  if (!config.embeddingModel)
    throw new Error(
      "EMBEDDING_URL is set but EMBEDDING_MODEL is not: name the model to ask the endpoint for",
    );
  const existing = (await embeddingModels(db)).find(
    (m) => m.kind === "remote" && m.name === config.embeddingModel && m.status !== "retired",
  );
  if (existing) return existing.id;
  const client = new RemoteEmbeddingClient({
    url: config.embeddingUrl,
    model: config.embeddingModel,
    apiKey: config.embeddingApiKey,
  });
  const [probe] = await client.embed(["dimension probe"]);
  return insertEmbeddingModel(db, {
    kind: "remote",
    name: config.embeddingModel,
    dims: probe.length,
    params: { url: config.embeddingUrl },
  });
}

/** Embeds every paper that lacks a current vector for the embedder's model. */
export async function embedPending(
  db: Queryable,
  embedder: Embedder,
  opts: { batchSize?: number; onProgress?: (done: number) => void; shouldStop?: () => boolean } = {},
): Promise<number> {
  let done = 0;
  let after = "";
  for (;;) {
    if (opts.shouldStop?.()) break;
    const batch = await papersToEmbed(db, embedder.modelId, opts.batchSize ?? 500, after);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].arxivId;
    const vectors = await embedder.embedDocuments(batch.map((p) => paperText(p.title, p.abstract)));
    await upsertPaperEmbeddings(
      db,
      embedder.modelId,
      embedder.dims,
      batch.map((p, i) => ({ arxivId: p.arxivId, hash: p.hash, vector: vectors[i] })),
    );
    done += batch.length;
    opts.onProgress?.(done);
  }
  return done;
}

/** The corpus grows this many times over the papers a built-in model learned from before it retrains. */
const RETRAIN_GROWTH = 2;

/**
 * A built-in model learned from a corpus that has since doubled misses the new vocabulary and
 * topics; one that already saw its full training sample gains nothing from more papers. A
 * model of an older version (params.version, absent before version 2) is replaced by the
 * current one.
 */
export function needsRetraining(model: EmbeddingModelRow, paperCount: number): boolean {
  if (model.kind !== "builtin-lsa") return false;
  if (Number(model.params.version ?? 1) < BUILTIN_MODEL_VERSION) return true;
  const trainedOn = Number(model.params.trainedOn ?? 0);
  const cap = Number(model.params.maxTrainDocs ?? DEFAULT_LSA_PARAMS.maxTrainDocs);
  return trainedOn < cap && paperCount >= trainedOn * RETRAIN_GROWTH;
}

export interface EmbedRunReport {
  activeModelId: number | null;
  embedded: number;
  switchedTo: number | null;
}

/**
 * One pass of background embedding: new papers for the active model first (so they become
 * searchable soon), then the pending model, which is activated once complete. With no model
 * at all and papers present, the built-in model is trained first.
 */
export async function runEmbedding(
  db: Db,
  config: Config,
  opts: { onProgress?: (modelId: number, done: number) => void; shouldStop?: () => boolean } = {},
): Promise<EmbedRunReport> {
  await registerRemoteModel(db, config);
  let active = await activeEmbeddingModel(db);
  let pending = await pendingEmbeddingModel(db);
  const remoteGone = active?.kind === "remote" && !config.embeddingUrl;
  const stale = active ? needsRetraining(active, await paperCount(db)) && !config.embeddingUrl : false;
  if ((!active && !pending) || (!pending && (remoteGone || stale))) {
    const trained = await trainBuiltinModel(db).catch(() => null);
    if (!trained) return { activeModelId: active?.id ?? null, embedded: 0, switchedTo: null };
    pending = await pendingEmbeddingModel(db);
  }
  let embedded = 0;
  const progress = (id: number) => (n: number) => opts.onProgress?.(id, n);
  // Loading a built-in model reads its weights (17 MB at 10k papers): only when there is work.
  if (active && !remoteGone && (await papersToEmbed(db, active.id, 1)).length > 0) {
    const e = await loadEmbedder(db, active, config);
    embedded += await embedPending(db, e, { onProgress: progress(active.id), shouldStop: opts.shouldStop });
  }
  let switchedTo: number | null = null;
  if (pending && !opts.shouldStop?.()) {
    const e = await loadEmbedder(db, pending, config);
    embedded += await embedPending(db, e, { onProgress: progress(pending.id), shouldStop: opts.shouldStop });
    if (!opts.shouldStop?.()) {
      const id = pending.id;
      if (await db.transaction((tx) => activateEmbeddingModel(tx, id))) {
        switchedTo = id;
        active = pending;
      } else {
        active = await activeEmbeddingModel(db);
      }
    }
  }
  return { activeModelId: active?.id ?? null, embedded, switchedTo };
}
