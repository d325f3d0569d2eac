import path from 'node:path';
import ejs from 'ejs';
import { directionOf, formatters, translator, type Locale } from '../i18n/index';
import type { NotificationInput } from '../notifications/notifications.service';
import { renderMessage } from '../notifications/notifications.service';
import type { SubscribedItem } from '../subscriptions/subscribed-items';
import type { Recipient } from './mail-outbox';

const TEMPLATE = path.resolve(import.meta.dirname, '../../views/emails/notification.ejs');

/** An e-mail ready for the transport: the headers that matter and both parts. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface MailContent {
  message: NotificationInput['message'];
  /** An absolute URL of what the notification opens. */
  link: string;
  /** The items it tells of that the recipient may still see, with absolute URLs. */
  items: (Pick<SubscribedItem, 'type' | 'title' | 'city'> & { url: string })[];
  /** The recipient's account page, where they change what they receive. */
  preferencesUrl: string;
}

/**
 * An e-mail in the recipient's chosen language: the notification's own text as the subject, the items it tells of,
 * a link to the portal, and why it was sent. The HTML part is right to left in Persian; the plain-text part says the same.
 */
export async function mailMessage(recipient: Recipient & { email: string }, content: MailContent, cityName: (id: string, locale: Locale) => string): Promise<MailMessage> {
  const locale = recipient.language;
  const t = translator(locale);
  const { digits } = formatters(locale);
  const text = renderMessage(content.message, locale);
  const site = t('common.siteName');
  const name = recipient.fullName ?? recipient.username;
  const items = content.items.map((item) => ({ url: item.url, line: t('email.item', { type: t(`search.types.${item.type}`), title: item.title, city: cityName(item.city, locale) }) }));
  const lines = [
    t('email.greeting', { name }),
    '',
    text,
    ...(items.length > 0 ? ['', `${t('email.itemsHeading')}:`, ...items.flatMap((item) => [`- ${item.line}`, `  ${item.url}`])] : []),
    '',
    `${t('email.open')}: ${content.link}`,
    '',
    '-- ',
    t('email.why'),
    t('email.change', { url: content.preferencesUrl }),
    '',
  ];
  const html = await ejs.renderFile(TEMPLATE, { locale, dir: directionOf(locale), t, digits, site, name, text, items, link: content.link, preferencesUrl: content.preferencesUrl });
  return {
    to: recipient.email,
    subject: t('email.subject', { site, text }),
    text: lines.join('\n'),
    html,
    headers: { 'Content-Language': locale, 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  };
}
