import { expect } from 'chai';
import { signIn, useBrowser } from './browser';

describe('browser: signing in', function () {
  this.timeout(60_000);
  const suite = useBrowser();

  it('signs in through the Persian form and lands on the page asked for', async function () {
    const { page } = suite;
    await page.goto('/resolutions');
    expect(new URL(page.url()).pathname).to.equal('/login');
    expect(await page.locator('html').getAttribute('lang')).to.equal('fa');
    expect(await page.locator('html').getAttribute('dir')).to.equal('rtl');
    await page.getByRole('heading', { level: 1, name: 'ورود به سامانه' }).waitFor();

    await signIn(page, 'tehran-staff');
    expect(new URL(page.url()).pathname).to.equal('/resolutions');
    await page.getByRole('button', { name: 'خروج' }).waitFor();
  });

  it('shows the Persian error for a wrong password and stays signed out', async function () {
    const { page } = suite;
    await page.goto('/login');
    await page.getByLabel('نام کاربری').fill('reader');
    await page.getByLabel('گذرواژه').fill('not-the-password');
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'ورود' }).click(),
    ]);
    expect(response.status()).to.equal(401);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).to.include('نام کاربری یا گذرواژه نادرست است');
    expect(await page.getByLabel('نام کاربری').inputValue(), 'the username is kept').to.equal('reader');
    expect(await page.getByLabel('گذرواژه').inputValue(), 'the password is not echoed back').to.equal('');

    await page.goto('/documents');
    expect(new URL(page.url()).pathname, 'still signed out').to.equal('/login');
  });
});
