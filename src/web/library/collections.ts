import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  COLLECTION_DESCRIPTION_MAX,
  COLLECTION_NAME_MAX,
  COLLECTIONS_PER_USER_MAX,
  createCollection,
} from "../../library/collections.ts";
import {
  type Collection,
  collectionBySlug,
  collectionPaperIds,
  collectionPaperSet,
  collectionsOf,
  deleteCollection,
  updateCollection,
} from "../../library/store.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import { papersByIds } from "../../papers/store.ts";
import type { Paper } from "../../papers/types.ts";
import { feedItemOf, feedUpdated } from "../../syndication/items.ts";
import { renderAtom, renderRss } from "../../syndication/xml.ts";
import { userByUsername } from "../../users/store.ts";
import { csrfField } from "../accounts/csrf.ts";
import { wantsJson } from "../accounts/form.ts";
import { currentUser, requireUser } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { throttle } from "../community/throttle.ts";
import { backTo } from "../community/votes.ts";
import { pageContext } from "../context.ts";
import { HttpError, isApiRequest } from "../errors.ts";
import { formText, text } from "../fields.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";
import { formatDay } from "../views/format.ts";
import { cardContext, paperCard, paperList } from "../views/paper-card.ts";
import { ToggleForm } from "./form.ts";

const NOT_FOUND = "There is no such collection.";

const CollectionForm = z.object({
  name: formText(COLLECTION_NAME_MAX),
  description: formText(COLLECTION_DESCRIPTION_MAX, { multiline: true }),
  public: formText(5),
});
const NewCollectionForm = CollectionForm.extend({ arxiv_id: formText(300) });
const SettingsForm = CollectionForm.extend({ delete: formText(5) });
const MineParams = z.object({ slug: text(200) });
/** The paper page's "Add to collection" form: a select can't change a form's URL, so the slug is a field. */
const AddForm = ToggleForm.extend({ slug: text(200) });
const CollectionParams = z.object({ username: text(200), slug: text(200) });

/** The optional paper of the "new collection" form on a paper page. */
function arxivIdOrThrow(value: string): string {
  const parsed = parseArxivId(value);
  if (!parsed) throw new HttpError(400, "That is not an arXiv id.", "arxiv_id");
  return parsed.id;
}

function collectionFields(form: z.output<typeof CollectionForm>) {
  const name = form.name.trim();
  if (!name) throw new HttpError(400, "Give the collection a name.", "name");
  return { name, description: form.description.trim(), isPublic: form.public === "1" };
}

/**
 * What tells a collection apart in a list: its paper count; when another in the list has the same
 * name, its creation day too, and its slug (unique, as in its URL) if that day is shared as well.
 */
export function collectionNote(c: Collection, all: Collection[]): string {
  const papers = `${c.papers} paper${c.papers === 1 ? "" : "s"}`;
  const day = (x: Collection) => x.createdAt.toISOString().slice(0, 10);
  const namesakes = all.filter((o) => o.id !== c.id && o.name === c.name);
  if (namesakes.length === 0) return papers;
  const made = `${papers} · made ${formatDay(c.createdAt)}`;
  return namesakes.some((o) => day(o) === day(c)) ? `${made} · ${c.slug}` : made;
}

export function collectionPath(username: string, slug: string): string {
  return `/users/${encodeURIComponent(username)}/collections/${encodeURIComponent(slug)}`;
}

/**
 * Collections as on Hugging Face: named, private or public lists of papers. A private
 * collection exists only for its owner: anyone else gets the same 404 as for a missing one.
 */
