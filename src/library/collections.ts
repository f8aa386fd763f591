import type { Queryable } from "../db/client.ts";
import { normalizeText } from "../search/text.ts";
import { type Collection, collectionSlugsLike, insertCollection } from "./store.ts";

export const COLLECTION_NAME_MAX = 100;
export const COLLECTION_DESCRIPTION_MAX = 1000;
export const COLLECTIONS_PER_USER_MAX = 200;
const SLUG_MAX = 60;

/** A URL slug for a name: accents and TeX folded, words joined by hyphens ("Über $\alpha$" → uber-alpha). */
function collectionSlug(name: string): string {
  const slug = normalizeText(name)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, SLUG_MAX)
    .replace(/-+$/, "");
  return slug || "collection";
}

/** Creates a collection under the first free slug (name, name-2, name-3, …). */
export async function createCollection(
  db: Queryable,
  c: { userId: number; name: string; description: string; isPublic: boolean },
): Promise<Collection> {
  const base = collectionSlug(c.name);
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await collectionSlugsLike(db, c.userId, base);
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    const made = await insertCollection(db, { ...c, slug });
    if (made) return made;
  }
  throw new Error("could not find a free collection slug");
}
