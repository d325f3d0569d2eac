import { z } from 'zod';
import { ROLES } from '../auth/roles';

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only');

export const passwordSchema = z.string().min(10, 'at least 10 characters').max(1024);

export const createUserSchema = z
  .object({
    username: usernameSchema,
    password: passwordSchema,
    role: z.enum(ROLES),
    city: z.string().min(1).nullish(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.role === 'city' && !value.city) ctx.addIssue({ code: 'custom', path: ['city'], message: 'a city user needs a city' });
    if (value.role !== 'city' && value.city) ctx.addIssue({ code: 'custom', path: ['city'], message: 'only city users belong to a city' });
  });

export type CreateUserInput = z.infer<typeof createUserSchema>;