export function registerCollectionRoutes(fastify: FastifyInstance, deps: AppDeps): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  /** The collection at /users/NAME/collections/SLUG if the requester may see it. */
  const visible = async (req: FastifyRequest, { username, slug }: z.output<typeof CollectionParams>) => {
    const owner = username.length <= 60 && slug.length <= 80 ? await userByUsername(deps.db, username) : null;
    const c = owner ? await collectionBySlug(deps.db, owner.id, slug) : null;
    if (!owner || !c || (!c.isPublic && req.user?.id !== owner.id)) throw new HttpError(404, NOT_FOUND);
    const entries = await collectionPaperIds(deps.db, c.id);
    const byId = await papersByIds(
      deps.db,
      entries.map((e) => e.arxivId),
    );
    const papers = entries.flatMap((e) => {
      const p = byId.get(e.arxivId);
      return p ? [{ paper: p, addedAt: e.addedAt }] : [];
    });
    return { owner, c, papers };
  };

  const mine = async (req: FastifyRequest, slug: string): Promise<Collection> => {
    const user = currentUser(req);
    const c = slug.length <= 80 ? await collectionBySlug(deps.db, user.id, slug) : null;
    if (!c) throw new HttpError(404, NOT_FOUND);
    return c;
  };

  app.get("/collections", { preValidation: requireUser }, async (req, reply) => {
    const user = currentUser(req);
    const ctx = pageContext(req);
    const list = await collectionsOf(deps.db, user.id, false);
    const body = html`<section>
      <h1>Your collections</h1>
      ${
        list.length === 0
          ? html`<p class="muted">No collections yet.</p>`
          : html`<ul class="collections">${list.map(
              (c) =>
                html`<li><a href="${collectionPath(user.username, c.slug)}">${c.name}</a> <span class="muted">· ${collectionNote(c, list)} · ${c.isPublic ? "public" : "private"}</span></li>`,
            )}</ul>`
      }
      <h2>New collection</h2>
      <form method="post" action="/collections" class="stack">${csrfField(ctx)}
        <label>Name <input name="name" required maxlength="${COLLECTION_NAME_MAX}"></label>
        <label>Description <textarea name="description" maxlength="${COLLECTION_DESCRIPTION_MAX}" rows="2"></textarea></label>
        <label><input type="checkbox" name="public" value="1"> Public (anyone with the link can see it; it has a feed)</label>
        <button type="submit">Create</button>
      </form>
    </section>`;
    return reply.type("text/html; charset=utf-8").send(page({ title: "Collections", body, ctx }));
  });

  app.post(
    "/collections",
    { preValidation: requireUser, schema: { body: NewCollectionForm } },
    async (req, reply) => {
      const user = currentUser(req);
      await throttle(deps.db, req, reply, "library", deps.now());
      const fields = collectionFields(req.body);
      if ((await collectionsOf(deps.db, user.id, false)).length >= COLLECTIONS_PER_USER_MAX)
        throw new HttpError(
          400,
          `You have ${COLLECTIONS_PER_USER_MAX} collections, the most one person can have.`,
        );
      // A paper page's "new collection" form adds its paper straight away: both or neither.
      const arxivId = req.body.arxiv_id ? arxivIdOrThrow(req.body.arxiv_id) : null;
      const c = await deps.db.transaction(async (tx) => {
        const made = await createCollection(tx, { userId: user.id, ...fields });
        if (arxivId && !(await collectionPaperSet(tx, made.id, arxivId, true)))
          throw new HttpError(404, "There is no such paper.", "arxiv_id");
        return made;
      });
      if (isApiRequest(req) || wantsJson(req.headers.accept))
        return reply.code(201).send({ slug: c.slug, name: c.name });
      return reply.redirect(collectionPath(user.username, c.slug), 303);
    },
  );

  const setPaper = async (
    req: FastifyRequest,
    reply: FastifyReply,
    slug: string,
    form: z.output<typeof ToggleForm>,
  ) => {
    await throttle(deps.db, req, reply, "library", deps.now());
    const c = await mine(req, slug);
    const { arxiv_id: arxivId, on } = form;
    if (!(await collectionPaperSet(deps.db, c.id, arxivId, on)))
      throw new HttpError(404, "There is no such paper.", "arxiv_id");
    if (wantsJson(req.headers.accept)) return { slug: c.slug, arxivId, in: on };
    return reply.redirect(backTo(req, `/papers/${arxivId}`), 303);
  };
  app.post(
    "/collections/:slug/papers",
    { preValidation: requireUser, schema: { params: MineParams, body: ToggleForm } },
    (req, reply) => setPaper(req, reply, req.params.slug, req.body),
  );
  app.post("/collections/add", { preValidation: requireUser, schema: { body: AddForm } }, (req, reply) =>
    setPaper(req, reply, req.body.slug, req.body),
  );

  app.post(
    "/collections/:slug/settings",
    { preValidation: requireUser, schema: { params: MineParams, body: SettingsForm } },
    async (req, reply) => {
      await throttle(deps.db, req, reply, "library", deps.now());
      const c = await mine(req, req.params.slug);
      if (req.body.delete === "1") {
        await deleteCollection(deps.db, c.id);
        return reply.redirect("/collections", 303);
      }
      await updateCollection(deps.db, c.id, collectionFields(req.body));
      return reply.redirect(collectionPath(currentUser(req).username, c.slug), 303);
    },
  );

  app.get(
    "/users/:username/collections/:slug",
    { schema: { params: CollectionParams } },
    async (req, reply) => {
      const { owner, c, papers } = await visible(req, req.params);
      const ctx = pageContext(req);
      const list = papers.map((p) => p.paper);
      const cards = await cardContext(deps.db, req, ctx, list);
      const isOwner = req.user?.id === owner.id;
      const self = collectionPath(owner.username, c.slug);
      const body = html`<section class="collection-page">
      <h1>${c.name}</h1>
      <p class="muted">A ${c.isPublic ? "public" : "private"} collection by <a href="/users/${encodeURIComponent(owner.username)}">${owner.username}</a> · ${c.papers} paper${c.papers === 1 ? "" : "s"}
        ${c.isPublic ? html` · <a href="${self}/feed.atom">Atom</a> · <a href="${self}/feed.rss">RSS</a>` : ""}</p>
      ${c.description ? html`<p>${c.description}</p>` : ""}
      ${
        list.length === 0
          ? html`<p class="muted">No papers in it yet.</p>`
          : paperList(
              list.map((p) =>
                paperCard(p, {
                  ctx: cards,
                  actions: isOwner ? html`${cards.actions?.(p) ?? ""}${removeForm(ctx, c, p)}` : undefined,
                }),
              ),
              c.name,
            )
      }
      ${isOwner ? settingsForm(ctx, c) : ""}
    </section>`;
      const head = c.isPublic
        ? html`<link rel="alternate" type="application/atom+xml" title="${c.name}" href="${self}/feed.atom">`
        : html`<meta name="robots" content="noindex">`;
      return reply.type("text/html; charset=utf-8").send(page({ title: c.name, body, ctx, head }));
    },
  );

  for (const format of ["atom", "rss"] as const)
    app.get(
      `/users/:username/collections/:slug/feed.${format}`,
      { schema: { params: CollectionParams } },
      async (req, reply) => {
        const { owner, c, papers } = await visible(req, req.params);
        // Feed readers fetch without a session: a private collection has no feed at all.
        if (!c.isPublic) throw new HttpError(404, NOT_FOUND);
        const base = deps.config.baseUrl;
        const self = collectionPath(owner.username, c.slug);
        const items = papers.map((p) => feedItemOf(p.paper, base, p.addedAt));
        const meta = {
          title: `${c.name} · a collection by ${owner.username}`,
          description: c.description || `Papers collected by ${owner.username} on Daily Papers`,
          pageUrl: `${base}${self}`,
          selfUrl: `${base}${self}/feed.${format}`,
          updated: feedUpdated(items),
        };
        return format === "atom"
          ? reply.type("application/atom+xml; charset=utf-8").send(renderAtom(meta, items))
          : reply.type("application/rss+xml; charset=utf-8").send(renderRss(meta, items));
      },
    );
}

