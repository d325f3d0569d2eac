import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError } from '../http/errors';
import { fieldsOf, firstString, isFormError } from '../http/form';
import type { MessageKey } from '../i18n/index';
import { cityCreateSchema, cityUpdateSchema } from './cities.schema';
import type { City } from './cities.service';

interface CityFormValues {
  id: string;
  name: string;
  nameEn: string;
  newMetropolis: boolean;
}

/** A refused form: which one (the new city's, or a city's edit form) with what was typed and why. */
interface Refusal {
  form: 'new' | string;
  values: CityFormValues;
  errors: string[];
}

const EMPTY: CityFormValues = { id: '', name: '', nameEn: '', newMetropolis: false };
const FORM_FIELDS = ['id', 'name', 'nameEn'] as const;

/**
 * The secretariat's cities page, `/cities/manage`: add a city, rename one, mark or unmark it a new metropolis.
 * (The list of cities and each city's page are `/cities` and `/cities/:id`, in server/resolutions/; this router
 * is mounted before them, and `manage` is not a city id.)
 */
export function citiesPages({ cities, users }: Services): Router {
  const router = Router();
  router.use('/cities/manage', requirePageUser, requireRole('secretariat'));

  router.get('/cities/manage', (_req, res) => {
    render(res);
  });

  router.post('/cities/manage', verifyCsrf, (req, res) => {
    const values = formValues(req, firstString(req.body?.id).trim());
    try {
      const { city } = cities.create(currentUser(req), parseInput(cityCreateSchema, values));
      req.session.flash = res.locals.t('cities.manage.created', { city: localName(res, city) });
      res.redirect(303, `/cities/manage#city-${city.id}`);
    } catch (error) {
      const errors = refusalMessages(res, error, values);
      if (!errors) throw error;
      render(res, { form: 'new', values, errors: errors.messages }, errors.status);
    }
  });

  router.post('/cities/manage/:id', verifyCsrf, (req, res) => {
    const before = cities.get(req.params.id as string);
    const values = formValues(req, before.id);
    try {
      const { id: _, ...changes } = values;
      const { city, notified } = cities.update(currentUser(req), before.id, parseInput(cityUpdateSchema, changes));
      const name = localName(res, city);
      const t = res.locals.t;
      req.session.flash =
        city.newMetropolis !== before.newMetropolis
          ? city.newMetropolis
            ? notified > 0
              ? t('cities.manage.markedNotified', { city: name, count: notified })
              : t('cities.manage.marked', { city: name })
            : t('cities.manage.unmarked', { city: name })
          : city.name !== before.name || city.nameEn !== before.nameEn
            ? t('cities.manage.updated', { city: name })
            : t('cities.manage.unchanged', { city: name });
      res.redirect(303, `/cities/manage#city-${city.id}`);
    } catch (error) {
      const errors = refusalMessages(res, error, values);
      if (!errors) throw error;
      render(res, { form: before.id, values, errors: errors.messages }, errors.status);
    }
  });

  return router;

  function render(res: Response, refusal: Refusal | null = null, status = 200): void {
    const list = cities.list();
    const people = users.countByCity();
    res.status(status).render('cities-manage', {
      title: res.locals.t('cities.manage.title'),
      list: list.map((city) => ({ city, people: people.get(city.id) ?? 0, values: refusal?.form === city.id ? refusal.values : valuesOf(city) })),
      newValues: refusal?.form === 'new' ? refusal.values : EMPTY,
      refusal,
    });
  }
}

/** The form as typed; an unticked checkbox is not sent at all, so the form always means "this is the whole flag". */
function formValues(req: Request, id: string): CityFormValues {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return { id, name: firstString(body.name), nameEn: firstString(body.nameEn), newMetropolis: firstString(body.newMetropolis) === 'on' };
}

function valuesOf(city: City): CityFormValues {
  return { id: city.id, name: city.name, nameEn: city.nameEn, newMetropolis: city.newMetropolis };
}

function localName(res: Response, city: City): string {
  return res.locals.locale === 'fa' ? city.name : city.nameEn;
}

/** A refusal the form explains (bad fields, an id that exists), in the reader's language; null for any other error. */
function refusalMessages(res: Response, error: unknown, values: CityFormValues): { status: number; messages: string[] } | null {
  const t = res.locals.t;
  if (error instanceof AppError && error.code === 'city_exists') return { status: 409, messages: [t('cities.manage.exists', { id: values.id })] };
  if (!isFormError(error)) return null;
  const messages = fieldsOf(error).map((field) =>
    (FORM_FIELDS as readonly string[]).includes(field) ? t(`cities.manage.fields.${field}` as MessageKey) : t('errors.validation_failed'),
  );
  return { status: 400, messages: [...new Set(messages)] };
}
