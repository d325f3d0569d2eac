import { z } from 'zod';
import { ENTRY_TYPES } from '../../search/search-index';

const values = <T extends z.ZodTypeAny>(item: T) => z.array(item).max(50).optional();
/** A filter value as sent (its length counts what was sent, as the API's description says); one that names nothing finds nothing. */
const term = z.string().min(1).max(100);

/** The filters of a followed search: the same keys and values as `GET /api/v1/search` takes. */
export const subscriptionFiltersSchema = z
  .object({
    city: values(term),
    kind: values(term),
    hazard: values(term),
    year: values(z.string().regex(/^\d{4}$/, 'a Jalali year such as 1391')),
    resolution: values(z.string().regex(/^\d{1,4}\/\d{1,3}$/, 'a resolution such as 9/2')),
    fileType: values(term),
    type: values(z.enum(ENTRY_TYPES)),
  })
  .strict();
export type SubscriptionFilters = z.infer<typeof subscriptionFiltersSchema>;

export const DIGESTS = ['none', 'daily'] as const;
export type Digest = (typeof DIGESTS)[number];

export const newSubscriptionSchema = z
  .object({
    q: z.string().max(500).trim().default(''),
    filters: subscriptionFiltersSchema.default({}),
    email: z.boolean().default(false),
    /** `daily`: one message a day with what was found, instead of one per item. */
    digest: z.enum(DIGESTS).default('none'),
  })
  .strict();
export type NewSubscription = z.infer<typeof newSubscriptionSchema>;

export const subscriptionUpdateSchema = z
  .object({ email: z.boolean(), digest: z.enum(DIGESTS) })
  .partial()
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'name what changes: email, digest or both');
export type SubscriptionUpdate = z.infer<typeof subscriptionUpdateSchema>;

export const subscriptionIdSchema = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** A feed token: 32 random bytes in base64url. */
export const feedTokenSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
