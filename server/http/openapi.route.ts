import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

const SPEC_FILE = path.join(import.meta.dirname, 'openapi.yaml');

/** `GET /api/openapi.yaml`: the API contract, read once at start-up so a missing file stops the boot; no sign-in needed. */
export function openApiRoute(): Router {
  const spec = fs.readFileSync(SPEC_FILE, 'utf8');
  const router = Router();
  router.get('/api/openapi.yaml', (_req, res) => {
    res.type('application/yaml').set('Cache-Control', 'no-cache').send(spec);
  });
  return router;
}
