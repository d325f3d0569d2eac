import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { createHttpServer } from '../../server/http/http-server';
import { stopPortal } from '../../server/operations/stop';
import { extractText } from '../../server/extraction/extract';
import { cast, DEFAULT_FIELDS, PASSWORD, startPortal, uploadRequest, type TestPortal } from '../helpers/portal';
import { childEnv, collect, freePort, ROOT, sha256, streamUpload, until, type CommandResult, type RawResponse } from '../helpers/commands';

const FIELDS = Object.fromEntries(Object.entries({ ...DEFAULT_FIELDS, city: 'tehran' }).filter(([, v]) => v !== undefined)) as Record<string, string | string[]>;

function get(port: number, urlPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
  });
}

function postJson(port: number, urlPath: string, body: unknown): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
      let answer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (answer += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: answer }));
    });
    req.once('error', reject);
    req.end(text);
  });
}

interface NpmPortal {
  child: ChildProcess;
  port: number;
  dataDir: string;
  token: string;
  exited: Promise<CommandResult>;
}

/** `npm start` as an operator runs it: its own process group, DATA_DIR and PORT. */
async function npmStart(env: Record<string, string> = {}): Promise<NpmPortal> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-npm-start-'));
  const port = await freePort();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ADMIN_USERNAME: 'admin', ADMIN_PASSWORD: PASSWORD, ...env }),
  });
  const exited = collect(child);
  await until(
    async () => {
      const settled = await Promise.race([exited.then((r) => r), new Promise((resolve) => setTimeout(resolve, 10))]);
      if (settled) throw new Error(`npm start exited early: ${JSON.stringify(settled)}`);
      return (await get(port, '/healthz').catch(() => null))?.status === 200;
    },
    60_000,
    'npm start to answer /healthz',
  );
  const token = JSON.parse((await postJson(port, '/api/v1/tokens', { username: 'admin', password: PASSWORD })).body).token as string;
  return { child, port, dataDir, token, exited };
}

function storedVersion(dataDir: string, id: string): { sha256: string; size: number; object_key: string } {
  const db = new Database(path.join(dataDir, 'tajrobe.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT sha256, size, object_key FROM document_versions WHERE document_id = ?').get(id) as { sha256: string; size: number; object_key: string };
  } finally {
    db.close();
  }
}

