import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers/portal';
import path from 'node:path';
import { addDocument, SCREENSHOT_DIR, signIn, useBrowser } from './browser';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const NEW_PASSWORD = 'a-new-long-passphrase';
const TEMPORARY = 'temporary-pass-4821';
const PDF = (marker: string) => Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

/** Clicks the header's language switch and waits for the same page in the other language. */
async function switchLanguage(page: Page): Promise<void> {
  const path = new URL(page.url()).pathname;
  await Promise.all([page.waitForURL((url) => url.pathname === path), page.locator('a.language-switch').click()]);
}

const flash = (page: Page) => page.locator('p.flash').textContent();

/** A picture of a moment the journey passes through (the suite takes one of each page at the end). */
const snap = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOT_DIR, `people--${name}.png`), fullPage: true });

describe('browser: cities and people', function () {
  this.timeout(120_000);
  const suite = useBrowser();
  const title = 'تجربهٔ راه‌اندازی ستاد مدیریت بحران';

  before(async function () {
    await addDocument(suite, suite.people.owner, { title }, { content: PDF('new-metropolis'), name: 'ستاد بحران.pdf' });
  });

  it('a new city marked as a new metropolis receives a package', async function () {
    const { page } = suite;
    await page.goto('/cities/manage');
    await signIn(page, 'sec');

    // The secretariat adds the city …
    await page.getByLabel('شناسه').fill('bandar-abbas');
    await page.getByLabel('نام فارسی').first().fill('بندرعباس');
    await page.getByLabel('نام انگلیسی').first().fill('Bandar Abbas');
    await Promise.all([page.waitForURL('**/cities/manage'), page.getByRole('button', { name: 'افزودن شهر' }).click()]);
    expect(await flash(page)).to.equal('شهر «بندرعباس» افزوده شد.');

    // … a user of it …
    await page.goto('/users');
    const form = page.locator('form[action="/users"]');
    await form.getByLabel('نام کاربری').fill('hormozgan-staff');
    await form.locator('input[name=password]').fill(PASSWORD);
    await form.locator('select[name=role]').selectOption('city');
    await form.locator('select[name=city]').selectOption('bandar-abbas');
    await form.getByLabel('نام و نام خانوادگی').fill('نرگس بهرامی');
    await form.getByLabel('سمت').fill('کارشناس ستاد بحران');
    await form.getByLabel('در نخستین ورود، گذرواژهٔ تازه بخواهد').uncheck();
    await Promise.all([page.waitForURL('**/users'), form.getByRole('button', { name: 'ساختن کاربر' }).click()]);
    expect(await flash(page)).to.equal('کاربر «hormozgan-staff» ساخته شد.');
    await snap(page, 'users-created-fa-desktop');

    // … marks it a new metropolis …
    await page.goto('/cities/manage');
    const city = page.locator('#city-bandar-abbas');
    await city.locator('summary').click();
    await city.getByLabel('کلان‌شهر تازه').check();
    await Promise.all([page.waitForURL('**/cities/manage'), city.getByRole('button', { name: 'ذخیرهٔ بندرعباس' }).click()]);
    expect(await flash(page)).to.include('«بندرعباس» کلان‌شهر تازه شد');
    expect(await page.locator('#city-bandar-abbas .badge').textContent()).to.equal('کلان‌شهر تازه');
    await snap(page, 'cities-manage-marked-fa-desktop');

    // … publishes a package to new metropolises …
    await page.goto('/packages/new');
    await page.getByLabel('عنوان بسته').fill('بستهٔ راه‌اندازی برای کلان‌شهرهای تازه');
    await page.getByRole('row').filter({ has: page.getByRole('link', { name: title, exact: true }) }).getByRole('checkbox').check();
    await page.locator('input[name=audience][value=newMetropolises]').check();
    await Promise.all([page.waitForURL(/\/packages\/[^/]+$/), page.getByRole('button', { name: 'ساختن پیش‌نویس بسته' }).click()]);
    const packagePath = new URL(page.url()).pathname;
    expect(await page.locator('dl.meta').textContent()).to.include('کلان‌شهرهای تازه: بندرعباس');
    await Promise.all([page.waitForURL(`**${packagePath}`), page.getByRole('button', { name: 'انتشار و خبر دادن به مخاطبان' }).click()]);
    expect(await flash(page)).to.equal('بسته منتشر شد و به مخاطبانش خبر داده شد (گیرندگان: ۱).');

    // … and that user signs in on a phone, reads in English, and sees it.
    const phone = await suite.newContext(PHONE);
    const user = await phone.newPage();
    await user.goto('/packages');
    await signIn(user, 'hormozgan-staff');
    expect(await user.locator('.bell-count').getAttribute('data-unread')).to.equal('1');
    await switchLanguage(user);
    const row = user.getByRole('row').filter({ has: user.getByRole('link', { name: 'بستهٔ راه‌اندازی برای کلان‌شهرهای تازه' }) });
    expect(await row.textContent()).to.include('New metropolises: Bandar Abbas');
    await Promise.all([user.waitForURL(`**${packagePath}`), row.getByRole('link').click()]);
    await user.getByRole('link', { name: title }).waitFor();
    expect(await user.locator('html').getAttribute('dir')).to.equal('ltr');
    const width = (await user.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width, 'the package page fits the phone').to.be.at.most(390);
    await user.goto('/cities/bandar-abbas');
    await user.getByRole('heading', { name: 'People and how to reach them' }).waitFor();
    expect(await user.locator('table.people').textContent()).to.include('نرگس بهرامی').and.include('کارشناس ستاد بحران');
  });

  it('a password changed: the old one no longer signs in, and a temporary one forces a new choice at sign-in', async function () {
    const { page } = suite;
    const person = await suite.portal.services.users.create({ username: 'karaj-person', password: PASSWORD, role: 'city', city: 'karaj' }, null);
    await page.goto('/me/password');
    await signIn(page, 'karaj-person');
    await page.getByLabel('گذرواژهٔ کنونی', { exact: true }).fill(PASSWORD);
    await page.locator('input[name=new]').fill(NEW_PASSWORD);
    await page.getByLabel('تکرار گذرواژهٔ تازه', { exact: true }).fill(NEW_PASSWORD);
    await Promise.all([page.waitForURL('**/me'), page.getByRole('button', { name: 'تغییر گذرواژه' }).click()]);
    expect(await flash(page)).to.include('گذرواژهٔ شما تغییر کرد');

    await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'خروج' }).click()]);
    await page.getByLabel('نام کاربری').fill('karaj-person');
    await page.getByLabel('گذرواژه').fill(PASSWORD);
    await page.getByRole('button', { name: 'ورود' }).click();
    expect(await page.getByRole('alert').textContent()).to.include('نام کاربری یا گذرواژه نادرست است.');
    await signIn(page, 'karaj-person', NEW_PASSWORD);
    await page.getByRole('navigation', { name: 'منوی اصلی' }).waitFor();

    // The secretariat, on a phone and in English, sets a temporary password …
    const phone = await suite.newContext(PHONE);
    const sec = await phone.newPage();
    await sec.goto('/users');
    await signIn(sec, 'sec');
    await switchLanguage(sec);
    const row = sec.getByRole('row').filter({ has: sec.getByRole('cell', { name: 'karaj-person', exact: true }) });
    await row.locator('summary', { hasText: 'Temporary password' }).click();
    await row.getByLabel('Temporary password for karaj-person').fill(TEMPORARY);
    await snap(sec, 'users-temporary-password-en-phone');
    await Promise.all([sec.waitForURL('**/users'), row.getByRole('button', { name: 'Set temporary password' }).click()]);
    expect(await flash(sec)).to.include('A temporary password was set for “karaj-person”');
    expect(suite.portal.services.users.mustChangePassword(person.id)).to.equal(true);

    // … which ends the user's session: at the next sign-in they must choose a new password before anything else.
    await page.goto('/documents');
    expect(new URL(page.url()).pathname).to.equal('/login');
    await signIn(page, 'karaj-person', TEMPORARY);
    expect(new URL(page.url()).pathname).to.equal('/me/password');
    await page.getByRole('heading', { level: 1, name: 'گذرواژهٔ تازه‌ای برگزینید' }).waitFor();
    expect(await page.getByRole('navigation', { name: 'منوی اصلی' }).count()).to.equal(0);
    await snap(page, 'password-forced-fa-desktop');
    await page.goto('/search');
    expect(new URL(page.url()).pathname).to.equal('/me/password');
    await page.getByLabel('گذرواژهٔ موقتی که دبیرخانه به شما داده است').fill(TEMPORARY);
    await page.locator('input[name=new]').fill('yet-another-passphrase');
    await page.getByLabel('تکرار گذرواژهٔ تازه', { exact: true }).fill('yet-another-passphrase');
    await Promise.all([page.waitForURL((url) => url.pathname !== '/me/password'), page.getByRole('button', { name: 'تغییر گذرواژه' }).click()]);
    expect(await flash(page)).to.include('گذرواژهٔ شما تغییر کرد');
    await page.getByRole('navigation', { name: 'منوی اصلی' }).waitFor();
    expect(suite.portal.services.users.mustChangePassword(person.id)).to.equal(false);

    await sec.goto('/cities/manage');
    await sec.locator('#city-karaj summary').click();
    await snap(sec, 'cities-manage-en-phone');
    await switchLanguage(sec);
    await sec.goto('/me/password');
    await snap(sec, 'password-fa-phone');
    await switchLanguage(sec);

    // The profile, on the same phone-sized page in English, for a last look.
    await sec.goto('/me');
    await sec.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    const width = (await sec.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width, 'the profile page fits the phone').to.be.at.most(390);
  });
});
