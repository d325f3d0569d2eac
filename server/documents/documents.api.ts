import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { presentDocument } from './documents.presenter';
import {
  documentMetadataSchema,
  listQuerySchema,
  metadataUpdateSchema,
  returnSchema,
  sharesSchema,
  versionQuerySchema,
  withoutArraySuffix,
} from './documents.schema';
import { consumeStoredFile, mayUpload, requireStoredFile, singleFileUpload } from './upload.middleware';
import { sendVersion } from './download';
import type { ReviewAction } from '../review/review.service';
import { afterDocumentChange } from '../search/after-change';

export function documentsApi(services: Services): Router {
  const { documents, review, store } = services;
  const upload = singleFileUpload(store, services.config.maxUploadBytes);
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
      await afterDocumentChange(services, created.id);
      res.status(201).location(`/api/v1/documents/${created.id}`).json(presentDocument(created, user));
    },
  );

  router.get('/documents/:id', (req, res) => {
    const user = currentUser(req);
    res.json(presentDocument(documents.getVisible(user, req.params.id), user));
  });

  router.patch('/documents/:id', async (req, res) => {
    const user = currentUser(req);
    const update = parseInput(metadataUpdateSchema, req.body ?? {});
    const updated = documents.updateMetadata(user, req.params.id, update);
    await afterDocumentChange(services, updated.id);
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
      await afterDocumentChange(services, updated.id);
      res.status(201).json(presentDocument(updated, user));
    },
  );

  router.get('/documents/:id/file', async (req, res) => {
    const user = currentUser(req);
    const { version: number } = parseInput(versionQuerySchema, req.query);
    const { version } = documents.version(user, req.params.id, number);
    await sendVersion(req, res, store, version);
  });

  router.post('/documents/:id/shares', async (req, res) => {
    const user = currentUser(req);
    const { cities } = parseInput(sharesSchema, req.body ?? {});
    const shared = documents.setShares(user, req.params.id, cities);
    await afterDocumentChange(services, shared.id);
    res.json(presentDocument(shared, user));
  });

  for (const action of ['submit', 'publish', 'withdraw'] as const satisfies ReviewAction[]) {
    router.post(`/documents/:id/${action}`, async (req, res) => {
      const user = currentUser(req);
      const moved = review.apply(user, req.params.id as string, action);
      await afterDocumentChange(services, moved.id);
      res.json(presentDocument(moved, user));
    });
  }

  router.post('/documents/:id/return', async (req, res) => {
    const user = currentUser(req);
    review.authorize(user, req.params.id, 'return');
    const { comment } = parseInput(returnSchema, req.body ?? {});
    const returned = review.apply(user, req.params.id, 'return', comment);
    await afterDocumentChange(services, returned.id);
    res.json(presentDocument(returned, user));
  });

  return router;
}

const versionFormSchema = z.object({}).strict();
