import supertest from 'supertest';
import type { TestPortal } from '../helpers/portal';
import { PASSWORD } from '../helpers/portal';

export interface Browser {
  agent: ReturnType<typeof supertest.agent>;
  csrf: string;
}

/** A browser with a cookie jar, signed in through the real sign-in page, and the CSRF token of its session. */
export async function signIn(portal: TestPortal, username: string): Promise<Browser> {
  const agent = supertest.agent(portal.app);
  const login = await agent.get('/login').expect(200);
  await agent.post('/login').type('form').send({ _csrf: csrfFrom(login.text), username, password: PASSWORD }).expect(303);
  const page = await agent.get('/documents').expect(200);
  return { agent, csrf: csrfFrom(page.text) };
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1]!;
}
