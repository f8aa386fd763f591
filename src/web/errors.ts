import type { FastifyReply, FastifyRequest } from "fastify";
import { html } from "./html.ts";
import { page } from "./layout.ts";

// Web code throws the one user-facing error type under the name it reads best as here.
export { UserError as HttpError } from "../user-error.ts";

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Log in first",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Not possible",
  413: "Too large",
  429: "Too many requests",
  500: "Something went wrong",
};

export function isApiRequest(req: FastifyRequest): boolean {
  return req.url.startsWith("/api/");
}

export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  param?: string,
) {
  reply.code(status);
  if (isApiRequest(req)) {
    return reply.type("application/json").send({ error: message, ...(param ? { param } : {}), status });
  }
  const title = TITLES[status] ?? "Error";
  return reply.type("text/html; charset=utf-8").send(
    page({
      title,
      body: html`<section class="error-page">
        <h1>${status} · ${title}</h1>
        <p>${message}</p>
        <p><a href="/">Back to today's papers</a> or <a href="/search">search</a>.</p>
      </section>`,
      // The header still shows who is signed in.
      ctx: req.pageContext ?? {},
    }),
  );
}
