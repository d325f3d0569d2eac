import { Router } from 'express';
import type { Services } from '../services';
import { requirePageUser, requireRole } from '../auth/passport';
import { faDigits } from '../http/view-helpers';
import { barChartSvg } from './bar-chart.svg';
import { DashboardService } from './dashboard.service';

/** The secretariat's dashboard: what was sent, what waits, what failed, and what people look for and nobody has sent. */
export function dashboardPages({ db, reference }: Services): Router {
  const dashboard = new DashboardService(db);
  const router = Router();

  router.get('/dashboard', requirePageUser, requireRole('secretariat'), (_req, res) => {
    const cities = reference.cities();
    const kinds = reference.vocabulary().kinds;
    const cityName = (id: string) => cities.find((c) => c.id === id)?.name ?? id;
    const kindName = (id: string) => kinds.find((k) => k.id === id)?.fa ?? id;
    const uploads = dashboard.uploads();
    const charts = {
      byCity: barChartSvg('اسناد هر شهر', uploads.byCity.rows.map((r) => ({ label: cityName(r.key), value: r.total }))),
      byKind: barChartSvg('اسناد هر نوع', uploads.byKind.rows.map((r) => ({ label: kindName(r.key), value: r.total })), '#1e6b3a'),
      byYear: barChartSvg('اسناد بر پایهٔ سال بارگذاری', uploads.byYear.map((y) => ({ label: `سال ${faDigits(y.key)}`, value: y.count })), '#7a4b0b'),
    };
    res.render('dashboard', {
      title: 'داشبورد دبیرخانه',
      uploads,
      charts,
      pending: dashboard.pendingReviews(),
      failures: dashboard.indexingFailures(),
      noResults: dashboard.noResultSearches(),
    });
  });

  return router;
}
