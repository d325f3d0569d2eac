import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where .ci/run installs aiosmtpd (a venv under the cache folder); TAJROBE_SMTP_PYTHON names another interpreter. */
const CI_VENV_PYTHON = path.join(process.env.TAJROBE_CACHE ?? '/var/cache/tajrobe', 'aiosmtpd-venv', 'bin', 'python');
const SCRIPT = path.join(import.meta.dirname, 'smtp_sink.py');

/** One message the sink received, read back with Python's email package: headers decoded, each part's content decoded. */
export interface ReceivedMail {
  mailFrom: string;
  rcptTos: string[];
  subject: string;
  from: string;
  to: string;
  headers: Record<string, string>;
  contentType: string;
  parts: { type: string; charset: string | null; transferEncoding: string | null; content: string }[];
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  messages(): ReceivedMail[];
  /** Waits until at least `count` messages arrived (or fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** The next `count` messages are refused with a temporary error (451). */
  failNext(count: number): void;
  stop(): Promise<void>;
}

function pythonWithAiosmtpd(): string | null {
  const candidates = [process.env.TAJROBE_SMTP_PYTHON, CI_VENV_PYTHON, 'python3'].filter((p): p is string => Boolean(p));
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import aiosmtpd'], { stdio: 'ignore' });
    if (probe.status === 0) return python;
  }
  return null;
}

const MISSING = `no python3 with aiosmtpd (pip install aiosmtpd, or set TAJROBE_SMTP_PYTHON; .ci/run installs it into ${path.dirname(path.dirname(CI_VENV_PYTHON))})`;

/**
 * A real SMTP server on loopback (Python's aiosmtpd) that writes what it receives to a folder. Skips the suite, with
 * the reason printed, when no Python with aiosmtpd is found; under CI=true that fails instead (.ci/run installs it).
 */
export async function startSmtpSink(context: Mocha.Context): Promise<SmtpSink> {
  const sink = await startSmtpSinkIfAvailable('the e-mail tests need a real SMTP server');
  if (!sink) context.skip();
  return sink!;
}

/**
 * The same sink, or null (with the reason printed) when no Python with aiosmtpd is found, for suites that test more
 * than e-mail and go on without it; under CI=true a missing aiosmtpd fails instead.
 */
export async function startSmtpSinkIfAvailable(what: string): Promise<SmtpSink | null> {
  const python = pythonWithAiosmtpd();
  if (!python) {
    if (process.env.CI === 'true') throw new Error(`required in CI: ${MISSING}`);
    console.log(`      skipped: ${what}; ${MISSING}`);
    return null;
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-smtp-'));
  const child: ChildProcess = spawn(python, [SCRIPT, folder], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the SMTP sink did not start: ${out}`)), 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the SMTP sink exited with ${code}: ${out}`));
    });
  });
  const messages = (): ReceivedMail[] =>
    fs
      .readdirSync(folder)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')) as ReceivedMail);
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages().length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} e-mails, the SMTP server received ${messages().length}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return messages();
    },
    failNext(count) {
      fs.writeFileSync(path.join(folder, 'fail-next'), String(count));
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      await exited;
      clearTimeout(timer);
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
