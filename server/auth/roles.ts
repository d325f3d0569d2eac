export const ROLES = ['secretariat', 'city', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in person as every service sees them. */
export interface User {
  id: number;
  username: string;
  role: Role;
  /** The city a `city` user belongs to (always set), or a reader's city (optional); null for the secretariat. Only a `city` user acts for it. */
  city: string | null;
}
