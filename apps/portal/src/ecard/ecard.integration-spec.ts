import sharp from 'sharp';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  ALICE,
  BOB,
  completeContact,
  portraitJpeg,
  REGISTRY_ROWS,
  seedRegistry,
  uploadPhoto,
} from '../../../../test/support/ecard-fixtures.js';
import { registerAndSignIn, send, type HttpSession } from '../../../../test/support/http-sessions.js';
import { startTestPortal, type TestPortal } from '../../../../test/support/portal-app.js';
import { recipients, startTestSmtpServer, type TestSmtpServer } from '../../../../test/support/smtp.js';
import { AAO_ADMIN, AUDITOR, createStaffAndSignIn, SECURITY_GUARD } from '../../../../test/support/staff-fixtures.js';
import { AuditService } from '../admin/audit.service.js';

// In Chinese: the rejection and revocation mails below are told apart by their Chinese subjects.
const CONTACT = completeContact('zh-Hant');

/** Larger than the card and with camera and GPS EXIF: the portal must scale it to 600×800 and strip the metadata. */
const portrait = (seed: number) =>
  portraitJpeg(seed, {
    width: 900,
    height: 1200,
    exif: { IFD0: { Make: 'LeakyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '22/1 18/1 3000/100' } },
  });

describe('Alumni eCard (PostgreSQL, real HTTP app, alumni and AAO staff signed in)', () => {
  let portal: TestPortal;
  let smtp: TestSmtpServer;
  const sessions: Record<string, HttpSession> = {};
  const server = () => portal.app.getHttpServer();

  const count = async (table: string) =>
    Number((await portal.app.get(DataSource).query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number);
  const stored = async () => ({ ecards: await count('ecard'), photos: await count('ecard_photo') });
  const admin = () => sessions.admin!;
  const alice = () => sessions.alice!;
  const bob = () => sessions.bob!;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    portal = await startTestPortal({ SMTP_URL: smtp.url }, { workers: true });
    // Both of Alice's awards: the card lists them.
    await seedRegistry(portal, [REGISTRY_ROWS.aliceBsc, REGISTRY_ROWS.aliceMsc, REGISTRY_ROWS.bob]);
    sessions.admin = await createStaffAndSignIn(portal, smtp, AAO_ADMIN);
    sessions.auditor = await createStaffAndSignIn(portal, smtp, AUDITOR);
    sessions.guard = await createStaffAndSignIn(portal, smtp, SECURITY_GUARD);
    sessions.alice = await registerAndSignIn(server(), smtp, ALICE);
    sessions.bob = await registerAndSignIn(server(), smtp, BOB);
  });

  afterAll(async () => {
    await portal?.close();
    await smtp?.close();
  });

  it('shows a card that is not activated yet, and refuses the photo until the contact information is complete (FAQ 19)', async () => {
    const card = await alice().agent.get('/api/ecard').expect(200);
    expect(card.body).toMatchObject({
      ecardId: null,
      status: 'not-activated',
      name: { surname: '陳', givenName: '大文' },
      alumniNumber: null,
      photo: null,
      contactComplete: false,
      awards: [
        { programme: 'BSc Computing', award: 'BSc', institution: 'PolyU', graduationYear: 2012 },
        { programme: 'MSc Information Systems', award: 'MSc', institution: 'PolyU', graduationYear: 2015 },
      ],
    });

    const refused = await uploadPhoto(alice(), await portrait(1)).expect(400);
    expect(refused.body).toMatchObject({
      code: 'contact-incomplete',
      message: expect.stringMatching(/^Please update your contact information first/),
      details: { missing: ['phone', 'address-country'] },
    });
    expect(await stored()).toEqual({ ecards: 0, photos: 0 });
  });

  it('refuses bad files with clear errors and stores nothing', async () => {
    await send(alice(), 'put', '/api/profile/contact', CONTACT).expect(200);
    const cases: Array<[Buffer, string, number, string, RegExp]> = [
      [Buffer.from('just some text, not a photo\n'), 'photo.jpg', 400, 'photo-not-an-image', /not a photo/],
      [
        Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(256)]),
        'IMG_0001.HEIC',
        400,
        'photo-unsupported-type',
        /HEIC/,
      ],
      [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(30 * 1024 * 1024)]), 'huge.jpg', 413, 'photo-too-large', /10 MB/],
      [
        await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#777777' } })
          .png()
          .toBuffer(),
        'wide.png',
        400,
        'photo-too-many-pixels',
        /40 megapixels/,
      ],
      [
        await sharp({ create: { width: 200, height: 250, channels: 3, background: '#777777' } })
          .jpeg()
          .toBuffer(),
        'tiny.jpg',
        400,
        'photo-too-small',
        /300×400/,
      ],
    ];
    for (const [content, name, status, code, message] of cases) {
      const response = await uploadPhoto(alice(), content, name);
      expect({ name, status: response.status, code: response.body.code }).toEqual({ name, status, code });
      expect(response.body.message).toMatch(message);
    }
    const missing = await alice().agent.post('/api/ecard/photo').set('X-CSRF-Token', alice().csrf).field('other', 'x').expect(400);
    expect(missing.body.code).toBe('photo-missing');
    expect(await stored()).toEqual({ ecards: 0, photos: 0 });
  });

  it('activates the eCard at once with the photo; the card shows no personal ID and the photo has no metadata', async () => {
    const response = await uploadPhoto(alice(), await portrait(2)).expect(201);
    expect(response.body.activated).toBe(true);
    expect(response.body.ecard).toMatchObject({
      status: 'active',
      alumniNumber: expect.stringMatching(/^A\d{8}$/),
      photo: { status: 'pending-review', cardUrl: expect.stringMatching(/^\/api\/ecard\/photo\/card\?v=/), rejectionReason: null },
      contactComplete: true,
    });

    const card = await alice().agent.get('/api/ecard').expect(200);
    expect(card.body).toEqual({ ...response.body.ecard, privileges: [] });
    const text = JSON.stringify(card.body);
    for (const secret of ['A123456', 'personal', '1990-05-17', '50000001A']) expect(text).not.toContain(secret);

    const photo = await alice().agent.get(card.body.photo.cardUrl).expect(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.headers['cache-control']).toMatch(/^private/);
    const meta = await sharp(photo.body as Buffer).metadata();
    expect(meta).toMatchObject({ width: 600, height: 800 });
    expect(meta.exif).toBeUndefined();
    expect((photo.body as Buffer).includes('LeakyCam')).toBe(false);
    const thumb = await alice().agent.get('/api/ecard/photo/thumb').expect(200);
    expect(await sharp(thumb.body as Buffer).metadata()).toMatchObject({ width: 120, height: 160 });
    await alice().agent.get('/api/ecard/photo/original').expect(400);
    expect(await portal.app.get(AuditService).list({ action: 'ecard.activate' })).toHaveLength(1);
  });

  it('never gives one alumnus the photo of another (404), and keeps staff and anonymous callers out of alumni routes', async () => {
    const other = await bob().agent.get('/api/ecard/photo/card').expect(404);
    expect(other.body.code).toBe('photo-not-found');
    expect((await bob().agent.get('/api/ecard').expect(200)).body).toMatchObject({ status: 'not-activated', photo: null });
    await request(server()).get('/api/ecard').expect(401);
    await admin().agent.get('/api/ecard/photo/card').expect(403);
    await alice().agent.get('/api/admin/ecard/reviews').expect(403);
    await sessions.guard!.agent.get('/api/admin/ecard/reviews').expect(403);
  });

  it('lets the AAO reject a photo: the alumnus gets the reason by email in their language and can upload again', async () => {
    const queue = await sessions.auditor!.agent.get('/api/admin/ecard/reviews').expect(200);
    expect(queue.body).toEqual([
      {
        photoId: expect.any(String),
        ecardId: expect.any(Number),
        alumniNumber: expect.stringMatching(/^A\d{8}$/),
        name: { surname: '陳', givenName: '大文' },
        kind: 'new',
        uploadedAt: expect.any(String),
        thumbnail: expect.stringMatching(/^data:image\/jpeg;base64,/),
        previousThumbnail: null,
        photoUrl: expect.stringMatching(/^\/api\/admin\/ecard\/reviews\/.+\/photo$/),
      },
    ]);
    const [item] = queue.body;
    expect(Buffer.from(item.thumbnail.split(',')[1], 'base64').length).toBeLessThan(10 * 1024);
    await sessions.auditor!.agent.get(item.photoUrl).expect(200);
    await send(sessions.auditor!, 'post', `/api/admin/ecard/reviews/${item.photoId}/reject`, { reason: 'Face hidden' }).expect(403);

    const after = smtp.messages.length;
    const rejected = await send(admin(), 'post', `/api/admin/ecard/reviews/${item.photoId}/reject`, {
      reason: 'Your face is not visible in the photo',
    }).expect(200);
    expect(rejected.body).toEqual({ photoId: item.photoId, reviewStatus: 'rejected', ecardId: item.ecardId, ecardPhotoStatus: 'rejected' });
    const mail = await smtp.waitForMessage((message) => message.subject === '你的校友電子證相片未獲接納', 10_000, { after });
    expect(recipients(mail)).toEqual([ALICE.email]);
    expect(mail.text).toContain('Your face is not visible in the photo');

    await send(admin(), 'post', `/api/admin/ecard/reviews/${item.photoId}/approve`).expect(409);
    const card = await alice().agent.get('/api/ecard').expect(200);
    expect(card.body).toMatchObject({
      status: 'active',
      photo: { status: 'rejected', rejectionReason: 'Your face is not visible in the photo' },
    });

    const again = await uploadPhoto(alice(), await portrait(3), 'again.png').expect(201);
    expect(again.body).toMatchObject({ activated: false, ecard: { status: 'active', photo: { status: 'pending-review' } } });
    const [second] = (await admin().agent.get('/api/admin/ecard/reviews').expect(200)).body;
    expect(second).toMatchObject({ kind: 'new', ecardId: item.ecardId });
    expect(second.photoId).not.toBe(item.photoId);
    const approved = await send(admin(), 'post', `/api/admin/ecard/reviews/${second.photoId}/approve`).expect(200);
    expect(approved.body).toMatchObject({ reviewStatus: 'approved', ecardPhotoStatus: 'approved' });
    expect((await admin().agent.get('/api/admin/ecard/reviews').expect(200)).body).toEqual([]);
  });

  it('sends a changed photo to review; a rejected change falls back to the approved photo; a superseded upload leaves the queue', async () => {
    await uploadPhoto(alice(), await portrait(4)).expect(201);
    await uploadPhoto(alice(), await portrait(5)).expect(201);
    const queue = (await admin().agent.get('/api/admin/ecard/reviews').expect(200)).body;
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ kind: 'changed', previousThumbnail: expect.stringMatching(/^data:image\/jpeg;base64,/) });
    const before = (await alice().agent.get('/api/ecard').expect(200)).body.photo.cardUrl;
    await send(admin(), 'post', `/api/admin/ecard/reviews/${queue[0].photoId}/reject`, { reason: 'Sunglasses' }).expect(200);
    const card = (await alice().agent.get('/api/ecard').expect(200)).body;
    expect(card.photo).toMatchObject({ status: 'approved', rejectionReason: null });
    expect(card.photo.cardUrl).not.toBe(before);
    const statuses = await portal.app
      .get(DataSource)
      .query(`SELECT review_status, count(*)::int AS n FROM ecard_photo GROUP BY 1 ORDER BY 1`);
    expect(statuses).toEqual([
      { review_status: 'approved', n: 1 },
      { review_status: 'rejected', n: 2 },
      { review_status: 'superseded', n: 1 },
    ]);
  });

  it('revokes and reinstates an eCard (AAO admins only), mails the revocation, and refuses photos while revoked', async () => {
    const { ecardId } = (await alice().agent.get('/api/ecard').expect(200)).body;
    await send(sessions.auditor!, 'post', `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Not a graduate' }).expect(403);
    await send(alice(), 'post', `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Not a graduate' }).expect(403);
    await send(admin(), 'post', `/api/admin/ecards/${ecardId}/revoke`, {}).expect(400);

    const after = smtp.messages.length;
    const revoked = await send(admin(), 'post', `/api/admin/ecards/${ecardId}/revoke`, {
      reason: 'Award withdrawn by the registry',
    }).expect(200);
    expect(revoked.body).toMatchObject({
      id: ecardId,
      status: 'revoked',
      revokedAt: expect.any(String),
      revocationReason: 'Award withdrawn by the registry',
    });
    // Mail goes through the queue: match this notice itself, not whichever mail to Alice arrives next.
    const mail = await smtp.waitForMessage((message) => message.subject === '你的校友電子證已被撤銷', 10_000, { after });
    expect(recipients(mail)).toEqual([ALICE.email]);
    expect(mail.text).toContain('Award withdrawn by the registry');
    await send(admin(), 'post', `/api/admin/ecards/${ecardId}/revoke`, { reason: 'Again and again' }).expect(409);

    expect((await alice().agent.get('/api/ecard').expect(200)).body).toMatchObject({
      status: 'revoked',
      revocationReason: 'Award withdrawn by the registry',
    });
    const photos = await count('ecard_photo');
    const refused = await uploadPhoto(alice(), await portrait(6)).expect(403);
    expect(refused.body.code).toBe('ecard-revoked');
    expect(await count('ecard_photo')).toBe(photos);

    const reinstated = await send(admin(), 'post', `/api/admin/ecards/${ecardId}/reinstate`).expect(200);
    expect(reinstated.body).toMatchObject({ status: 'active', revokedAt: null, revocationReason: null });
    await send(admin(), 'post', `/api/admin/ecards/${ecardId}/reinstate`).expect(409);
    await send(admin(), 'post', '/api/admin/ecards/999999/revoke', { reason: 'No such card' }).expect(404);
    expect((await sessions.auditor!.agent.get(`/api/admin/ecards/${ecardId}`).expect(200)).body.status).toBe('active');
  });

  it('manages the bilingual privileges (AAO admins) and shows the active ones beside the eCard per locale', async () => {
    const hotel = {
      titleEn: 'Hotel ICON: food and beverage discount',
      titleZhHant: '唯港薈：餐飲折扣',
      descriptionEn: '15% off food and banquets',
      descriptionZhHant: '餐飲及宴會八五折',
      sortOrder: 1,
    };
    await send(sessions.auditor!, 'post', '/api/admin/privileges', hotel).expect(403);
    await send(admin(), 'post', '/api/admin/privileges', { ...hotel, titleEn: '' }).expect(400);
    const created = await send(admin(), 'post', '/api/admin/privileges', hotel).expect(201);
    expect(created.body).toMatchObject({ ...hotel, id: expect.any(String), active: true });
    const hidden = await send(admin(), 'post', '/api/admin/privileges', {
      ...hotel,
      titleEn: 'Hidden',
      sortOrder: 0,
      active: false,
    }).expect(201);

    expect((await sessions.auditor!.agent.get('/api/admin/privileges').expect(200)).body).toHaveLength(2);
    const zh = await alice().agent.get('/api/ecard?locale=zh-Hant').expect(200);
    expect(zh.body.privileges).toEqual([{ id: created.body.id, title: '唯港薈：餐飲折扣', description: '餐飲及宴會八五折' }]);
    const both = await alice().agent.get('/api/ecard').expect(200);
    expect(both.body.privileges[0].title).toEqual({ en: hotel.titleEn, 'zh-Hant': hotel.titleZhHant });
    await alice().agent.get('/api/ecard?locale=fr').expect(400);

    const updated = await send(admin(), 'put', `/api/admin/privileges/${created.body.id}`, { ...hotel, descriptionEn: '20% off' }).expect(
      200,
    );
    expect(updated.body.descriptionEn).toBe('20% off');
    await send(admin(), 'delete', `/api/admin/privileges/${hidden.body.id}`).expect(204);
    await send(admin(), 'delete', `/api/admin/privileges/${hidden.body.id}`).expect(404);
    expect((await admin().agent.get('/api/admin/privileges').expect(200)).body).toHaveLength(1);
  });

  it('audits every AAO action with the staff member as actor', async () => {
    const audit = portal.app.get(AuditService);
    const actions = (await audit.list({ actorType: 'staff', limit: 500 })).map((event) => `${event.action}:${event.outcome}`);
    for (const expected of [
      'ecard.photo.reject:success',
      'ecard.photo.approve:success',
      'ecard.photo.approve:failure',
      'ecard.revoke:success',
      'ecard.revoke:failure',
      'ecard.reinstate:success',
      'privilege.create:success',
      'privilege.update:success',
      'privilege.delete:success',
    ])
      expect(actions).toContain(expected);
    const uploads = await audit.list({ action: 'ecard.photo.upload', limit: 500 });
    expect(uploads.map((event) => event.outcome)).toEqual(expect.arrayContaining(['success', 'failure']));
  });
});
