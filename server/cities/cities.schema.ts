import { z } from 'zod';

/**
 * A city's id is part of every link and of the API (`/cities/shiraz`, `?city=shiraz`): lowercase ASCII
 * letters in words joined by single dashes, e.g. `bandar-abbas`. `manage` names the secretariat's page.
 */
export const RESERVED_CITY_IDS = ['manage'] as const;
export const cityIdSchema = z
  .string()
  .min(2, 'at least 2 characters')
  .max(40, 'at most 40 characters')
  .regex(/^[a-z]+(-[a-z]+)*$/, 'lowercase ASCII letters and single dashes only, e.g. bandar-abbas')
  .refine((id) => !(RESERVED_CITY_IDS as readonly string[]).includes(id), 'this id is reserved');

/** A name as shown everywhere: one line, surrounding spaces trimmed, inner runs of spaces made one. */
const nameSchema = z
  .string()
  .max(100, 'at most 100 characters')
  .transform((name) => name.normalize('NFC').replace(/\s+/g, ' ').trim())
  .pipe(z.string().min(1, 'a name is required'));

export const cityCreateSchema = z
  .object({
    id: cityIdSchema,
    name: nameSchema,
    nameEn: nameSchema,
    newMetropolis: z.boolean().default(false),
  })
  .strict();
export type CityCreate = z.infer<typeof cityCreateSchema>;

export const cityUpdateSchema = z
  .object({ name: nameSchema, nameEn: nameSchema, newMetropolis: z.boolean() })
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'send at least one of name, nameEn, newMetropolis');
export type CityUpdate = z.infer<typeof cityUpdateSchema>;
