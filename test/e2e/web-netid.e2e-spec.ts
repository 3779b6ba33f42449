import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hkidCheckDigit } from '../../apps/portal/src/alumni/hkid.js';
import { extractCode } from '../support/smtp.js';
import { importRegistryCsv, startWebPortal, type WebPortal } from '../support/web-portal.js';

describe('Alumni NetID in the web app (Debian chromium, real portal, SMTP, ALTCHA)', () => {
  let web: WebPortal;

  beforeAll(async () => {
    // A cheap proof-of-work: the widget still fetches, solves and submits a real signed challenge.
    web = await startWebPortal({ CAPTCHA_COST: '1', CAPTCHA_COUNTER_MAX: '50' });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('registers a NetID (the widget solves the captcha, the code from the email on record confirms it), mails it, and signs in', async () => {
    const tag = randomUUID()
      .replace(/[^a-f]/g, '')
      .slice(0, 6)
      .padEnd(6, 'a');
    const surname = `Lau${tag}`;
    const email = `netid-${tag}@example.com`;
    const personalId = `A654321(${hkidCheckDigit('A', '654321')})`;
    await importRegistryCsv(
      web,
      [
        'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,personal_id,email',
        `E2EN${tag.toUpperCase()},${surname},Ka Ming,1969-04-12,BSc Textiles,BSc,PolyU,1992,${personalId},${email}`,
      ].join('\n'),
    );
    const page = await web.newPage();
    await page.goto(web.url('/sign-in'));
    await page.getByRole('link', { name: 'Register an Alumni NetID' }).click();
    await page.waitForURL('**/netid/register');

    await page.getByLabel('Surname').fill(surname);
    await page.getByLabel('Given name').fill('Ka Ming');
    await page.getByLabel('Date of birth').fill('1969-04-13');
    await page.getByLabel('Personal ID (HKID)').fill(personalId);
    await page.getByLabel('Display Name').fill(`${surname} Ka-Ming`);
    await page.getByLabel('NetPassword', { exact: true }).fill('kowloon tong lantern');
    // The widget verifies by itself (auto="onload"): wait for its verified state, then submit.
    await page.locator('.altcha[data-state="verified"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The information you entered is not correct');

    // A solution is used once: the widget fetched and solved a fresh one after the refusal.
    await page.getByLabel('Date of birth').fill('1969-04-12');
    await page.locator('.altcha[data-state="verified"]').waitFor({ timeout: 30_000 });
    const seen = web.smtp.messages.length;
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    // Knowing the details is not enough: a code goes to the email on record, shown masked.
    await page.getByText('we have sent a 6-digit code to n***@example.com').waitFor();
    const codeMail = await web.smtp.waitForMessage(email, 15_000, { after: seen });
    expect(codeMail.subject).not.toBe('Completion of NetID Registration');
    const code = extractCode(codeMail);
    await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Confirm and register' }).click();
    await page.getByText('That code is not right. You have 4 tries left.').waitFor();
    const afterCode = web.smtp.messages.length;
    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Confirm and register' }).click();
    const netId = `${surname.toLowerCase()}.ka-ming`;
    await page.getByText('Your Alumni NetID is ready').waitFor();
    await expect(page.locator('.netid-value').textContent()).resolves.toBe(netId);

    const mail = await web.smtp.waitForMessage(email, 15_000, { after: afterCode });
    expect(mail.subject).toBe('Completion of NetID Registration');
    expect(mail.text).toContain(netId);

    await page.getByRole('link', { name: 'Go to sign in' }).click();
    await page.waitForURL('**/sign-in');
    await page.getByRole('textbox', { name: 'Alumni NetID' }).fill(netId);
    await page.getByLabel('NetPassword', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Sign in with NetID' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The NetID or NetPassword is not correct');
    await page.getByLabel('NetPassword', { exact: true }).fill('kowloon tong lantern');
    await page.getByRole('button', { name: 'Sign in with NetID' }).click();
    await page.waitForURL('**/profile');
    await page.getByRole('heading', { level: 1, name: 'My Profile' }).waitFor();
  });
});
