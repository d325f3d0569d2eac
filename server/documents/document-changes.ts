/**
 * Told by the documents and review services after each committed change to a document. The jobs
 * that carry the change to the search index are queued in the change's own transaction; the
 * listener runs the index ones before the service returns, so a response never shows a state the
 * search does not know yet. It never throws: a job that cannot run now stays queued.
 */
export interface DocumentChangeListener {
  documentChanged(documentId: string): Promise<void>;
}

/** Several listeners told of each change in turn, in the order given (the search index first, then those who read it). */
export function everyDocumentListener(...listeners: DocumentChangeListener[]): DocumentChangeListener {
  return {
    async documentChanged(documentId) {
      for (const listener of listeners) await listener.documentChanged(documentId);
    },
  };
}
