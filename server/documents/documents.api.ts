import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { presentDocument } from './documents.presenter';
import {
  deleteSchema,
  documentMetadataSchema,
  listQuerySchema,
  metadataUpdateSchema,
  sharesSchema,
  versionQuerySchema,
} from './documents.schema';
import { withoutArraySuffix } from '../http/form';
import { consumeStoredFile, mayUpload, requireStoredFile, singleFileUpload } from './upload.middleware';
import { sendVersion } from './download';

export function documentsApi(services: Services): Router {
  const { documents, store, stores } = services;
  const upload = singleFileUpload(store, services.config.maxUploadBytes, services.disk);
  const router = Router();

  router.get('/documents', (req, res) => {
    const user = currentUser(req);
    const filter = parseInput(listQuerySchema, req.query);
    const { total, documents: found } = documents.list(user, filter);
    res.json({ total, page: filter.page, perPage: filter.perPage, documents: found.map((d) => presentDocument(d, user)) });
  });

  router.post(
    '/documents',
    mayUpload(documents, 'new-document'),
    upload,
    async (req, res) => {
      const user = currentUser(req);
      const created = await consumeStoredFile(req, store, () => {
        const file = requireStoredFile(req);
        const metadata = parseInput(documentMetadataSchema, withoutArraySuffix(req.body as Record<string, unknown>));
        return documents.create(user, metadata, file);
      });
      const duplicates = documents.duplicatesOf(user, created.id, created.versions.at(-1)!.sha256);
      res.status(201).location(`/api/v1/documents/${created.id}`).json({ ...presentDocument(created, user), duplicates });
    },
  );

  router.get('/documents/:id', (req, res) => {
    const user = currentUser(req);
    res.json(presentDocument(documents.getVisible(user, req.params.id), user));
  });

  router.patch('/documents/:id', async (req, res) => {
    const user = currentUser(req);
    const update = parseInput(metadataUpdateSchema, req.body ?? {});
    const updated = await documents.updateMetadata(user, req.params.id, update);
    res.json(presentDocument(updated, user));
  });

  router.post(
    '/documents/:id/versions',
    mayUpload(documents, 'new-version'),
    upload,
    async (req, res) => {
      const user = currentUser(req);
      const updated = await consumeStoredFile(req, store, () => {
        const file = requireStoredFile(req);
        parseInput(versionFormSchema, withoutArraySuffix(req.body as Record<string, unknown>));
        return documents.addVersion(user, req.params.id as string, file);
      });
      const duplicates = documents.duplicatesOf(user, updated.id, updated.versions.at(-1)!.sha256);
      res.status(201).json({ ...presentDocument(updated, user), duplicates });
    },
  );

  router.delete('/documents/:id', async (req, res) => {
    const user = currentUser(req);
    documents.assertCanDelete(user, req.params.id);
    const { reason } = parseInput(deleteSchema, req.body ?? {});
    await documents.delete(user, req.params.id, reason);
    res.status(204).end();
  });

  router.get('/documents/:id/file', async (req, res) => {
    const user = currentUser(req);
    const { version: number } = parseInput(versionQuerySchema, req.query);
    const { version } = documents.version(user, req.params.id, number);
    await sendVersion(req, res, stores, version);
  });

  router.post('/documents/:id/shares', async (req, res) => {
    const user = currentUser(req);
    const { cities } = parseInput(sharesSchema, req.body ?? {});
    const shared = await documents.setShares(user, req.params.id, cities);
    res.json(presentDocument(shared, user));
  });

  return router;
}

const versionFormSchema = z.object({}).strict();
