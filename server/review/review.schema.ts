import { z } from 'zod';

/** The most documents one bulk request may name. */
export const BULK_LIMIT = 100;

export const BULK_ACTIONS = ['submit', 'publish', 'return', 'withdraw'] as const;

/**
 * `POST /api/v1/documents/bulk`: one action for up to BULK_LIMIT ids. `comment` is the return's note (required
 * for `return`) or the withdrawal's reason; submit and publish take none, as their own calls take no body.
 */
export const bulkSchema = z
  .object({
    action: z.enum(BULK_ACTIONS, { error: `the action is one of ${BULK_ACTIONS.join(', ')}` }),
    ids: z.array(z.string().min(1).max(100)).min(1, 'name at least one document').max(BULK_LIMIT, `at most ${BULK_LIMIT} documents at once`),
    comment: z.string().max(5000).trim().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.action === 'return' && !body.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: 'a comment is required when returning documents' });
    }
    if ((body.action === 'submit' || body.action === 'publish') && body.comment) {
      ctx.addIssue({ code: 'custom', path: ['comment'], message: `${body.action} takes no comment` });
    }
  });

export type BulkRequest = z.infer<typeof bulkSchema>;
