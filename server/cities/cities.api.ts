import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import { cityCreateSchema, cityUpdateSchema } from './cities.schema';
import type { City } from './cities.service';

/** The cities everyone reads, a city's people (whom to call), and the secretariat's additions and edits. */
export function citiesApi({ cities, users }: Services): Router {
  const router = Router();
  const secretariat = requireRole('secretariat');

  router.get('/cities', (_req, res) => {
    res.json(cities.list().map(presentCity));
  });

  router.post('/cities', secretariat, (req, res) => {
    const input = parseInput(cityCreateSchema, req.body ?? {});
    const { city } = cities.create(currentUser(req), input);
    res.status(201).location(`/api/v1/cities/${city.id}`).json(presentCity(city));
  });

  router.get('/cities/:id', (req, res) => {
    res.json(presentCity(cities.get(req.params.id)));
  });

  router.patch('/cities/:id', secretariat, (req, res) => {
    const input = parseInput(cityUpdateSchema, req.body ?? {});
    const { city } = cities.update(currentUser(req), req.params.id as string, input);
    res.json(presentCity(city));
  });

  router.get('/cities/:id/people', (req, res) => {
    const city = cities.get(req.params.id);
    res.json(users.directory(city.id).map(({ id, username, role, fullName, jobTitle, phone, email }) => ({ id, username, role, fullName, jobTitle, phone, email })));
  });

  return router;
}

export function presentCity(city: City) {
  return { id: city.id, name: city.name, nameEn: city.nameEn, newMetropolis: city.newMetropolis };
}
