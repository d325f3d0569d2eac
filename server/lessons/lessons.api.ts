import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { presentAction, presentHistory, presentLesson } from './lessons.presenter';
import { actionDoneSchema, actionParamsSchema, learnedSchema, lessonListQuerySchema, lessonReturnSchema, lessonUpdateSchema, newActionSchema, newLessonSchema } from './lessons.schema';
import type { LessonReviewAction } from './lessons.service';

/** `/api/v1/lessons` (API.md, "Lessons and subscriptions"): write, review, follow up, and find lessons. */
export function lessonsApi({ lessons }: Services): Router {
  const router = Router();
  const present = (lesson: Parameters<typeof presentLesson>[0], user: ReturnType<typeof currentUser>) => presentLesson(lesson, user, lessons);

  router.get('/lessons', async (req, res) => {
    const user = currentUser(req);
    const query = parseInput(lessonListQuerySchema, req.query);
    const found = await lessons.list(user, query);
    res.json({ total: found.total, page: query.page, perPage: query.perPage, lessons: found.lessons.map((lesson) => present(lesson, user)) });
  });

  router.post('/lessons', async (req, res) => {
    const user = currentUser(req);
    lessons.assertCanRecord(user);
    const created = await lessons.create(user, parseInput(newLessonSchema, req.body ?? {}));
    res.status(201).location(`/api/v1/lessons/${created.id}`).json(present(created, user));
  });

  router.get('/lessons/:id', (req, res) => {
    const user = currentUser(req);
    const lesson = lessons.getVisible(user, req.params.id);
    res.json({ ...present(lesson, user), history: lessons.history(user, lesson.id).map(presentHistory) });
  });

  router.patch('/lessons/:id', async (req, res) => {
    const user = currentUser(req);
    lessons.getEditable(user, req.params.id);
    const updated = await lessons.update(user, req.params.id, parseInput(lessonUpdateSchema, req.body ?? {}));
    res.json(present(updated, user));
  });

  router.get('/lessons/:id/similar', (req, res) => {
    const user = currentUser(req);
    const lesson = lessons.getVisible(user, req.params.id);
    res.json({
      lessons: lessons.similar(user, lesson).map(({ lesson: other, likeness }) => ({
        id: other.id,
        title: other.title,
        city: other.city,
        year: other.year,
        status: other.status,
        score: Number(likeness.score.toFixed(3)),
        sharedHazards: likeness.sharedHazards,
      })),
    });
  });

  for (const action of ['submit', 'publish'] as const satisfies LessonReviewAction[]) {
    router.post(`/lessons/:id/${action}`, async (req, res) => {
      const user = currentUser(req);
      res.json(present(await lessons.review(user, req.params.id as string, action), user));
    });
  }

  router.post('/lessons/:id/return', async (req, res) => {
    const user = currentUser(req);
    lessons.authorizeReview(user, req.params.id, 'return');
    const { comment } = parseInput(lessonReturnSchema, req.body ?? {});
    res.json(present(await lessons.review(user, req.params.id, 'return', comment), user));
  });

  router.post('/lessons/:id/actions', async (req, res) => {
    const user = currentUser(req);
    lessons.getManageable(user, req.params.id);
    const action = await lessons.addAction(user, req.params.id, parseInput(newActionSchema, req.body ?? {}));
    res.status(201).json(presentAction(action, user, lessons));
  });

  router.post('/lessons/:id/actions/:actionId/done', async (req, res) => {
    const user = currentUser(req);
    const { id, actionId } = parseInput(actionParamsSchema, req.params);
    lessons.assertCanComplete(user, id, actionId);
    const action = await lessons.completeAction(user, id, actionId, parseInput(actionDoneSchema, req.body ?? {}));
    res.json(presentAction(action, user, lessons));
  });

  router.post('/lessons/:id/learned', async (req, res) => {
    const user = currentUser(req);
    lessons.assertCanMarkLearned(user, req.params.id);
    const { note } = parseInput(learnedSchema, req.body ?? {});
    res.json(present(await lessons.markLearned(user, req.params.id, note), user));
  });

  return router;
}
