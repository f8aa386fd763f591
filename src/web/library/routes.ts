import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { z } from "zod";
import { savesBibtex, savesJson } from "../../library/export.ts";
import { dismissalSet, savedPapers, saveSet } from "../../library/store.ts";
import { papersByIds } from "../../papers/store.ts";
import { wantsJson } from "../accounts/form.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { throttle } from "../community/throttle.ts";
import { backTo } from "../community/votes.ts";
import { pageContext } from "../context.ts";
import { HttpError, isApiRequest } from "../errors.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";
import { ToggleForm } from "./form.ts";

/** Save and "not interested" (forms and JSON), the reading list page and its exports. */
export function registerLibraryRoutes(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const toggle = async (
    what: "save" | "dismiss",
    form: z.output<typeof ToggleForm>,
    req: FastifyRequest,
    reply: FastifyReply,
  ) => {
    const user = currentUser(req);
    await throttle(deps.db, req, reply, "library", deps.now());
    const { arxiv_id: arxivId, on } = form;
    // Saving undoes a dismissal and dismissing unsaves, its undo saving again what was saved
    // (library/store.ts): the answer says which states it set, and app.js updates both buttons.
    let answer: { saved?: boolean; dismissed?: boolean } | null;
    if (what === "save")
      answer = (await saveSet(deps.db, user.id, arxivId, on))
        ? { saved: on, ...(on ? { dismissed: false } : {}) }
        : null;
    else {
      const after = await dismissalSet(deps.db, user.id, arxivId, on);
      answer = after && { dismissed: on, ...(on || after.saved ? { saved: after.saved } : {}) };
    }
    if (!answer) throw new HttpError(404, "There is no such paper.", "arxiv_id");
    if (isApiRequest(req) || wantsJson(req.headers.accept)) return { arxivId, ...answer };
    return reply.redirect(backTo(req, `/papers/${arxivId}`), 303);
  };
  const toggleRoute = { preValidation: requireUser, schema: { body: ToggleForm } };
  const apiRoute = (operationId: string, summary: string) => ({
    preValidation: requireUser,
    schema: {
      operationId,
      summary,
      body: ToggleForm,
      consumes: ["application/x-www-form-urlencoded", "application/json"],
    },
  });
  app.post("/save", toggleRoute, (req, reply) => toggle("save", req.body, req, reply));
  app.post(
    "/api/save",
    apiRoute(
      "setSaved",
      "Save a paper to the reading list (on=1; this undoes Not interested) or take it off (on=0)",
    ),
    (req, reply) => toggle("save", req.body, req, reply),
  );
  app.post("/dismiss", toggleRoute, (req, reply) => toggle("dismiss", req.body, req, reply));
  app.post(
    "/api/dismiss",
    apiRoute(
      "setNotInterested",
      "Mark a paper as not interesting (on=1; it leaves the reading list, 409 while in a collection), or undo it (on=0)",
    ),
    (req, reply) => toggle("dismiss", req.body, req, reply),
  );

  app.get("/saves", { preValidation: requireUser }, async (req, reply) => {
    const user = currentUser(req);
    const saves = await savedPapers(deps.db, user.id);
    const byId = await papersByIds(
      deps.db,
      saves.map((s) => s.arxivId),
    );
    const papers = saves.flatMap((s) => byId.get(s.arxivId) ?? []);
    const ctx = pageContext(req);
    const cards = await cardContext(deps.db, req, ctx, papers);
    const body = html`<section>
      <h1>Your reading list</h1>
      <p class="muted">${papers.length} saved paper${papers.length === 1 ? "" : "s"} · Export as
        <a href="/saves.bib" download>BibTeX</a> or <a href="/saves.json" download>JSON</a> ·
        <a href="/collections">Your collections</a></p>
      ${
        papers.length === 0
          ? html`<p>Nothing saved yet. Press <strong>Save</strong> on any paper to keep it here.</p>`
          : paperList(
              papers.map((p) => paperCard(p, { ctx: cards })),
              "Saved papers",
            )
      }
    </section>`;
    return reply.type("text/html; charset=utf-8").send(page({ title: "Reading list", body, ctx }));
  });

  const exportSaves = async (req: FastifyRequest) => {
    const user = currentUser(req);
    const saves = await savedPapers(deps.db, user.id, 10_000);
    const byId = await papersByIds(
      deps.db,
      saves.map((s) => s.arxivId),
    );
    return saves.flatMap((s) => {
      const paper = byId.get(s.arxivId);
      return paper ? [{ paper, savedAt: s.savedAt }] : [];
    });
  };
  app.get("/saves.bib", { preValidation: requireUser }, async (req, reply) => {
    const items = await exportSaves(req);
    return reply
      .type("application/x-bibtex; charset=utf-8")
      .header("content-disposition", 'attachment; filename="daily-papers-saves.bib"')
      .send(savesBibtex(items.map((i) => i.paper)));
  });
  app.get("/saves.json", { preValidation: requireUser }, async (req, reply) => {
    const items = await exportSaves(req);
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", 'attachment; filename="daily-papers-saves.json"')
      .send(JSON.stringify(savesJson(items, deps.config.baseUrl), null, 2));
  });
}
