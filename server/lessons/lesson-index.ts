import type { IndexedDocument, SearchIndex } from '../../search/search-index';
import type { Job, JobsQueue } from '../jobs/jobs.queue';
import type { TaskRunner } from '../jobs/task-runner';
import type { JobsWorker } from '../jobs/jobs.worker';
import type { DocumentLabels } from '../search/labels';
import type { Lesson } from './lesson';
import type { LessonChangeListener } from './lesson-changes';
import type { LessonsRepository } from './lessons.repository';

/**
 * The search index's view of a lesson: an entry of type `lesson`, its observation, analysis and recommendation as
 * the summary (searched and cut into snippets as a document's summary is), no pages, no kind, no file; its review
 * state is the entry's status, so it is found exactly where a document in that state would be.
 */
export function toIndexedLesson(lesson: Lesson, labels: string[]): IndexedDocument {
  return {
    id: lesson.id,
    type: 'lesson',
    title: lesson.title,
    summary: [lesson.observation, lesson.analysis, lesson.recommendation].join('\n\n'),
    keywords: [],
    city: lesson.city,
    kind: '',
    hazards: lesson.hazards,
    year: lesson.year,
    resolutions: lesson.resolutions,
    fileType: '',
    status: lesson.review,
    access: lesson.access,
    sharedWith: lesson.sharedWith,
    updatedAt: lesson.updatedAt,
    pages: [],
    labels,
  };
}

/** Keeps the index in step with the lessons: an `index-lesson` job re-sends one lesson as the database has it, or removes it. */
export class LessonIndexer {
  constructor(
    private readonly lessons: LessonsRepository,
    private readonly index: SearchIndex,
    private readonly labels: DocumentLabels,
  ) {}

  async sync(lessonId: string): Promise<void> {
    const lesson = this.lessons.find(lessonId);
    if (!lesson) return this.index.remove(lessonId);
    await this.index.upsert(toIndexedLesson(lesson, this.labels({ city: lesson.city, kind: '', hazards: lesson.hazards })));
  }

  readonly run = (job: Job): Promise<void> => this.sync(job.documentId);
}

/** Runs a lesson's index job before the lessons service answers (as IndexFollower does for documents), then wakes the worker. */
export class LessonIndexFollower implements LessonChangeListener {
  constructor(
    private readonly jobs: JobsQueue,
    private readonly runner: TaskRunner,
    private readonly worker: Pick<JobsWorker, 'kick'>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async lessonChanged(lessonId: string): Promise<void> {
    try {
      if (this.runner.recordPending()) {
        const job = this.jobs.claim(['index-lesson'], lessonId);
        if (job) await this.runner.run(job);
      }
    } catch (error) {
      this.log(`the index job of lesson ${lessonId} stays queued: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.worker.kick();
  }
}
