/**
 * Told by the lessons service after each committed change to a lesson, as DocumentChangeListener is for documents:
 * the `index-lesson` job queued in the change's transaction is run before the service answers, and whoever follows
 * lessons (subscriptions) hears of it. It never throws: a job that cannot run now stays queued.
 */
export interface LessonChangeListener {
  lessonChanged(lessonId: string): Promise<void>;
}

/** Several listeners told of each change in turn, in the order given (the search index first, then those who read it). */
export function everyLessonListener(...listeners: LessonChangeListener[]): LessonChangeListener {
  return {
    async lessonChanged(lessonId) {
      for (const listener of listeners) await listener.lessonChanged(lessonId);
    },
  };
}
