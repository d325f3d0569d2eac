import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { packageCreateSchema, packageUpdateSchema } from './packages.schema';
import { presentPackage } from './packages.presenter';
import { sendPackageZip } from './packages.download';

export function packagesApi(services: Services): Router {
  const { packages } = services;
  const router = Router();

  router.get('/packages', (req, res) => {
    const user = currentUser(req);
    res.json(packages.listFor(user).map((pkg) => presentPackage(pkg, packages.deliveredItems(user, pkg))));
  });

  router.post('/packages', (req, res) => {
    const user = currentUser(req);
    packages.assertCanCompile(user);
    const input = parseInput(packageCreateSchema, req.body ?? {});
    const created = packages.create(user, input);
    res.status(201).location(`/api/v1/packages/${created.id}`).json(presentPackage(created, packages.deliveredItems(user, created)));
  });

  router.get('/packages/:id', (req, res) => {
    const user = currentUser(req);
    const pkg = packages.getFor(user, req.params.id);
    res.json(presentPackage(pkg, packages.deliveredItems(user, pkg)));
  });

  router.patch('/packages/:id', (req, res) => {
    const user = currentUser(req);
    packages.assertCanCompile(user);
    const input = parseInput(packageUpdateSchema, req.body ?? {});
    const updated = packages.update(user, req.params.id, input);
    res.json(presentPackage(updated, packages.deliveredItems(user, updated)));
  });

  router.post('/packages/:id/publish', (req, res) => {
    const user = currentUser(req);
    const published = packages.publish(user, req.params.id);
    res.json({ ...presentPackage(published, packages.deliveredItems(user, published)), notified: published.notified });
  });

  router.get('/packages/:id/download', async (req, res) => {
    await sendPackageZip(services, currentUser(req), req.params.id, res);
  });

  return router;
}
