import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import type { Services } from './services';
import { requireApiUser } from './auth/passport';
import { csrfToken } from './auth/csrf';
import { tokensApi } from './auth/auth.api';
import { authPages } from './auth/auth.pages';
import { usersApi } from './users/users.api';
import { usersPages } from './users/users.pages';
import { referenceApi } from './reference/reference.api';
import { citiesApi } from './cities/cities.api';
import { citiesPages } from './cities/cities.pages';
import { profileApi } from './users/profile.api';
import { profilePages } from './users/profile.pages';
import { apiPasswordGate, pagePasswordGate } from './auth/password-gate';
import { resolutionsApi } from './resolutions/resolutions.api';
import { resolutionsPages } from './resolutions/resolutions.pages';
import { documentsApi } from './documents/documents.api';
import { documentsPages } from './documents/documents.pages';
import { searchApi } from './search/search.api';
import { searchPages } from './search/search.pages';
import { synonymsApi } from './search/synonyms.api';
import { synonymsPages } from './search/synonyms.pages';
import { reviewPages } from './review/review.pages';
import { reviewApi } from './review/review.api';
import { healthRoute } from './health/health.route';
import { openApiRoute } from './http/openapi.route';
import { errorHandler } from './http/error-handler';
import { NotFoundError } from './http/errors';
import { viewHelpers } from './http/view-helpers';
import { languageRoute } from './i18n/language.route';
import { packagesApi } from './packages/packages.api';
import { packagesPages } from './packages/packages.pages';
import { notificationsApi } from './notifications/notifications.api';
import { notificationsPages } from './notifications/notifications.pages';
import { dashboardPages } from './dashboard/dashboard.pages';
import { auditPages } from './audit/audit.pages';
import { previewsApi } from './previews/previews.api';
import { previewsPages } from './previews/previews.pages';
import { methodNotAllowed, RouteTable } from './http/route-table';
import { requestLog } from './observability/request-log';
import { requestMetrics } from './observability/request-metrics';
import { metricsRoute } from './observability/metrics.route';
import { AddressList } from './observability/address-list';
import { lessonsApi } from './lessons/lessons.api';
import { lessonsPages } from './lessons/lessons.pages';
import { subscriptionsApi } from './subscriptions/subscriptions.api';
import { subscriptionsPages } from './subscriptions/subscriptions.pages';
import { feedRoute } from './subscriptions/feed.route';

const ROOT = path.resolve(import.meta.dirname, '..');
const FONTS = path.join(ROOT, 'node_modules', 'vazirmatn', 'fonts', 'webfonts');

/** Paths outside `/api/v1` that the API's description names, which answer 405 for a method they do not take. */
const DESCRIBED_PATHS = new Set(['/healthz', '/api/openapi.yaml']);

export function createApp(services: Services, logError: (error: unknown, req?: Request) => void = defaultLogError(services)): express.Express {
  const app = express();
  // Read from the app itself once it is complete (below): the route names of logs and metrics, and the 405s.
  const routes = new RouteTable();
  app.disable('x-powered-by');
  app.set('trust proxy', services.config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(ROOT, 'views'));
  app.use(requestLog(services.logger, routes), requestMetrics(services.metrics, routes));
  app.use(securityHeaders);
  app.use(services.shutdown.middleware);

  app.use(healthRoute(services));
  app.use(metricsRoute(services.metrics, new AddressList(services.config.metricsAllow), routes));
  app.use(languageRoute(services.config.cookieSecure));
  app.use(openApiRoute(services));
  // A subscription's private feed: its token is the credential (feed readers carry no session or bearer token).
  app.use(feedRoute(services));
  app.use(methodNotAllowed(routes, (path) => DESCRIBED_PATHS.has(path)));
  // The portal serves its own font (no outside requests); it changes only when the vazirmatn package is upgraded.
  app.use('/static/fonts', express.static(FONTS, { maxAge: '365d', immutable: true, fallthrough: false, index: false }));
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: '1h', fallthrough: false }));

  const api = express.Router();
  api.use(express.json({ limit: '256kb' }));
  api.use(tokensApi(services));
  api.use(requireApiUser(services.passport));
  api.use(apiPasswordGate(services.users));
  api.use(methodNotAllowed(routes));
  api.use(profileApi(services), citiesApi(services));
  api.use(usersApi(services), referenceApi(services), documentsApi(services), reviewApi(services), searchApi(services));
  api.use(notificationsApi(services));
  api.use(resolutionsApi(services));
  api.use(packagesApi(services));
  api.use(synonymsApi(services));
  api.use(previewsApi(services));
  api.use(lessonsApi(services), subscriptionsApi(services));
  api.use((_req: Request, _res: Response, next: NextFunction) => next(new NotFoundError('no such API route')));
  app.use('/api/v1', api);
  app.use('/api', (_req: Request, _res: Response, next: NextFunction) => next(new NotFoundError('no such API route')));

  app.use(
    session({
      name: 'tajrobe.sid',
      secret: services.sessionSecret,
      store: services.sessions,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: services.config.cookieSecure, maxAge: services.config.sessionTtlMs },
    }),
  );
  app.use(services.passport.initialize());
  app.use(services.passport.session());
  app.use(express.urlencoded({ extended: false, limit: '256kb' }));
  app.use(csrfToken);
  app.use(viewHelpers(services));
  app.use(pagePasswordGate(services.users));
  app.use(profilePages(services), citiesPages(services));
  app.use(authPages(services), usersPages(services), documentsPages(services), reviewPages(services), searchPages(services));
  app.use(notificationsPages(services), dashboardPages(services), auditPages(services));
  app.use(resolutionsPages(services));
  app.use(packagesPages(services));
  app.use(synonymsPages(services));
  app.use(previewsPages(services));
  app.use(lessonsPages(services), subscriptionsPages(services));
  app.use((_req: Request, _res: Response, next: NextFunction) => next(new NotFoundError()));
  app.use(errorHandler(logError));
  routes.load(app);
  return app;
}

/** An unexpected error goes to the log with its stack, under the request's id. */
function defaultLogError(services: Services) {
  return (error: unknown, req?: Request) => (req?.log ?? services.logger).error({ err: error }, 'unexpected error');
}

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
  });
  next();
}
