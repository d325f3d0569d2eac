import nodemailer from 'nodemailer';
import type { Job } from '../jobs/jobs.queue';
import { DEFAULT_RETRY } from '../jobs/jobs.queue';
import type { Locale } from '../i18n/index';
import type { SubscribedItems } from '../subscriptions/subscribed-items';
import type { MailOutbox } from './mail-outbox';
import { mailMessage, type MailMessage } from './mail-message';

/** What sends a finished message (nodemailer's SMTP transport, or a test's stand-in). */
export interface MailTransport {
  sendMail(message: MailMessage & { from: string }): Promise<unknown>;
  close(): void;
}

/** nodemailer over SMTP_URL, with time limits so a silent server fails the attempt (the queue retries it) instead of holding the worker. */
export function smtpTransport(smtpUrl: string): MailTransport {
  return nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as Parameters<typeof nodemailer.createTransport>[0]);
}

/**
 * Sends one e-mail of the outbox (an `email` job): written when it goes out, in the recipient's language of that
 * moment, listing only the items they may still see. It is dropped, not sent, for an account disabled or without an
 * address since, or when every item it told of is out of the recipient's sight now. A send that fails throws, and
 * the queue retries it with back-off; after the last attempt the e-mail is marked failed.
 */
export class MailSender {
  constructor(
    private readonly outbox: MailOutbox,
    private readonly transport: MailTransport,
    private readonly from: string,
    private readonly publicUrl: string,
    private readonly items: SubscribedItems,
    private readonly cityName: (id: string, locale: Locale) => string,
  ) {}

  readonly run = async (job: Job): Promise<void> => this.send(Number(job.documentId), job.attempts);

  async send(id: number, attempt = 1): Promise<void> {
    const email = this.outbox.find(id);
    if (!email || email.state !== 'queued') return;
    const recipient = this.outbox.recipient(email.userId);
    if (!recipient || recipient.disabled || !recipient.email) return this.outbox.finish(id, 'dropped', 'the recipient has no active account with an e-mail address');
    const user = this.outbox.user(email.userId);
    const shown = email.items.flatMap((ref) => {
      const item = user ? this.items.shownTo(user, ref) : null;
      return item ? [{ type: item.type, title: item.title, city: item.city, url: this.url(item.link) }] : [];
    });
    if (email.items.length > 0 && shown.length === 0) return this.outbox.finish(id, 'dropped', 'the recipient may no longer see what it told of');
    const message = await mailMessage({ ...recipient, email: recipient.email }, { message: email.message, link: this.url(email.link), items: shown, preferencesUrl: this.url('/me') }, this.cityName);
    try {
      await this.transport.sendMail({ ...message, from: this.from });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= DEFAULT_RETRY.maxAttempts) this.outbox.finish(id, 'failed', reason);
      else this.outbox.noteError(id, reason);
      throw error;
    }
    this.outbox.finish(id, 'sent');
  }

  private url(local: string): string {
    return `${this.publicUrl}${local.startsWith('/') ? local : `/${local}`}`;
  }
}
