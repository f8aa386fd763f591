import { type Clock, systemClock } from "../clock.ts";
import { retryAfterMs, withRetries } from "../http/retry.ts";
import { openAiEndpoint } from "../search/embed/remote.ts";

/**
 * A minimal client for an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp server), used to write one-sentence paper summaries. Transient failures (network,
 * timeout, 429, 5xx) are retried with exponential backoff, honouring Retry-After; an answer
 * that is not a chat completion with text is an error that is not retried. The key goes only
 * into the Authorization header. Retries go through http/retry.ts, like every
 * outbound client.
 */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "LlmError";
  }
}

export interface LlmOptions {
  /** Base URL (`http://localhost:11434`, `…/v1`) or the full `…/chat/completions` address. */
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  clock?: Clock;
}

const chatUrl = (url: string): string => openAiEndpoint(url, "chat/completions");

const SYSTEM_PROMPT =
  "You summarise research papers. Answer with one plain sentence of at most 40 words that says what the paper does and finds. No preamble, no markdown.";

export class LlmClient {
  private readonly endpoint: string;

  constructor(private readonly opts: LlmOptions) {
    this.endpoint = chatUrl(opts.url);
  }

  async summarize(title: string, abstract: string): Promise<string> {
    return withRetries(
      () =>
        this.ask(`Title: ${title}\n\nAbstract: ${abstract}`).catch((err) => {
          throw err instanceof LlmError ? err : new LlmError(String(err), true);
        }),
      {
        retries: this.opts.retries ?? 3,
        backoffMs: this.opts.backoffMs ?? 1000,
        clock: this.opts.clock,
        retryable: (err) => err instanceof LlmError && err.retryable,
        waitAskedMs: (err) => (err instanceof LlmError ? err.retryAfterMs : undefined),
      },
    );
  }

  private async ask(prompt: string): Promise<string> {
    const timeoutMs = this.opts.timeoutMs ?? 60_000;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: this.opts.model,
          messages: [
            { role: "system", content: SYSTEM_PROMPT },
            { role: "user", content: prompt },
          ],
          temperature: 0,
          max_tokens: 120,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const name = (err as Error).name;
      throw new LlmError(
        name === "TimeoutError" || name === "AbortError"
          ? `the chat endpoint did not answer within ${timeoutMs} ms`
          : `the chat endpoint is unreachable: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`,
        true,
      );
    }
    const body = await res.text().catch(() => "");
    if (!res.ok) {
      const after = retryAfterMs(res.headers.get("retry-after"), (this.opts.clock ?? systemClock).now());
      throw new LlmError(
        `the chat endpoint answered HTTP ${res.status}: ${body.slice(0, 200).replace(/\s+/g, " ")}`,
        res.status === 429 || res.status >= 500,
        after === undefined ? undefined : Math.min(after, 120_000),
      );
    }
    let text: unknown;
    try {
      text = (JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
        ?.content;
    } catch {
      text = undefined;
    }
    const summary = typeof text === "string" ? text.replace(/\s+/g, " ").trim() : "";
    if (summary.length < 10 || summary.length > 1000)
      throw new LlmError("the chat endpoint sent no usable summary (not a chat completion with text)", false);
    return summary;
  }
}
