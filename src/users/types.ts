export type Role = "user" | "moderator" | "admin";

/** The signed-in user, as request handlers see it. */
export interface SessionUser {
  id: number;
  username: string;
  role: Role;
  email: string | null;
  emailVerifiedAt: Date | null;
  createdAt: Date;
}

const RANK: Record<Role, number> = { user: 0, moderator: 1, admin: 2 };

/** Admins can do all a moderator can. */
export function hasRole(user: { role: Role } | null | undefined, role: Role): boolean {
  return !!user && RANK[user.role] >= RANK[role];
}
