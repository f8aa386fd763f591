import type { Db } from "../../db/client.ts";
import { collectionsOf } from "../../library/store.ts";
import { html, type SafeHtml } from "../html.ts";
import { collectionNote, collectionPath } from "./collections.ts";

/**
 * The collections on a profile page: the public ones for everyone, the private ones too for
 * their owner (marked so). Namesakes are told apart by their note (papers, day made).
 */
export async function profileCollections(
  db: Db,
  owner: { id: number; username: string },
  viewerId: number | undefined,
): Promise<SafeHtml> {
  const isOwner = viewerId === owner.id;
  const list = await collectionsOf(db, owner.id, !isOwner);
  if (list.length === 0 && !isOwner) return html``;
  return html`<h2>Collections (${list.length})</h2>
    ${
      list.length === 0
        ? html`<p class="muted">None yet. <a href="/collections">Make one</a>.</p>`
        : html`<ul class="collections">${list.map(
            (c) =>
              html`<li><a href="${collectionPath(owner.username, c.slug)}">${c.name}</a> <span class="muted">· ${collectionNote(c, list)}${c.isPublic ? "" : " · private"}</span></li>`,
          )}</ul>`
    }`;
}