function removeForm(ctx: ReturnType<typeof pageContext>, c: Collection, p: Paper) {
  return html`<form class="inline" method="post" action="/collections/${c.slug}/papers">${csrfField(ctx)}
    <input type="hidden" name="arxiv_id" value="${p.arxivId}"><input type="hidden" name="on" value="0">
    <button type="submit" class="link">Remove from collection</button></form>`;
}

function settingsForm(ctx: ReturnType<typeof pageContext>, c: Collection) {
  return html`<details class="collection-settings"><summary>Edit collection</summary>
    <form method="post" action="/collections/${c.slug}/settings" class="stack">${csrfField(ctx)}
      <label>Name <input name="name" required maxlength="${COLLECTION_NAME_MAX}" value="${c.name}"></label>
      <label>Description <textarea name="description" maxlength="${COLLECTION_DESCRIPTION_MAX}" rows="2">${c.description}</textarea></label>
      <label><input type="checkbox" name="public" value="1" ${c.isPublic ? html`checked` : ""}> Public</label>
      <button type="submit">Save changes</button>
    </form>
    <form method="post" action="/collections/${c.slug}/settings">${csrfField(ctx)}
      <input type="hidden" name="delete" value="1"><button type="submit" class="danger">Delete collection</button>
    </form></details>`;
}
