import type { Config } from "../config.ts";
import type { Queryable } from "../db/client.ts";
import { LlmClient, LlmError } from "./llm.ts";
import { recordLlmFailure, saveLlmSummary, summariesForLlm } from "./store.ts";

/** A paper whose summary failed this many times (each after the client's own retries) is left extracted. */
const MAX_LLM_FAILURES = 3;

export function llmClientFrom(
  config: Config,
  overrides: Partial<ConstructorParameters<typeof LlmClient>[0]> = {},
) {
  if (!config.llmUrl) return null;
  if (!config.llmModel)
    throw new Error("LLM_URL is set but LLM_MODEL is not: name the model to ask the endpoint for");
  return new LlmClient({
    url: config.llmUrl,
    model: config.llmModel,
    apiKey: config.llmApiKey,
    ...overrides,
  });
}

/**
 * The background job: replaces extracted summaries with the LLM's, a few papers per pass. A
 * failure is recorded on the paper (it keeps its extracted summary) and the pass goes on;
 * the endpoint being down ends the pass early, to try again on the next one.
 */
export async function runLlmSummaries(
  db: Queryable,
  client: LlmClient,
  opts: { max?: number; shouldStop?: () => boolean } = {},
): Promise<{ written: number; failed: number }> {
  let written = 0;
  let failed = 0;
  for (const p of await summariesForLlm(db, opts.max ?? 20, MAX_LLM_FAILURES)) {
    if (opts.shouldStop?.()) break;
    try {
      await saveLlmSummary(db, p.arxivId, p.hash, await client.summarize(p.title, p.abstract));
      written++;
    } catch (err) {
      failed++;
      await recordLlmFailure(db, p.arxivId, (err as Error).message);
      if (err instanceof LlmError && err.retryable) break;
    }
  }
  return { written, failed };
}
