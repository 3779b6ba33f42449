import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { extractCode, recipients } from '../support/smtp.js';
import {
  createStaff,
  registerByApi,
  seedRegistry,
  signInWithCode,
  startWebPortal,
  uniqueGraduate,
  type WebPortal,
} from '../support/web-portal.js';

const newEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

describe('alumni web app against the real portal', () => {
  let web: WebPortal;

  beforeAll(async () => {
    web = await startWebPortal();
  });

  afterAll(async () => {
    await web?.close();
  });

  it('registers an email: wrong details are refused, then the email on record is replaced and the alumnus is signed in', async () => {
    const onRecord = newEmail('record');
    const graduate = uniqueGraduate({ email: onRecord });
    await seedRegistry(web, [graduate]);
    const page = await web.newPage();

    await page.goto(web.url('/sign-in'));
    await page.getByRole('link', { name: 'Register Email or Forget Email' }).click();
    await page.waitForURL('**/register-email');
    await page.getByLabel('Surname').fill(graduate.surname);
    await page.getByLabel('Given name').fill(graduate.givenName);
    await page.getByLabel('Date of birth').fill('1991-05-17');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The information you entered is not correct');

    await page.getByLabel('Date of birth').fill(graduate.dateOfBirth);
    await page.getByRole('button', { name: 'Continue' }).click();
    const useThis = page.getByRole('radio', { name: /Use this email/ });
    await useThis.waitFor();
    expect(await useThis.isChecked()).toBe(true);
    const masked = await page.locator('.masked-email').textContent();
    expect(masked).toMatch(/\*/);
    expect(masked).not.toBe(onRecord);

    const preferred = newEmail('preferred');
    await page.getByRole('radio', { name: 'Use another email' }).check();
    await page.getByLabel('Your preferred email address').fill(preferred);
    const seen = web.smtp.messages.length;
    await page.getByRole('button', { name: 'Send verification code' }).click();
    const mail = await web.smtp.waitForMessage(preferred, 15_000, { after: seen });
    await page.getByText('Please check your spam or junk folder').waitFor();
    await page.getByLabel('6-digit code').fill(extractCode(mail));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();

    await page.waitForURL('**/profile?registered=1');
    await page.getByRole('heading', { level: 1, name: 'My Profile' }).waitFor();
    await page.getByText(`Your email ${preferred} is registered`).waitFor();
    await expect(page.getByTestId('account').textContent()).resolves.toContain(`${graduate.givenName} ${graduate.surname}`);
  });

  it('signs in with the code from the real email, says how many tries are left, and signs out', async () => {
    const email = newEmail('signin');
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    await registerByApi(web, graduate, email);
    const page = await web.newPage();

    await page.goto(web.url('/sign-in'));
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByText('Please enter your email address.').waitFor();
    expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Email address').fill(email);
    const seen = web.smtp.messages.length;
    await page.getByRole('button', { name: 'Send me a code' }).click();
    const code = extractCode(await web.smtp.waitForMessage(email, 15_000, { after: seen }));
    await page.getByText('Please check your spam or junk folder').waitFor();
    // Resend is throttled: the button counts down instead of sending at once.
    await expect(page.getByRole('button', { name: /Send a new code in \d+ seconds?/ }).isDisabled()).resolves.toBe(true);

    const wrong = code === '000000' ? '111111' : '000000';
    await page.getByLabel('6-digit code').fill(wrong);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('That code is not right. You have 4 tries left.').waitFor();

    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/profile');
    await expect(page.getByTestId('account').textContent()).resolves.toContain(`${graduate.givenName} ${graduate.surname}`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in?signedOut=1');
    await page.getByText('You have signed out.').waitFor();
    expect(await page.getByTestId('account').count()).toBe(0);
    await page.goto(web.url('/profile'));
    await page.waitForURL('**/sign-in?next=%2Fprofile');
  });

  it('edits the contact phone, keeps it after a reload, and says "reload" when it changed elsewhere', async () => {
    const email = newEmail('profile');
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    await registerByApi(web, graduate, email);
    const page = await web.newPage();
    await signInWithCode(web, page, email);

    const contact = page.getByTestId('section-contact');
    await contact.getByRole('button', { name: 'Edit Contact' }).click();
    await contact.getByRole('button', { name: 'Add a phone number' }).click();
    await contact.getByLabel('Phone number').fill('12');
    await contact.getByRole('button', { name: 'Save contact details' }).click();
    await contact.getByText('Enter 4 to 15 digits').waitFor();
    expect(await contact.getByLabel('Phone number').getAttribute('aria-invalid')).toBe('true');

    await contact.getByLabel('Phone number').fill('9123 4567');
    await contact.getByRole('button', { name: 'Save contact details' }).click();
    await contact.getByText('Saved.').waitFor();
    await expect(page.getByTestId('contact-phones').textContent()).resolves.toContain('+852 91234567');

    await page.reload();
    await page.getByTestId('contact-phones').waitFor();
    await expect(page.getByTestId('contact-phones').textContent()).resolves.toContain('+852 91234567');

    // Another tab saves first: this page's version is stale, and the portal refuses with 409.
    await contact.getByRole('button', { name: 'Edit Contact' }).click();
    const cookies = await page.context().cookies();
    const csrf = cookies.find((cookie) => cookie.name === 'cp_csrf')?.value ?? '';
    const current = (await (await page.request.get(web.url('/api/profile'))).json()) as { contact: Record<string, unknown> };
    const { updatedAt: _updatedAt, ...unchanged } = current.contact;
    const other = await page.request.put(web.url('/api/profile/contact'), {
      headers: { 'X-CSRF-Token': csrf },
      data: { ...unchanged, newsConsent: true },
    });
    expect(other.status()).toBe(200);
    await contact.getByLabel('Phone number').fill('6123 4567');
    await contact.getByRole('button', { name: 'Save contact details' }).click();
    await contact.getByText('was not saved').waitFor();
    await contact.getByRole('button', { name: 'Reload' }).click();
    await expect(page.getByTestId('contact-phones').textContent()).resolves.toContain('+852 91234567');
    await page.getByText('Yes, send me news and event information').waitFor();
  });

  it('changes the sign-in email with a code from the new address, signs out the other devices, and signs in with the new email', async () => {
    const oldEmail = newEmail('old');
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    await registerByApi(web, graduate, oldEmail);
    const otherDevice = await web.newPage();
    await signInWithCode(web, otherDevice, oldEmail);
    const page = await web.newPage();
    await signInWithCode(web, page, oldEmail);

    const section = page.getByTestId('section-sign-in-email');
    await expect(section.getByTestId('sign-in-email').textContent()).resolves.toBe(oldEmail);
    await section.getByRole('button', { name: 'Change sign-in email' }).click();
    await section.getByLabel('New sign-in email').fill(oldEmail.toUpperCase());
    await section.getByRole('button', { name: 'Send verification code' }).click();
    await section.getByText('This is already your sign-in email.').waitFor();
    expect(await section.getByLabel('New sign-in email').getAttribute('aria-invalid')).toBe('true');

    // Signed in just now, so the portal does not ask to confirm it is you again: the code goes to the new address.
    const changed = newEmail('new');
    await section.getByLabel('New sign-in email').fill(changed);
    const seen = web.smtp.messages.length;
    await section.getByRole('button', { name: 'Send verification code' }).click();
    const code = extractCode(await web.smtp.waitForMessage(changed, 15_000, { after: seen }));
    await section.getByText(/We have sent a 6-digit verification code to n\*+@example\.com/).waitFor();
    await section.getByText('Please check your spam or junk folder').waitFor();
    expect(web.smtp.messages.slice(seen).filter((mail) => recipients(mail).includes(oldEmail))).toHaveLength(0);

    const wrong = code === '000000' ? '111111' : '000000';
    await section.getByLabel('6-digit code').fill(wrong);
    await section.getByRole('button', { name: 'Change sign-in email' }).click();
    await section.getByText('That code is not right. You have 4 tries left.').waitFor();
    expect(await section.getByLabel('6-digit code').getAttribute('aria-invalid')).toBe('true');

    await section.getByLabel('6-digit code').fill(code);
    await section.getByRole('button', { name: 'Change sign-in email' }).click();
    await section.getByText(`Your sign-in email is now ${changed}.`).waitFor();
    // The other phone, and the session registering (through the API) left open.
    await section.getByText('You were signed out on 2 other devices.').waitFor();
    await expect(section.getByTestId('sign-in-email').textContent()).resolves.toBe(changed);
    // The old address is told.
    await web.smtp.waitForMessage(oldEmail, 15_000, { after: seen });

    await otherDevice.goto(web.url('/profile'));
    await otherDevice.waitForURL('**/sign-in?next=%2Fprofile');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in?signedOut=1');
    await signInWithCode(web, page, changed);
    await expect(page.getByTestId('section-sign-in-email').getByTestId('sign-in-email').textContent()).resolves.toBe(changed);
  });

  it('asks to confirm it is you with a code to the current email when the portal wants it, in Traditional Chinese', async () => {
    const email = newEmail('reauth');
    const graduate = uniqueGraduate();
    await seedRegistry(web, [graduate]);
    await registerByApi(web, graduate, email);
    const page = await web.newPage();
    await signInWithCode(web, page, email);
    await page.getByRole('button', { name: '繁體中文' }).click();

    // A sign-in counts as confirming for 10 minutes; answer the first try as if those 10 minutes were over.
    let refused = false;
    await page.route('**/api/account/email/start', async (route) => {
      if (refused) return route.continue();
      refused = true;
      await route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          statusCode: 403,
          code: 'reauthentication-required',
          message: 'For your security, please confirm it is you.',
        }),
      });
    });

    const section = page.getByTestId('section-sign-in-email');
    await section.getByRole('button', { name: '更改登入電郵' }).click();
    const changed = newEmail('new');
    await section.getByLabel('新的登入電郵').fill(changed);
    await section.getByRole('button', { name: '發送驗證碼' }).click();
    await section.getByText(`為保障你的帳戶安全，請先確認身分：我們會把 6 位數字驗證碼寄到你現時的登入電郵 ${email}。`).waitFor();
    const seen = web.smtp.messages.length;
    await section.getByRole('button', { name: '寄驗證碼到我現時的電郵' }).click();
    const reauthCode = extractCode(await web.smtp.waitForMessage(email, 15_000, { after: seen }));
    await section.getByText(`我們已把 6 位數字驗證碼寄到 ${email}，10 分鐘內有效。`).waitFor();

    const wrong = reauthCode === '000000' ? '111111' : '000000';
    await section.getByLabel('6 位數字驗證碼').fill(wrong);
    await section.getByRole('button', { name: '確認是我本人' }).click();
    await section.getByText('驗證碼不正確。你還可以再試 4 次。').waitFor();

    const afterReauth = web.smtp.messages.length;
    await section.getByLabel('6 位數字驗證碼').fill(reauthCode);
    await section.getByRole('button', { name: '確認是我本人' }).click();
    // Confirmed: the new address gets its code straight away.
    const code = extractCode(await web.smtp.waitForMessage(changed, 15_000, { after: afterReauth }));
    await section.getByText(/我們已把 6 位數字驗證碼寄到 n\*+@example\.com/).waitFor();
    await section.getByLabel('6 位數字驗證碼').fill(code);
    await section.getByRole('button', { name: '更改登入電郵' }).click();
    await section.getByText(`你的登入電郵已更改為 ${changed}。日後請以此電郵登入。`).waitFor();
    await expect(section.getByTestId('sign-in-email').textContent()).resolves.toBe(changed);
    expect(refused).toBe(true);
  });

  it('shows the staff sign-in methods the portal has on, and says why a university account sign-in failed', async () => {
    const page = await web.newPage();
    const methods = (await (await page.request.get(web.url('/api/auth/staff/methods'))).json()) as { password: boolean; oidc: boolean };
    await page.goto(web.url('/staff/sign-in?error=staff-account-not-found'));
    await page.getByRole('alert').getByText('Your university account is not linked to an active CampusPass staff account').waitFor();
    // The methods load after the page: wait for what they switch on before counting what they leave off.
    if (methods.password) await page.getByLabel('Password').waitFor();
    if (methods.oidc) await page.getByRole('link', { name: 'Sign in with the university account' }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(methods.password ? 1 : 0);
    expect(await page.getByRole('link', { name: 'Sign in with the university account' }).count()).toBe(methods.oidc ? 1 : 0);

    // The page follows the answer: with only the identity provider on, it offers the link and no password form.
    await page.route('**/api/auth/staff/methods', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ password: false, oidc: true, oidcStartUrl: '/api/auth/staff/oidc/start' }),
      }),
    );
    await page.goto(web.url('/staff/sign-in?error=identity-provider-unavailable'));
    const link = page.getByRole('link', { name: 'Sign in with the university account' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/api/auth/staff/oidc/start');
    expect(await page.getByLabel('Password').count()).toBe(0);
    await page.getByText('The university sign-in service is not available right now.').waitFor();

    await page.getByRole('button', { name: '繁體中文' }).click();
    await page.getByRole('link', { name: '以大學帳戶登入' }).waitFor();
    await page.getByText('大學登入服務暫時未能使用。請於數分鐘後再試。').waitFor();
  });

  it('shows the sign-in page in Traditional Chinese after switching language', async () => {
    const page = await web.newPage({ locale: 'en-US' });
    await page.goto(web.url('/sign-in'));
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: '繁體中文' }).click();

    expect(await page.getAttribute('html', 'lang')).toBe('zh-Hant');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('登入');
    expect(await page.title()).toBe('登入 · CampusPass');
    await page.getByText('如未能登入，請聯絡校友事務處：alumni@polyu.edu.hk。').waitFor();
    await page.getByRole('link', { name: '登記電郵或忘記電郵' }).waitFor();
    await page.getByRole('button', { name: '寄驗證碼給我' }).click();
    await page.getByText('請輸入你的電郵地址。').waitFor();
    expect(await page.getByLabel('電郵地址').getAttribute('aria-invalid')).toBe('true');

    await page.reload();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('登入');
  });

  it('tells a browser without the features we need which browsers are supported', async () => {
    const page = await web.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
    });
    await page.goto(web.url('/'));
    const notice = page.locator('#old-browser-notice');
    await notice.waitFor();
    expect(await notice.getAttribute('data-missing')).toBe('fetch');
    expect(await notice.textContent()).toContain('Chrome, Firefox, Safari or Edge');

    const modern = await web.newPage();
    await modern.goto(web.url('/'));
    await modern.getByRole('heading', { level: 1 }).waitFor();
    expect(await modern.locator('#old-browser-notice').count()).toBe(0);
  });

  it('lets an AAO admin sign in with password and emailed code, upload a registry CSV and read the report', async () => {
    const email = newEmail('aao');
    const password = await createStaff(web, { email, name: 'Mary Lam', role: 'aao-admin' });
    const page = await web.newPage({ width: 1280, height: 800 });

    await page.goto(web.url('/admin/registry'));
    await page.waitForURL('**/staff/sign-in?next=%2Fadmin%2Fregistry');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('The email or password is not right.').waitFor();

    await page.getByLabel('Password').fill(password);
    const seen = web.smtp.messages.length;
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = extractCode(await web.smtp.waitForMessage(email, 15_000, { after: seen }));
    await page.getByLabel('6-digit code').fill(code);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/admin/registry');
    await expect(page.getByTestId('account').textContent()).resolves.toContain('Mary Lam');

    const directory = await mkdtemp(path.join(tmpdir(), 'campuspass-upload-'));
    const file = path.join(directory, 'graduates.csv');
    const graduate = uniqueGraduate();
    await writeFile(
      file,
      [
        'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year',
        `${graduate.studentNumber},${graduate.surname},${graduate.givenName},${graduate.dateOfBirth},BA Design,Bachelor of Arts,PolyU,2014`,
        `${graduate.studentNumber}X,Ho,Mei,1990-01-01,BA Design,Bachelor of Arts,Harvard,2014`,
      ].join('\n') + '\n',
    );
    try {
      await page.getByRole('button', { name: 'Upload and import' }).click();
      await page.getByText('Please choose a CSV file to upload.').waitFor();
      await page.getByLabel('Registry CSV file').setInputFiles(file);
      await page.getByRole('button', { name: 'Upload and import' }).click();
      await page.getByRole('heading', { name: 'Import report: graduates.csv' }).waitFor();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
    await expect(page.getByTestId('rejected-count').textContent()).resolves.toBe('1');
    const rows = page.getByRole('table').getByRole('row');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(1).textContent()).toMatch(/^3.*Harvard/);
  });
});
