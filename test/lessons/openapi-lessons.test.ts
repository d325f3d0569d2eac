import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/** Every route of lessons, subscriptions, feeds and preferences is in the OpenAPI document, with its errors. */
describe('OpenAPI: lessons, subscriptions, feeds and preferences', () => {
  const text = fs.readFileSync(path.resolve(import.meta.dirname, '../../server/http/openapi.yaml'), 'utf8');
  /** The lines of one path's block (`  /route:` up to the next path or `components:`), read as text (the project has no YAML parser). */
  const block = (route: string): string[] => {
    const lines = text.split('\n');
    const start = lines.indexOf(`  ${route}:`);
    if (start < 0) return [];
    const end = lines.findIndex((line, i) => i > start && (/^  \/\S*:$/.test(line) || /^\S/.test(line)));
    return lines.slice(start + 1, end);
  };
  /** The lines of one operation of a path. */
  const operation = (route: string, method: string): string[] | null => {
    const lines = block(route);
    const start = lines.indexOf(`    ${method}:`);
    if (start < 0) return null;
    const end = lines.findIndex((line, i) => i > start && /^    \S/.test(line));
    return lines.slice(start + 1, end < 0 ? undefined : end);
  };
  const ROUTES: [string, string, string[]][] = [
    ['get', '/api/v1/lessons', ['200', '400', '401', '431']],
    ['post', '/api/v1/lessons', ['201', '400', '401', '403']],
    ['get', '/api/v1/lessons/{id}', ['200', '401', '404']],
    ['patch', '/api/v1/lessons/{id}', ['200', '400', '401', '403', '404', '409']],
    ['get', '/api/v1/lessons/{id}/similar', ['200', '401', '404']],
    ['post', '/api/v1/lessons/{id}/submit', ['200', '401', '403', '404', '409']],
    ['post', '/api/v1/lessons/{id}/publish', ['200', '401', '403', '404', '409']],
    ['post', '/api/v1/lessons/{id}/return', ['200', '400', '401', '403', '404', '409']],
    ['post', '/api/v1/lessons/{id}/actions', ['201', '400', '401', '403', '404', '409']],
    ['post', '/api/v1/lessons/{id}/actions/{actionId}/done', ['200', '400', '401', '403', '404', '409']],
    ['post', '/api/v1/lessons/{id}/learned', ['200', '400', '401', '403', '404', '409']],
    ['get', '/api/v1/subscriptions', ['200', '401']],
    ['post', '/api/v1/subscriptions', ['201', '400', '401']],
    ['patch', '/api/v1/subscriptions/{id}', ['200', '400', '401', '404']],
    ['delete', '/api/v1/subscriptions/{id}', ['204', '401', '404']],
    ['get', '/feeds/{token}', ['200', '404']],
    ['get', '/api/v1/me/preferences', ['200', '401']],
    ['patch', '/api/v1/me/preferences', ['200', '400', '401']],
  ];
  for (const [method, route, statuses] of ROUTES) {
    it(`${method.toUpperCase()} ${route}`, () => {
      const lines = operation(route, method);
      expect(lines, `${method} ${route} is documented`).to.not.equal(null);
      const documented = lines!.map((line) => /^        '(\d{3})':/.exec(line)?.[1]).filter((code): code is string => code !== undefined);
      expect(documented).to.include.members(statuses);
    });
  }
  it('the feed needs no bearer token; a search hit says whether it is a document or a lesson', () => {
    expect(operation('/feeds/{token}', 'get')).to.include('      security: []');
    expect(text).to.include('      required: [id, type, title, city, kind, year, snippet, page]');
    expect(text).to.include('      required: [id, q, filters, email, digest, feed, createdAt]');
  });
});
