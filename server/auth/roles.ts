export const ROLES = ['secretariat', 'city', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in person as every service sees them. */
export interface User {
  id: number;
  username: string;
  role: Role;
  /** The city a `city` user belongs to; null for the other roles. */
  city: string | null;
}
