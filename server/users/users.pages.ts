import { Router } from 'express';
import type { Services } from '../services';

export function usersPages(_services: Services): Router {
  return Router();
}
