import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { activeAlumnus, createStaff, importRegistryCsv, signInStaff, startWebPortal, type WebPortal } from '../support/web-portal.js';
import { testPhoto, screenshot } from '../support/web-media.js';

/** A real JPEG photo for the eCard (smooth noise, not a flat colour). */

const tag = () =>
  randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 6)
    .padEnd(6, 'b');

describe('AAO alumni search, detail with NetIDs, and the guest policy, in Chromium against the real portal', () => {
  let web: WebPortal;
  let admin: { email: string; password: string };
  let auditor: { email: string; password: string };
  // One person, two degrees, two Student NetIDs (as the registry import records them: one per student number).
  const surname = `Tse${tag()}`;
  const digits = String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
  const firstNetId = `${digits}a`;
  const secondNetId = `${digits}b`;

  beforeAll(async () => {
    web = await startWebPortal();
    await importRegistryCsv(
      web,
      [
        'student_number,surname,given_name,date_of_birth,programme,award,institution,graduation_year,email,student_netid',
        `E2E${digits}A,${surname},Hoi Yan,1990-09-09,BSc Physics,BSc,PolyU,2012,hoi.yan@old.example.com,${firstNetId}`,
        `E2E${digits}B,${surname},Hoi Yan,1990-09-09,MSc Physics,MSc,PolyU,2015,hoi.yan@old.example.com,${secondNetId}`,
      ].join('\n'),
    );
    admin = { email: `aao-${tag()}@example.edu`, password: '' };
    admin.password = await createStaff(web, { email: admin.email, name: 'Ada Admin', role: 'aao-admin' });
    auditor = { email: `audit-${tag()}@example.edu`, password: '' };
    auditor.password = await createStaff(web, { email: auditor.email, name: 'Al Auditor', role: 'auditor' });
  });

  afterAll(async () => {
    await web?.close();
  });

  async function openPerson(page: Page): Promise<string> {
    await page.getByRole('heading', { level: 1, name: 'Alumni' }).waitFor();
    // One character is too little to search for: the page says so before asking the portal.
    await page.getByLabel('Search alumni').fill('h');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Please enter at least 2 characters, e.g. 陳大 or chan.').waitFor();
    await page.getByLabel('Search alumni').fill(`hoi yan ${surname.toLowerCase()}`);
    await page.getByRole('button', { name: 'Search' }).click();
    const hits = page.getByTestId('alumni-hits').getByRole('listitem');
    await hits.first().waitFor();
    expect(await hits.count()).toBe(2);
    // Same name and date of birth: open the first degree's record.
    await hits
      .filter({ hasText: `E2E${digits}A` })
      .getByRole('link')
      .click();
    await page.waitForURL(/\/admin\/alumni\?q=.+&graduate=[0-9a-f-]{36}$/);
    await page.getByTestId('detail-name').waitFor();
    return page.url();
  }

  it('lets an AAO admin search, open a graduate with two NetIDs and confirm the other one as the Alumni NetID; Back and links work', async () => {
    const page = await web.newPage({ width: 1280, height: 900 });
    await signInStaff(web, page, admin, '/admin/alumni');
    const detailUrl = await openPerson(page);
    expect(await page.getByTestId('detail-name').textContent()).toBe(`${surname} Hoi Yan`);
    await page.getByRole('heading', { name: 'Registry record' }).waitFor();
    await page.getByText('This graduate has not registered an account.').waitFor();

    const netIds = page.getByTestId('netid-list');
    await netIds.getByText(firstNetId, { exact: true }).waitFor();
    await netIds.getByText(secondNetId, { exact: true }).waitFor();
    await page.getByText('No Alumni NetID has been confirmed yet.').waitFor();

    // Confirm the second degree's NetID (not the one first in the list).
    await page.getByLabel('NetID to confirm as the Alumni NetID').selectOption(secondNetId);
    await page.getByRole('button', { name: 'Confirm as Alumni NetID' }).click();
    await page.getByText(`${secondNetId} is now the confirmed Alumni NetID.`).waitFor();
    expect(await page.getByTestId('confirmed-netid').textContent()).toBe(`Confirmed Alumni NetID: ${secondNetId}`);
    expect(await netIds.locator('[data-confirmed="true"]').textContent()).toContain(secondNetId);
    await screenshot(page, 'alumni-admin-detail');

    // The detail is linkable: a reload shows the same person and the confirmation, from the portal.
    await page.reload();
    await page.getByTestId('confirmed-netid').getByText(secondNetId).waitFor();
    // Back returns to the results; Forward to the person again.
    await page.goBack();
    await page.getByTestId('alumni-hits').waitFor();
    expect(page.url()).not.toContain('graduate=');
    await page.goForward();
    await page.getByTestId('detail-name').waitFor();
    expect(page.url()).toBe(detailUrl);

    // The same page in Traditional Chinese: headings and the NetID section.
    await page.getByRole('button', { name: '繁體中文' }).click();
    await page.getByRole('heading', { level: 1, name: '校友' }).waitFor();
    await page.getByRole('heading', { name: '名冊紀錄' }).waitFor();
    await page.getByRole('heading', { name: 'NetID', exact: true }).waitFor();
    await page.getByRole('button', { name: '確認為校友 NetID' }).waitFor();
    await page.getByText(`已確認的校友 NetID：${secondNetId}`).waitFor();
    await screenshot(page, 'alumni-admin-detail-zh');
    await page.getByRole('button', { name: '返回搜尋結果' }).click();
    await page.getByRole('heading', { name: '搜尋結果' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.context().close();
  });

  it('shows an auditor the detail and NetIDs without the confirm control', async () => {
    const page = await web.newPage({ width: 1280, height: 900 });
    await signInStaff(web, page, auditor, '/admin/alumni');
    await openPerson(page);
    await page.getByTestId('netid-list').getByText(firstNetId, { exact: true }).waitFor();
    await page.getByText('Only AAO administrators can change which NetID is the Alumni NetID.').waitFor();
    expect(await page.getByRole('button', { name: 'Confirm as Alumni NetID' }).count()).toBe(0);
    expect(await page.getByLabel('NetID to confirm as the Alumni NetID').count()).toBe(0);
    await page.context().close();
  });

  it('changes the guest policy in the browser; an alumnus then gets the new purposes on Guest Access', async () => {
    const page = await web.newPage({ width: 1280, height: 900 });
    await signInStaff(web, page, admin, '/admin/guest-policy');
    await page.getByRole('heading', { level: 1, name: 'Guest policy' }).waitFor();
    const first = page.getByLabel('Purpose 1', { exact: true });
    await first.waitFor();
    expect(await first.inputValue()).toBe('Visit');

    // Inline validation: an empty purpose and an out-of-range number are marked, nothing is saved.
    await page.getByLabel('Guests per day').fill('51');
    await page.getByRole('button', { name: 'Add a purpose' }).click();
    await page.getByRole('button', { name: 'Save the policy' }).click();
    await page.getByText('Enter a whole number from 1 to 50.').waitFor();
    await page.getByText('Type a purpose or remove this line.').waitFor();
    expect(await page.getByLabel('Guests per day').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'guest-policy-errors');

    // Fix them: a new purpose, moved to the top; one old purpose removed.
    await page.getByLabel('Guests per day').fill('3');
    await page.getByLabel('Purpose 8', { exact: true }).fill('Homecoming reunion');
    for (let position = 8; position > 1; position--) {
      await page.getByRole('button', { name: `Move purpose ${position} up` }).click();
    }
    expect(await page.getByLabel('Purpose 1', { exact: true }).inputValue()).toBe('Homecoming reunion');
    expect(await page.getByLabel('Purpose 2', { exact: true }).inputValue()).toBe('Visit');
    await page.getByRole('button', { name: 'Remove purpose 2' }).click();
    await page.getByRole('button', { name: 'Save the policy' }).click();
    await page.getByText('The guest policy has been saved.').waitFor();
    await screenshot(page, 'guest-policy-saved');

    const saved = (await (await page.request.get(web.url('/api/admin/guest-policy'))).json()) as {
      purposes: string[];
      maxGuestsPerDay: number;
    };
    expect(saved.maxGuestsPerDay).toBe(3);
    expect(saved.purposes[0]).toBe('Homecoming reunion');
    expect(saved.purposes).not.toContain('Visit');
    await page.context().close();

    // An alumnus's Guest Access form offers the new purposes, in the new order, and no longer the removed one.
    const { page: alumnus } = await activeAlumnus(web, await testPhoto(21));
    await alumnus.goto(web.url('/ecard/guests'));
    await alumnus.getByRole('heading', { level: 1, name: 'Guest Access' }).waitFor();
    await alumnus.getByRole('button', { name: 'New Campus Access' }).click();
    const form = alumnus.getByRole('form', { name: 'New Campus Access' });
    const options = await form.getByLabel('Purpose of visit').locator('option').allTextContents();
    expect(options.slice(1)).toEqual(saved.purposes);
    await form.getByText('Up to 3 guests per day').waitFor();
    await alumnus.context().close();
  });
});
