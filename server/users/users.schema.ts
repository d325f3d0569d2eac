import { z } from 'zod';
import { ROLES } from '../auth/roles';
import { latinDigits } from '../i18n/solar-hijri';
import { LOCALES } from '../i18n/locale';

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

export const passwordSchema = z.string().min(10, 'at least 10 characters').max(1024);

/**
 * One line of text as people type it: at most `max` characters as sent; NFC, runs of white space made one,
 * trimmed; empty means "none" (null).
 */
const line = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .transform((text) => text.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(z.string().regex(/^[^\p{Cc}]*$/u, 'no control characters'))
    .transform((text) => (text === '' ? null : text));

/**
 * A phone number in any digits (Persian ۰۲۱, Arabic-Indic ٠٢١ or ASCII), stored with ASCII digits so it can be
 * dialled from a `tel:` link and shown in either language's digits: an optional leading +, then digits, spaces,
 * dashes and parentheses, 4 to 20 digits in all.
 */
export const phoneSchema = line(40)
  .transform((phone) => (phone === null ? null : latinDigits(phone)))
  .refine((phone) => phone === null || /^\+?[0-9(][0-9 ()-]*[0-9]$/.test(phone), 'digits, spaces, - and ( ) only, with an optional leading +')
  .refine((phone) => phone === null || (phone.match(/[0-9]/g)?.length ?? 0) >= 4, 'at least 4 digits')
  .refine((phone) => phone === null || (phone.match(/[0-9]/g)?.length ?? 0) <= 20, 'at most 20 digits');

export const emailSchema = line(254).refine((email) => email === null || z.email().safeParse(email).success, 'not an e-mail address');

/** The directory fields: who someone is, what they do, how to reach them. Each may be null (or "") to clear it. */
export const profileFields = {
  fullName: line(120).nullable(),
  jobTitle: line(120).nullable(),
  phone: phoneSchema.nullable(),
  email: emailSchema.nullable(),
};

export const profileUpdateSchema = z
  .object(profileFields)
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'send at least one of fullName, jobTitle, phone, email');
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;

/** Which language one's e-mails are written in, and which notifications one also wants by e-mail. */
export const preferencesUpdateSchema = z
  .object({
    language: z.enum(LOCALES),
    email: z.object({ review: z.boolean(), packages: z.boolean(), subscriptions: z.boolean() }).partial().strict(),
  })
  .partial()
  .strict()
  .refine((input) => Object.keys(input).length > 0, 'send language and/or email');
export type PreferencesUpdate = z.infer<typeof preferencesUpdateSchema>;

export const passwordChangeSchema = z.object({ current: z.string().min(1, 'the current password is required').max(1024), new: passwordSchema }).strict();
export const temporaryPasswordSchema = z.object({ password: passwordSchema }).strict();

export const createUserSchema = z
  .object({
    username: usernameSchema,
    password: passwordSchema,
    role: z.enum(ROLES),
    city: z.string().min(1).nullish(),
    /** The secretariat chose this password: ask for a new one at the first sign-in. */
    mustChangePassword: z.boolean().optional(),
    ...profileFields,
  })
  .partial({ fullName: true, jobTitle: true, phone: true, email: true })
  .strict()
  .superRefine((value, ctx) => {
    if (value.role === 'city' && !value.city) ctx.addIssue({ code: 'custom', path: ['city'], message: 'a city user needs a city' });
    if (value.role === 'secretariat' && value.city) ctx.addIssue({ code: 'custom', path: ['city'], message: 'the secretariat belongs to no city' });
  });

export type CreateUserInput = z.infer<typeof createUserSchema>;
