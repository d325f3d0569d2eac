import { Router } from 'express';
import type { Services } from '../services';

export function reviewPages(_services: Services): Router {
  return Router();
}
