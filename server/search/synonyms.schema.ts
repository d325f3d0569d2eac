import { z } from 'zod';
import { queryTokens } from '../../search/persian';

/** A synonym group as the secretariat writes it: two to twenty terms, each with a letter or digit, no two the same once normalized. */
export const synonymGroupSchema = z
  .object({
    terms: z.array(z.string().max(100).trim().min(1)).min(2, 'at least two terms').max(20, 'at most twenty terms'),
  })
  .strict()
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.terms.forEach((term, i) => {
      const normalized = queryTokens(term).join(' ');
      if (normalized === '') ctx.addIssue({ code: 'custom', path: ['terms', i], message: 'a term needs a letter or a digit' });
      else if (seen.has(normalized)) ctx.addIssue({ code: 'custom', path: ['terms', i], message: `the same term twice: ${term}` });
      seen.add(normalized);
    });
  });

export type SynonymGroupInput = z.infer<typeof synonymGroupSchema>;

export const synonymIdSchema = z.object({ id: z.coerce.number().int().positive() });

/** The terms of the page's form: one a line, or separated by commas (Persian or Latin). */
export function termsFromText(text: string): string[] {
  return text
    .split(/[\n,،؛;]+/)
    .map((term) => term.trim())
    .filter((term) => term !== '');
}