describe('a clean stop', function () {
  this.timeout(180_000);

  for (const target of ['the npm process', 'the npm start process group'] as const) {
    it(`SIGTERM to ${target} during a large upload: the upload completes, new requests get 503, the exit is 0`, async function () {
      const portal = await npmStart();
      try {
        const file = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(48 * 1024 ** 2)]);
        let signalled = 0;
        const upload = streamUpload({
          port: portal.port,
          path: '/api/v1/documents',
          headers: { Authorization: `Bearer ${portal.token}` },
          fields: FIELDS,
          file,
          filename: 'گزارش بزرگ.pdf',
          chunkBytes: 1024 * 1024,
          pauseMs: 50,
        });
        await streamingIntoTheStore(portal);
        signalled = Date.now();
        process.kill(target === 'the npm process' ? portal.child.pid! : -portal.child.pid!, 'SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 300));
        // An impatient operator (or a second `docker stop`) signals again: the stop goes on as it was.
        if (target === 'the npm start process group') process.kill(-portal.child.pid!, 'SIGTERM');
        const refused = await get(portal.port, '/healthz');
        expect(refused.status).to.equal(503);
        const refusedUpload = await uploadOver(portal, Buffer.from('%PDF-1.4\nsmall\n'));
        expect(refusedUpload.status).to.equal(503);
        expect(refusedUpload.headers['retry-after']).to.match(/^\d+$/);
        expect(JSON.parse(refusedUpload.body).error.code).to.equal('stopping');

        const answer = await upload.response;
        expect(answer.status, answer.body).to.equal(201);
        const created = JSON.parse(answer.body) as { id: string; versions: { sha256: string }[] };
        expect(created.versions[0]!.sha256).to.equal(upload.sha256);
        const result = await portal.exited;
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.include('SIGTERM: stopping').and.include('stopped cleanly');
        if (target === 'the npm start process group') expect(result.stdout).to.include('the stop under way goes on');
        expect(Date.now() - signalled).to.be.above(1_000, 'the upload was let finish, not cut at the signal');

        const version = storedVersion(portal.dataDir, created.id);
        expect(version.sha256).to.equal(upload.sha256);
        const onDisk = fs.readFileSync(path.join(portal.dataDir, 'files', 'objects', version.object_key));
        expect(sha256(onDisk)).to.equal(upload.sha256);
        expect(fs.readdirSync(path.join(portal.dataDir, 'files', '.tmp'))).to.deep.equal([]);
      } finally {
        await killGroup(portal);
      }
    });
  }

  it('cuts what is still in flight when the grace period ends, and then exits non-zero', async function () {
    const portal = await npmStart({ SHUTDOWN_GRACE_SECONDS: '1' });
    try {
      let signalled = 0;
      const upload = streamUpload({
        port: portal.port,
        path: '/api/v1/documents',
        headers: { Authorization: `Bearer ${portal.token}` },
        fields: FIELDS,
        file: Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(8 * 1024 ** 2)]),
        filename: 'slow.pdf',
        chunkBytes: 256 * 1024,
        pauseMs: 400,
      });
      await streamingIntoTheStore(portal);
      signalled = Date.now();
      process.kill(portal.child.pid!, 'SIGTERM');
      const cut = await upload.response.then(
        (res) => `answered ${res.status}`,
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(cut).to.be.oneOf(['ECONNRESET', 'EPIPE']);
      const result = await portal.exited;
      expect(result.code).to.equal(1);
      expect(result.stdout).to.match(/1 requests were still in flight after 1 s/);
      expect(Date.now() - signalled).to.be.below(15_000);
      const db = new Database(path.join(portal.dataDir, 'tajrobe.sqlite'), { readonly: true });
      expect(db.prepare('SELECT count(*) FROM documents').pluck().get()).to.equal(0);
      db.close();
    } finally {
      await killGroup(portal);
    }
  });

  it('in the portal: a running extraction is killed and re-queued, not waited for; the database closes', async function () {
    const portal = await startPortal();
    const server = createHttpServer(portal.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let closed = false;
    try {
      const c = await cast(portal);
      const res = await uploadRequest(portal, c.owner, DEFAULT_FIELDS, { content: Buffer.from('متن گزارش برای استخراج\n'), name: 'report.txt' }).expect(201);
      const id = res.body.id as string;
      portal.services.worker.start();
      const job = () => portal.services.db.prepare("SELECT state, attempts FROM jobs WHERE document_id = ? AND kind = 'extract'").get(id) as { state: string; attempts: number };
      await until(() => job().state === 'running', 20_000, 'the extraction to start');
      const started = Date.now();
      const outcome = await stopPortal(portal.services, server, 5_000, () => undefined);
      closed = true;
      expect(outcome.cut).to.equal(0);
      expect(Date.now() - started).to.be.below(3_000);
      expect(portal.services.db.open).to.equal(false);
      const db = new Database(path.join(portal.dataDir, 'tajrobe.sqlite'), { readonly: true });
      try {
        expect(db.prepare("SELECT state, attempts FROM jobs WHERE document_id = ? AND kind = 'extract'").get(id)).to.deep.equal({ state: 'queued', attempts: 0 });
        expect(db.prepare('SELECT indexing_state FROM documents WHERE id = ?').pluck().get(id)).to.equal('queued');
      } finally {
        db.close();
      }
      expect(fs.readdirSync(path.join(portal.dataDir, 'tmp', 'extraction'))).to.deep.equal([]);
    } finally {
      if (!closed) await portal.close();
      else fs.rmSync(portal.dataDir, { recursive: true, force: true });
    }
  });

  it('an aborted extraction rejects with AbortError at once, its worker killed', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-abort-'));
    try {
      const file = path.join(dir, 'input.txt');
      fs.writeFileSync(file, 'متن\n'.repeat(1000));
      const controller = new AbortController();
      const started = Date.now();
      const extraction = extractText({ path: file, contentType: 'text/plain; charset=utf-8', filename: 'input.txt' }, undefined, { signal: controller.signal, tempRoot: dir });
      setTimeout(() => controller.abort(), 50);
      const failure = await extraction.then(
        () => null,
        (error: Error) => error,
      );
      expect(failure?.name).to.equal('AbortError');
      expect(Date.now() - started).to.be.below(2_000);
      expect(fs.readdirSync(dir)).to.deep.equal(['input.txt']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('timeouts', function () {
    let portal: TestPortal;
    let server: http.Server;
    let port: number;

    before(async function () {
      portal = await startPortal();
      server = createHttpServer(portal.app, { headersTimeoutMs: 500, idleTimeoutMs: 1_000, keepAliveTimeoutMs: 500, checkEveryMs: 100 });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    after(async function () {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await portal.close();
    });

    it('closes a connection whose request head does not arrive in time', async function () {
      const started = Date.now();
      const socket = (await import('node:net')).connect(port, '127.0.0.1');
      socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
      const ended = await new Promise<string>((resolve) => {
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
      });
      expect(ended).to.match(/^HTTP\/1\.1 408|^$/);
      expect(Date.now() - started).to.be.below(3_000);
    });

    it('lets an upload on a slow line take longer than every limit, as long as its bytes keep coming', async function () {
      const c = await cast(portal);
      const started = Date.now();
      const upload = streamUpload({
        port,
        path: '/api/v1/documents',
        headers: c.owner.auth,
        fields: FIELDS,
        file: Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(400 * 1024)]),
        filename: 'slow.pdf',
        chunkBytes: 16 * 1024,
        pauseMs: 100,
      });
      const answer = await upload.response;
      expect(answer.status, answer.body).to.equal(201);
      expect(Date.now() - started).to.be.above(2_000);
    });
  });
});

/** Waits until the portal is writing an upload into its store: the request is in flight there, past the gate. */
async function streamingIntoTheStore(portal: NpmPortal): Promise<void> {
  const temp = path.join(portal.dataDir, 'files', '.tmp');
  await until(() => fs.existsSync(temp) && fs.readdirSync(temp).some((name) => name.endsWith('.part')), 30_000, 'the upload to reach the store');
}

async function uploadOver(portal: NpmPortal, content: Buffer): Promise<RawResponse> {
  return streamUpload({ port: portal.port, path: '/api/v1/documents', headers: { Authorization: `Bearer ${portal.token}` }, fields: FIELDS, file: content, filename: 'small.pdf' }).response;
}

async function killGroup(portal: NpmPortal): Promise<void> {
  try {
    process.kill(-portal.child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
  await portal.exited.catch(() => undefined);
  fs.rmSync(portal.dataDir, { recursive: true, force: true });
}
