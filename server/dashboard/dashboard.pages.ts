import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { jalaliDate } from '../i18n/solar-hijri';
import { barChartSvg, type ChartLanguage } from './bar-chart.svg';
import { DashboardService } from './dashboard.service';
import { formatters } from '../i18n/index';

/** The secretariat's dashboard: what was sent, what waits, what failed, and what people look for and nobody has sent. */
export function dashboardPages({ db, lessons }: Services): Router {
  const dashboard = new DashboardService(db);
  const router = Router();

  router.get('/dashboard', requirePageUser, requireRole('secretariat'), (req, res) => {
    const { t, dir, locale } = res.locals;
    const { digits, number } = formatters(locale);
    const cityName: (id: string) => string = res.locals.cityName;
    const kindName: (id: string) => string = res.locals.kindName;
    const language: ChartLanguage = { dir, number, noData: t('dashboard.charts.noData') };
    const uploads = dashboard.uploads();
    const charts = {
      byCity: barChartSvg(t('dashboard.charts.byCity'), uploads.byCity.rows.map((r) => ({ label: cityName(r.key), value: r.total })), language),
      byKind: barChartSvg(t('dashboard.charts.byKind'), uploads.byKind.rows.map((r) => ({ label: kindName(r.key), value: r.total })), language, '#1e6b3a'),
      byYear: barChartSvg(
        t('dashboard.charts.byYearTitle'),
        uploads.byYear.map((y) => ({ label: t('dashboard.charts.year', { year: digits(y.key) }), value: y.count })),
        language,
        '#7a4b0b',
      ),
    };
    res.render('dashboard', {
      title: t('dashboard.title'),
      uploads,
      charts,
      pending: dashboard.pendingReviews(),
      failures: dashboard.indexingFailures(),
      noResults: dashboard.noResultSearches(),
      overdueActions: lessons.overdueActions(currentUser(req)),
      clusters: lessons.recurringClusters(currentUser(req)),
      jalali: (value: string) => jalaliDate(value, locale),
    });
  });

  return router;
}
