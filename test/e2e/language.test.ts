import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { signIn, useBrowser } from './browser';

describe('browser: switching the interface language', function () {
  this.timeout(60_000);
  const suite = useBrowser();

  const html = async (page: Page) => ({ lang: await page.locator('html').getAttribute('lang'), dir: await page.locator('html').getAttribute('dir') });
  const nav = (page: Page, name: string) => page.getByRole('navigation', { name });

  it('switches to English (left to right) and back to Persian, and the choice survives navigation', async function () {
    const { page } = suite;
    await page.goto('/documents');
    await signIn(page, 'tehran-staff');
    await page.goto(`/search?q=${encodeURIComponent('زلزله')}`);
    expect(await html(page)).to.deep.equal({ lang: 'fa', dir: 'rtl' });
    await nav(page, 'منوی اصلی').getByRole('link', { name: 'جست‌وجو', exact: true }).waitFor();

    await Promise.all([page.waitForURL((url) => url.pathname === '/search'), page.locator('a.language-switch').click()]);
    expect(await html(page)).to.deep.equal({ lang: 'en', dir: 'ltr' });
    expect(new URL(page.url()).searchParams.get('q'), 'back on the same search').to.equal('زلزله');
    const english = nav(page, 'Main menu');
    for (const name of ['Search', 'Documents', 'Packages', 'Resolutions']) await english.getByRole('link', { name, exact: true }).waitFor();
    expect(await page.locator('input[type=search][name=q]').inputValue()).to.equal('زلزله');

    await english.getByRole('link', { name: 'Documents', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/documents');
    expect(await html(page), 'English after navigating').to.deep.equal({ lang: 'en', dir: 'ltr' });

    await Promise.all([page.waitForURL((url) => url.pathname === '/documents'), page.locator('a.language-switch').click()]);
    expect(await html(page)).to.deep.equal({ lang: 'fa', dir: 'rtl' });
    await nav(page, 'منوی اصلی').getByRole('link', { name: 'اسناد', exact: true }).waitFor();
    await page.goto('/packages');
    expect(await html(page), 'Persian after navigating').to.deep.equal({ lang: 'fa', dir: 'rtl' });
    expect(await nav(page, 'Main menu').count()).to.equal(0);
  });

  it('offers the switch on the sign-in page too, before anyone signs in', async function () {
    const { page } = suite;
    await page.goto('/login');
    await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.locator('a.language-switch').click()]);
    expect(await html(page)).to.deep.equal({ lang: 'en', dir: 'ltr' });
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.not.match(/[\u0600-\u06FF]/);
  });
});
