import { Router } from 'express';
import type { Services } from '../services';

/**
 * `GET /healthz` (API.md): 200 once every configured engine answers, 503 naming the one that does not.
 * 200 with `status: "degraded"` while the portal serves but free disk space is below the floor, with the reason.
 */
export function healthRoute({ store, searchIndex, db, disk }: Services): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const body = { status: 'ok', storage: store.kind, search: searchIndex.kind };
    const problems: Record<string, string> = {};
    const warnings: Record<string, string> = {};
    await Promise.all([
      store.ping().catch((error: Error) => (problems.storage = error.message)),
      searchIndex.ping().catch((error: Error) => (problems.search = error.message)),
      Promise.resolve()
        .then(() => db.prepare('SELECT 1').get())
        .catch((error: Error) => (problems.database = error.message)),
      disk
        .problem()
        .then((problem) => problem && (warnings.disk = problem))
        .catch((error: Error) => (problems.disk = error.message)),
    ]);
    if (Object.keys(problems).length > 0) {
      res.status(503).json({ ...body, status: 'unavailable', problems: { ...problems, ...warnings } });
      return;
    }
    if (Object.keys(warnings).length > 0) {
      res.json({ ...body, status: 'degraded', problems: warnings });
      return;
    }
    res.json(body);
  });
  return router;
}
