import supertest from 'supertest';
import { PASSWORD } from './portal';

export interface Browser {
  agent: ReturnType<typeof supertest.agent>;
  csrf: string;
}

/**
 * A browser with a cookie jar, signed in through the real sign-in form, reading in `locale`
 * (English is chosen through the portal's own language switch), and its session's CSRF token
 * (sign-in starts a new session, so the token is read from a page after it).
 */
export async function signIn(app: Parameters<typeof supertest.agent>[0], username: string, locale: 'fa' | 'en' = 'fa'): Promise<Browser> {
  const agent = supertest.agent(app);
  if (locale === 'en') await agent.get('/language/en').expect(303);
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
