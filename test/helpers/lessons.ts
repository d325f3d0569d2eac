import supertest from 'supertest';
import type { Actor, Cast, TestPortal } from './portal';

export interface LessonFields {
  title?: string;
  observation?: string;
  analysis?: string;
  recommendation?: string;
  hazards?: string[];
  city?: string;
  documents?: (string | { id: string; page?: number | null })[];
  resolutions?: string[];
  access?: 'portal' | 'restricted';
  sharedWith?: string[];
}

export const LESSON_FIELDS: Required<Omit<LessonFields, 'city'>> = {
  title: 'آب‌گرفتگی زیرگذرها در باران بهاری',
  observation: 'در بارش شدید فروردین، زیرگذرهای مرکز شهر ساعت‌ها زیر آب ماند و خودروها گرفتار شدند.',
  analysis: 'دریچه‌های آبرو پیش از فصل باران لایروبی نشده بود و پمپ‌های تخلیه برق اضطراری نداشتند.',
  recommendation: 'لایروبی دریچه‌ها پیش از فصل باران و نصب مولد برق برای پمپ‌های تخلیهٔ زیرگذرها.',
  hazards: ['flood'],
  documents: [],
  resolutions: ['9/2'],
  access: 'portal',
  sharedWith: [],
};

/** A lesson recorded through the API by `who` (its own city's, or `fields.city` for the secretariat). */
export async function recordLesson(portal: TestPortal, who: Actor, fields: LessonFields = {}) {
  const res = await supertest(portal.app).post('/api/v1/lessons').set(who.auth).send({ ...LESSON_FIELDS, ...fields });
  if (res.status !== 201) throw new Error(`recording a lesson failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string; review: string; city: string };
}

/** Moves a lesson through its review as its city and the secretariat would. */
export async function bringLesson(portal: TestPortal, c: Cast, id: string, review: 'draft' | 'submitted' | 'published' | 'returned') {
  const step = (action: string, body: object = {}) => supertest(portal.app).post(`/api/v1/lessons/${id}/${action}`).set(c.secretariat.auth).send(body).expect(200);
  if (review === 'draft') return;
  await step('submit');
  if (review === 'submitted') return;
  if (review === 'returned') return void (await step('return', { comment: 'تحلیل کامل نیست' }));
  await step('publish');
}

export function lessonRow(portal: TestPortal, id: string): Record<string, unknown> {
  return portal.services.db.prepare('SELECT * FROM lessons WHERE id = ?').get(id) as Record<string, unknown>;
}

export function countOf(portal: TestPortal, table: string): number {
  return portal.services.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
}
