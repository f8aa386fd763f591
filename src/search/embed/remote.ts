import { type Clock, systemClock } from "../../clock.ts";
import { retryAfterMs, withRetries } from "../../http/retry.ts";
/**
 * Client for an OpenAI-compatible embeddings endpoint (OpenAI, Ollama, vLLM,
 * text-embeddings-inference): batches inputs, retries transient failures (network errors,
 * timeouts, 429 and 5xx) with exponential backoff, honours Retry-After, and turns everything
 * else into one clear EmbeddingError. The API key goes only into the Authorization header,
 * never into messages or logs.
 */
export class EmbeddingError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** A wait the endpoint asked for (Retry-After). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "EmbeddingError";
  }
}

export interface RemoteOptions {
  /** Base URL (`http://localhost:11434`, `…/v1`) or the full `…/v1/embeddings` address. */
  url: string;
  model: string;
  apiKey?: string;
  batchSize?: number;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  clock?: Clock;
}

/** An OpenAI-compatible resource's address from a base URL, a `/v1` URL or the full address. */
export function openAiEndpoint(url: string, resource: string): string {
  const u = url.replace(/\/+$/, "");
  if (u.endsWith(`/${resource}`)) return u;
  return u.endsWith("/v1") ? `${u}/${resource}` : `${u}/v1/${resource}`;
}

export const embeddingsUrl = (url: string): string => openAiEndpoint(url, "embeddings");

function unit(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  let n = 0;
  for (const x of v) n += x * x;
  if (n > 0) {
    const s = 1 / Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] *= s;
  }
  return v;
}

export class RemoteEmbeddingClient {
  private readonly endpoint: string;
  private readonly opts: Required<Omit<RemoteOptions, "apiKey" | "clock">> & {
    apiKey?: string;
    clock: Clock;
  };

  constructor(opts: RemoteOptions) {
    this.endpoint = embeddingsUrl(opts.url);
    this.opts = { batchSize: 64, timeoutMs: 30_000, retries: 3, backoffMs: 500, clock: systemClock, ...opts };
  }

  /** Unit vectors for the texts, in order. */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.opts.batchSize)
      out.push(...(await this.withRetries(texts.slice(i, i + this.opts.batchSize))));
    return out;
  }

  private withRetries(batch: string[]): Promise<Float32Array[]> {
    return withRetries(
      () =>
        this.request(batch).catch((err) => {
          throw err instanceof EmbeddingError ? err : new EmbeddingError(String(err), true);
        }),
      {
        retries: this.opts.retries,
        backoffMs: this.opts.backoffMs,
        clock: this.opts.clock,
        retryable: (err) => err instanceof EmbeddingError && err.retryable,
        waitAskedMs: (err) => (err instanceof EmbeddingError ? err.retryAfterMs : undefined),
      },
    );
  }

  private async request(batch: string[]): Promise<Float32Array[]> {
    const where = `embeddings endpoint ${this.endpoint}`;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.opts.model, input: batch }),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      throw new EmbeddingError(
        timedOut
          ? `${where} did not answer within ${this.opts.timeoutMs} ms`
          : `${where} is unreachable: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
        true,
      );
    }
    const body = await res.text().catch(() => "");
    if (!res.ok) {
      const detail = body.slice(0, 200).replace(/\s+/g, " ");
      const retryable = res.status === 429 || res.status >= 500;
      const after = retryAfterMs(res.headers.get("retry-after"), this.opts.clock.now());
      throw new EmbeddingError(
        `${where} answered HTTP ${res.status}: ${detail}`,
        retryable,
        after === undefined ? undefined : Math.min(after, 60_000),
      );
    }
    let data: { index?: number; embedding?: unknown }[];
    try {
      const parsed = JSON.parse(body) as { data?: unknown };
      if (!Array.isArray(parsed.data)) throw new Error("no data array");
      data = parsed.data as typeof data;
    } catch (err) {
      throw new EmbeddingError(
        `${where} sent a response that is not an embeddings list (${(err as Error).message})`,
        false,
      );
    }
    if (data.length !== batch.length)
      throw new EmbeddingError(
        `${where} returned ${data.length} embeddings for ${batch.length} inputs`,
        false,
      );
    const sorted = data.slice().sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const dims = Array.isArray(sorted[0].embedding) ? sorted[0].embedding.length : 0;
    return sorted.map((d) => {
      if (
        !Array.isArray(d.embedding) ||
        d.embedding.length !== dims ||
        dims === 0 ||
        d.embedding.some((x) => typeof x !== "number")
      )
        throw new EmbeddingError(`${where} returned a malformed embedding`, false);
      return unit(d.embedding as number[]);
    });
  }
}
