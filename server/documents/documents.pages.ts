import { Router } from 'express';
import type { Services } from '../services';

export function documentsPages(_services: Services): Router {
  return Router();
}
