import { hasRole, type Role } from "./types.ts";

/**
 * Who may do what, in one place (after Outline's server/policies): commands call these to
 * refuse, views to decide what to show, and route guards to answer 403. Each returns a boolean
 * or, where the person deserves to know why not, the reason.
 */
type Actor = { id: number; role: Role } | { role: Role } | null | undefined;

/** Hide feed entries and comments, suspend and reinstate users, read the moderation pages. */
export function canModerate(actor: Actor): boolean {
  return hasRole(actor, "moderator");
}

/** Change roles, feature topics, read the admin status page. */
export function canAdminister(actor: Actor): boolean {
  return hasRole(actor, "admin");
}

/** What the named policy asks of a route guard: the role it needs, for the 403 message. */
export const POLICY_ROLES = { moderate: "moderator", administer: "admin" } as const satisfies Record<
  string,
  Role
>;
export type RolePolicy = keyof typeof POLICY_ROLES;

export function allows(policy: RolePolicy, actor: Actor): boolean {
  return policy === "moderate" ? canModerate(actor) : canAdminister(actor);
}

/** Why a moderator may not suspend this user, or null when they may. */
export function suspendRefusal(
  moderator: { id: number },
  target: { id: number; role: Role; suspendedAt: Date | null },
): string | null {
  if (target.id === moderator.id) return "You cannot suspend yourself.";
  if (target.role === "admin") return "Admins cannot be suspended here; change their role first.";
  if (target.suspendedAt) return "That user is already suspended.";
  return null;
}

/** Edit or delete a comment: only its author, and not once a moderator hid it. */
export function commentChangeRefusal(
  actor: { id: number },
  comment: { userId: number; hidden: boolean },
): { status: 403; message: string } | null {
  if (comment.userId !== actor.id) return { status: 403, message: "You can only change your own comments." };
  if (comment.hidden) return { status: 403, message: "A moderator hid this comment; it cannot be changed." };
  return null;
}

/** Whether the edit and delete controls show on a comment (the same rule as the command). */
export function canChangeComment(
  actor: { id: number } | null | undefined,
  comment: { userId: number; hidden: boolean },
): boolean {
  return !!actor && commentChangeRefusal(actor, comment) === null;
}
