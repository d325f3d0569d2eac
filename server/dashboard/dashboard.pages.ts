import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { resolutionChoices } from '../resolutions/resolution-choices';
import { ref } from '../resolutions/resolutions.service';
import { jalaliDate } from '../i18n/solar-hijri';
import { barChartSvg, type ChartLanguage } from './bar-chart.svg';
import { DashboardService } from './dashboard.service';
import { formatters } from '../i18n/index';

/** The secretariat's dashboard: who has sent nothing, what was sent, what waits, what failed, overdue lesson actions, and what people look for and nobody has sent. */
export function dashboardPages({ db, reference, resolutions, lessons }: Services): Router {
  const dashboard = new DashboardService(db);
  const router = Router();

  router.get('/dashboard', requirePageUser, requireRole('secretariat'), (req, res) => {
    const { t, dir, locale } = res.locals;
    const { digits, number } = formatters(locale);
    const cityName: (id: string) => string = res.locals.cityName;
    const kindName: (id: string) => string = res.locals.kindName;
    const language: ChartLanguage = { dir, number, noData: t('dashboard.charts.noData') };
    const user = currentUser(req);
    const uploads = dashboard.uploads();
    const cities = reference.cities().map((c) => c.id);
    const kinds = reference.vocabulary().kinds.map((k) => k.id);
    const asked = resolutions.matrix(user).resolutions.map((r) => ref(r.meeting, r.number));
    const silence = dashboard.silence(cities, kinds, asked);
    const sentByCity = [...silence].sort((a, b) => b.total - a.total || cities.indexOf(a.city) - cities.indexOf(b.city));
    const charts = {
      byCity: barChartSvg(t('dashboard.charts.byCity'), sentByCity.map((r) => ({ label: cityName(r.city), value: r.total })), language, 'city'),
      byKind: barChartSvg(t('dashboard.charts.byKind'), uploads.byKind.rows.map((r) => ({ label: kindName(r.key), value: r.total })), language, 'kind'),
      byYear: barChartSvg(
        t('dashboard.charts.byYearTitle'),
        uploads.byYear.map((y) => ({ label: t('dashboard.charts.year', { year: digits(y.key) }), value: y.count })),
        language,
        'year',
      ),
    };
    res.render('dashboard', {
      title: t('dashboard.title'),
      uploads,
      charts,
      silence,
      silenceColumns: { kinds, resolutions: asked },
      resolutionShort: new Map(resolutionChoices(reference, user, locale).map((r) => [r.ref, r.short])),
      pending: dashboard.pendingReviews(),
      failures: dashboard.indexingFailures(),
      noResults: dashboard.noResultSearches(),
      overdueActions: lessons.overdueActions(user),
      clusters: lessons.recurringClusters(user),
      jalali: (value: string) => jalaliDate(value, locale),
    });
  });

  return router;
}
