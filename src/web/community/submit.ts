import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { type SubmitDeps, SubmitError, type SubmitRules, submitPaper } from "../../community/submissions.ts";
import { ArxivApiError, fetchArxivPapers } from "../../ingest/arxiv-api/client.ts";
import { csrfField } from "../accounts/csrf.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { formText } from "../fields.ts";
import { html } from "../html.ts";
import { type PageContext, page } from "../layout.ts";

function submitRules(deps: AppDeps): SubmitRules {
  return {
    maxAgeDays: deps.config.submitMaxAgeDays,
    dailyLimit: deps.config.submitDailyLimit,
    minAccountAgeHours: deps.config.submitMinAccountAgeHours,
  };
}

function submitForm(
  ctx: PageContext,
  rules: SubmitRules,
  s: { error?: string; existing?: string; value?: string } = {},
) {
  return html`<section class="auth-form submit-form">
    <h1>Submit a paper</h1>
    ${s.error ? html`<p class="form-error" role="alert">${s.error}${s.existing ? html` <a href="${s.existing}">See the existing entry</a>.` : ""}</p>` : ""}
    <form method="post" action="/submit">
      ${csrfField(ctx)}
      <label>arXiv id or URL <input type="text" name="arxiv" required maxlength="300" value="${s.value ?? ""}" placeholder="2408.03361 or https://arxiv.org/abs/2408.03361"></label>
      <button type="submit">Submit</button>
    </form>
    <h2>Rules</h2>
    <ul class="rules">
      <li>Papers first published on arXiv within the last ${rules.maxAgeDays} days.</li>
      <li>At most ${rules.dailyLimit} submissions per person per day.</li>
      <li>Before your first submission, confirm your email address (or wait until your account is ${rules.minAccountAgeHours} hours old).</li>
      <li>Each paper is submitted once; duplicates link to the existing entry.</li>
    </ul>
  </section>`;
}

const SubmitForm = z.object({ arxiv: formText(300) });

export function registerSubmitRoutes(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const rules = submitRules(deps);
  const submitDeps: SubmitDeps = {
    db: deps.db,
    now: deps.now,
    rules,
    async fetchPaper(id) {
      // Someone is waiting on the page: few, short retries rather than the harvester's patience.
      const res = await fetchArxivPapers([id], {
        apiUrl: deps.config.arxivApiUrl,
        delayMs: 0,
        maxTries: 2,
        backoffBaseMs: 500,
      });
      return res.found[0] ?? null;
    },
  };
  const show = (
    req: FastifyRequest,
    reply: FastifyReply,
    body: ReturnType<typeof submitForm>,
    status = 200,
  ) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .send(page({ title: "Submit a paper", body, ctx: pageContext(req) }));

  app.get("/submit", { preValidation: requireUser }, async (req, reply) =>
    show(req, reply, submitForm(pageContext(req), rules)),
  );
  app.post(
    "/submit",
    { preValidation: requireUser, config: { throttle: "submit" }, schema: { body: SubmitForm } },
    async (req, reply) => {
      const user = currentUser(req);
      const value = req.body.arxiv;
      try {
        const { arxivId } = await submitPaper(submitDeps, user, value);
        return reply.redirect(`/papers/${arxivId}`, 303);
      } catch (err) {
        let error: string;
        let existing: string | undefined;
        if (err instanceof SubmitError) {
          error = err.message;
          existing = err.existing;
        } else if (err instanceof ArxivApiError) {
          error = `arXiv refused the lookup: ${err.message}`;
        } else {
          req.log.warn({ err }, "arXiv lookup for a submission failed");
          error =
            "arXiv could not be reached just now. Nothing was saved; please try again in a few minutes.";
        }
        return show(
          req,
          reply,
          submitForm(pageContext(req), rules, { error, existing, value }),
          existing ? 409 : 400,
        );
      }
    },
  );
}
