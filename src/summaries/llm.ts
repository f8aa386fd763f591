import { type Clock, systemClock } from "../clock.ts";
import { openAiEndpoint } from "../search/embed/remote.ts";

/**
 * A minimal client for an OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM,
 * llama.cpp server), used to write one-sentence paper summaries. Transient failures (network,
 * timeout, 429, 5xx) are retried with exponential backoff, honouring Retry-After; an answer
 * that is not a chat completion with text is an error that is not retried. The key goes only
 * into the Authorization header. (Kept minimal on purpose: the project's shared retrying HTTP
 * client, once it lands, should replace the loop below.)
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

export const chatUrl = (url: string): string => openAiEndpoint(url, "chat/completions");

const SYSTEM_PROMPT =
  "You summarise research papers. Answer with one plain sentence of at most 40 words that says what the paper does and finds. No preamble, no markdown.";

export class LlmClient {
  private readonly endpoint: string;

  constructor(private readonly opts: LlmOptions) {
    this.endpoint = chatUrl(opts.url);
  }

  async summarize(title: string, abstract: string): Promise<string> {
    const retries = this.opts.retries ?? 3;
    const clock = this.opts.clock ?? systemClock;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ask(`Title: ${title}\n\nAbstract: ${abstract}`);
      } catch (err) {
        const e = err instanceof LlmError ? err : new LlmError(String(err), true);
        if (!e.retryable || attempt >= retries) throw e;
        await clock.sleep(e.retryAfterMs ?? (this.opts.backoffMs ?? 1000) * 2 ** attempt);
      }
    }
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
      const after = Number(res.headers.get("retry-after"));
      throw new LlmError(
        `the chat endpoint answered HTTP ${res.status}: ${body.slice(0, 200).replace(/\s+/g, " ")}`,
        res.status === 429 || res.status >= 500,
        Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 120_000) : undefined,
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
