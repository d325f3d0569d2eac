import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import type { Services } from '../services';

const SPEC_FILE = path.join(import.meta.dirname, 'openapi.yaml');

/**
 * A line of the description that lists values of this moment: `enum: […]  # served: cities`. The file lists
 * the seeded values; the served document lists those of the database when it is asked for, so that a city
 * or a resolution added since is a valid value, and an unknown one is not.
 */
const SERVED_LIST = /^(\s*enum: )\[[^\]]*\](\s*# served: (cities|resolutions))$/gm;

/**
 * `GET /api/openapi.yaml`: the API contract, read once at start-up so a missing file stops the boot; no sign-in
 * needed. The lists of known cities and resolutions in it are those of the moment it is asked for.
 */
export function openApiRoute({ reference, resolutions }: Pick<Services, 'reference' | 'resolutions'>): Router {
  const spec = fs.readFileSync(SPEC_FILE, 'utf8');
  if (!spec.match(SERVED_LIST)) throw new Error(`${SPEC_FILE} lists no served values (\`# served: cities\`)`);
  const router = Router();
  router.get('/api/openapi.yaml', (_req, res) => {
    const lists = { cities: () => reference.cities().map((city) => city.id), resolutions: () => resolutions.refs() };
    const served = spec.replace(SERVED_LIST, (_line, head: string, tail: string, list: keyof typeof lists) => `${head}[${lists[list]().map(quoted).join(', ')}]${tail}`);
    res.type('application/yaml').set('Cache-Control', 'no-cache').send(served);
  });
  return router;
}

function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
