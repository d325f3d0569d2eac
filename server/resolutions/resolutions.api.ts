import { Router, type Request } from 'express';
import type { Services } from '../services';
import { currentUser, requireRole } from '../auth/passport';
import { parseInput } from '../http/validate';
import type { Meeting, Resolution } from './resolutions.service';
import {
  followupSchema,
  meetingParamsSchema,
  meetingSchema,
  resolutionParamsSchema,
  resolutionSchema,
  resolutionUpdateSchema,
} from './resolutions.schema';

/** The API.md answer: each resolution lists the ids of the linked documents and packages its reader may see. */
export function presentResolution(r: Resolution) {
  return {
    number: r.number,
    text: r.text,
    textEn: r.textEn,
    responsible: r.responsible,
    status: r.status,
    dueDate: r.dueDate,
    asksCities: r.asksCities,
    documents: r.documents.map((d) => d.id),
    packages: r.packages.map((p) => p.id),
    followups: r.followups,
  };
}

export function presentMeeting(m: Meeting) {
  return { number: m.number, city: m.city, date: m.date, title: m.title, resolutions: m.resolutions.map(presentResolution) };
}

const body = (req: Request) => req.body ?? {};

export function resolutionsApi({ resolutions }: Services): Router {
  const router = Router();
  const secretariat = requireRole('secretariat');

  router.get('/resolutions', (req, res) => {
    res.json(resolutions.list(currentUser(req)).map(presentMeeting));
  });

  router.get('/resolutions/compliance', (req, res) => {
    res.json(resolutions.matrix(currentUser(req)));
  });

  router.get('/resolutions/:meeting/:number/compliance', (req, res) => {
    const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
    res.json(resolutions.compliance(currentUser(req), meeting, number));
  });

  router.post('/meetings', secretariat, (req, res) => {
    const input = parseInput(meetingSchema, body(req));
    res.status(201).json({ ...resolutions.addMeeting(currentUser(req), input), resolutions: [] });
  });

  router.post('/resolutions/:meeting', secretariat, (req, res) => {
    const { meeting } = parseInput(meetingParamsSchema, req.params);
    const input = parseInput(resolutionSchema, body(req));
    res.status(201).json(presentResolution(resolutions.addResolution(currentUser(req), meeting, input)));
  });

  router.patch('/resolutions/:meeting/:number', secretariat, (req, res) => {
    const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
    const change = parseInput(resolutionUpdateSchema, body(req));
    res.json(presentResolution(resolutions.update(currentUser(req), meeting, number, change)));
  });

  router.post('/resolutions/:meeting/:number/followups', secretariat, (req, res) => {
    const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
    const input = parseInput(followupSchema, body(req));
    res.status(201).json(resolutions.addFollowup(currentUser(req), meeting, number, input));
  });

  return router;
}
