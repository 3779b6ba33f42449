import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { runToExit } from '../../../../test/support/portal-process.js';
import { campusDayOf, encodePass, KeySet, verifyPass } from '@campuspass/pass-token';
import { createNodeVerifier } from '@campuspass/pass-token/node';
import { AuditEventEntity } from '../admin/audit-event.entity.js';
import { AuditRepository } from '../admin/audit.repository.js';
import { AuditService } from '../admin/audit.service.js';
import { loadAppConfig, parseKeyEncryptionKey } from '../config/app-config.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { confirmOnTerminal, runKeysList, runKeysRevoke, runKeysRewrap, runKeysRotate } from './keys.command.js';
import { KeysService } from './keys.service.js';
import { openPrivateKey } from './private-key-cipher.js';
import { SigningKeyRepository } from './signing-key.repository.js';
import { alumniDayPassFields } from '../../../../test/support/pass-fields.js';

describe('keys:rotate and keys:list (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const kek = randomBytes(32).toString('base64');
  const config = loadAppConfig({ KEY_ENCRYPTION_KEY: kek });
  const output = async (run: (io: { write(text: string): void }) => Promise<unknown>) => {
    let text = '';
    await run({ write: (chunk) => void (text += chunk) });
    return text;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(database.url));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('lists nothing before the first rotation, and says what to run', async () => {
    expect(await output((io) => runKeysList(dataSource, config, io))).toMatch(/No signing keys yet: run keys:rotate/);
  });

  it('creates the keys once, then reports that nothing was due', async () => {
    const first = await output((io) => runKeysRotate(dataSource, config, {}, io));
    expect(first.trim().split('\n')).toEqual([
      expect.stringMatching(/^created +bundle +[0-9a-f]{16} +active/),
      expect.stringMatching(/^created +pass +[0-9a-f]{16} +active/),
      expect.stringMatching(/^created +pass +[0-9a-f]{16} +next/),
    ]);
    expect(await output((io) => runKeysRotate(dataSource, config, {}, io))).toMatch(/^Nothing was due/);
  });

  it('promotes with --force and explains what that means for gates', async () => {
    const text = await output((io) => runKeysRotate(dataSource, config, { force: true }, io));
    expect(text).toMatch(/^retired +pass/m);
    expect(text).toMatch(/^activated +pass/m);
    expect(text).toMatch(/Forced: gates that have not fetched their bundle/);
    const listed = await output((io) => runKeysList(dataSource, config, io));
    expect(listed.trim().split('\n')).toHaveLength(4);
    expect(listed).not.toMatch(/private|sealed/i);
  });

  const keyRows = async () =>
    (await dataSource.query(`SELECT kid, purpose, status, revocation_reason FROM signing_key ORDER BY created_at, id`)) as {
      kid: string;
      purpose: string;
      status: string;
      revocation_reason: string | null;
    }[];
  const cli = (args: string[]) =>
    runToExit('apps/portal/dist/cli.js', { DATABASE_URL: database.url, KEY_ENCRYPTION_KEY: kek, LOG_LEVEL: 'error' }, args);

  it('keys:revoke (the built CLI) refuses the bundle key, an unknown or malformed kid and a missing reason, changing nothing', async () => {
    const before = await keyRows();
    const bundle = before.find((key) => key.purpose === 'bundle')!;
    const [pinned, unknown, malformed, noReason] = await Promise.all([
      cli(['keys:revoke', bundle.kid, '--reason', 'testing', '--yes']),
      cli(['keys:revoke', '00112233aabbccdd', '--reason', 'testing', '--yes']),
      cli(['keys:revoke', 'not-a-kid', '--reason', 'testing', '--yes']),
      cli(['keys:revoke', bundle.kid, '--yes']),
    ]);
    expect(pinned).toMatchObject({
      code: 1,
      output: expect.stringMatching(/bundle-signing key: it is pinned on every enrolled gate.*Re-enrol the gates/s),
    });
    expect(unknown).toMatchObject({
      code: 1,
      output: expect.stringMatching(/There is no signing key with kid 00112233aabbccdd\. Run "npm run portal -- keys:list"/),
    });
    expect(malformed).toMatchObject({ code: 1, output: expect.stringMatching(/"not-a-kid" is not a key id: a kid is 16 hex characters/) });
    expect(noReason.code).not.toBe(0);
    expect(noReason.output).toMatch(/--reason/);
    expect(await keyRows()).toEqual(before);
  }, 30_000);

  it('keys:revoke asks first: no answer (stdin closed) or "no" changes nothing; --yes revokes the active key and the next key takes over', async () => {
    const active = (await keyRows()).find((key) => key.purpose === 'pass' && key.status === 'active')!;
    const closed = await cli(['keys:revoke', active.kid, '--reason', 'key exposed in a log']);
    expect(closed.code).toBe(1);
    expect(closed.output).toMatch(/It is the ACTIVE pass key/);
    expect(closed.output).toMatch(/Not revoked: nothing was changed/);
    let asked = '';
    const declined = await output((io) =>
      runKeysRevoke(
        dataSource,
        config,
        active.kid,
        { reason: 'key exposed in a log' },
        { ...io, confirm: async (question) => ((asked = question), false) },
      ),
    );
    expect(asked).toMatch(new RegExp(`Revoke pass key ${active.kid}\\?`));
    expect(declined).toMatch(/Not revoked/);
    expect((await keyRows()).find((key) => key.kid === active.kid)!.status).toBe('active');

    const revoked = await cli(['keys:revoke', active.kid.toUpperCase(), '--reason', 'key exposed in a log', '--yes']);
    expect(revoked.code).toBe(0);
    expect(revoked.output).toMatch(new RegExp(`^revoked +pass +${active.kid} +revoked`, 'm'));
    expect(revoked.output).toMatch(/^activated +pass/m);
    expect(revoked.output).toMatch(/^created +pass +[0-9a-f]{16} +next/m);
    expect(revoked.output).toMatch(/deploy\/runbooks\/key-rotation\.md/);
    expect((await keyRows()).find((key) => key.kid === active.kid)).toMatchObject({
      status: 'revoked',
      revocation_reason: 'key exposed in a log',
    });
    // The audit names who ran it (login and host), not just "the CLI".
    const [audited] = (await dataSource.query(
      `SELECT actor_type, actor_id FROM audit_event WHERE action = 'keys.revoke' ORDER BY occurred_at DESC LIMIT 1`,
    )) as Array<{ actor_type: string; actor_id: string }>;
    expect(audited).toEqual({ actor_type: 'system', actor_id: `cli:${userInfo().username}@${hostname()}` });
    const listed = await output((io) => runKeysList(dataSource, config, io));
    expect(listed).toMatch(new RegExp(`${active.kid} +revoked .*revoked \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(key exposed in a log\\)`));
    const again = await cli(['keys:revoke', active.kid, '--reason', 'again', '--yes']);
    expect(again).toMatchObject({ code: 1, output: expect.stringMatching(/already revoked; nothing was changed/) });
  }, 30_000);

  it('takes only "y" or "yes" on the terminal as a yes', async () => {
    const answer = async (typed: string | null) => {
      const input = new PassThrough();
      const out = new PassThrough();
      const answered = confirmOnTerminal('Revoke? ', input, out);
      if (typed === null) input.end();
      else input.write(typed);
      return answered;
    };
    expect(await answer('yes\n')).toBe(true);
    expect(await answer(' Y \n')).toBe(true);
    expect(await answer('no\n')).toBe(false);
    expect(await answer('yess\n')).toBe(false);
    expect(await answer(null)).toBe(false);
  });
});

describe('keys:rewrap: re-sealing under a new KEY_ENCRYPTION_KEY (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const kekA = randomBytes(32).toString('base64');
  const kekB = randomBytes(32).toString('hex');
  const kekC = randomBytes(32).toString('base64url');
  const configA = loadAppConfig({ KEY_ENCRYPTION_KEY: kekA });
  const configB = loadAppConfig({ KEY_ENCRYPTION_KEY: kekB });
  const rotating = loadAppConfig({ KEY_ENCRYPTION_KEY: kekB, KEY_ENCRYPTION_KEY_PREVIOUS: kekA });
  const today = campusDayOf(new Date());
  const silent = { write: () => undefined };
  const service = (config: typeof configA) =>
    new KeysService(
      config,
      new SigningKeyRepository(dataSource),
      new AuditService(new AuditRepository(dataSource.getRepository(AuditEventEntity))),
    );
  const cli = (args: string[], env: NodeJS.ProcessEnv) =>
    runToExit('apps/portal/dist/cli.js', { DATABASE_URL: database.url, LOG_LEVEL: 'error', ...env }, args);

  interface Row {
    id: string;
    kid: string;
    purpose: 'pass' | 'bundle';
    status: string;
    public_key: Buffer;
    private_key_nonce: Buffer;
    private_key_sealed: Buffer;
    private_key_tag: Buffer;
  }
  const rows = async () =>
    (await dataSource.query(
      `SELECT id, kid, purpose, status, public_key, private_key_nonce, private_key_sealed, private_key_tag
         FROM signing_key ORDER BY created_at, id`,
    )) as Row[];
  const opens = (kek: string, row: Row) => {
    try {
      openPrivateKey(
        parseKeyEncryptionKey(kek)!,
        { nonce: row.private_key_nonce, ciphertext: row.private_key_sealed, tag: row.private_key_tag },
        { keyId: row.id, purpose: row.purpose, kid: row.kid },
      );
      return true;
    } catch {
      return false;
    }
  };
  const rewrapAudits = async () =>
    (await dataSource.query(
      `SELECT actor_type, actor_id, target_type, outcome, details FROM audit_event WHERE action = 'keys.rewrap' ORDER BY occurred_at`,
    )) as { actor_type: string; actor_id: string; target_type: string; outcome: string; details: Record<string, unknown> }[];

  let passes: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(database.url));
    await dataSource.initialize();
    // Keys made under A, passes signed with them, and one rotation so a retired key still carries today's passes.
    await runKeysRotate(dataSource, configA, {}, silent);
    passes = [encodePass(passFields(today), (await service(configA).activeSigner('pass', today)).signer).qrText];
    await runKeysRotate(dataSource, configA, { force: true }, silent);
    passes.push(encodePass(passFields(today), (await service(configA).activeSigner('pass', today)).signer).qrText);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const passFields = (campusDay: number) => alumniDayPassFields(campusDay, 7);

  it('--dry-run reports what it would re-seal and writes nothing', async () => {
    const before = await rows();
    expect(before).toHaveLength(4);
    let text = '';
    await runKeysRewrap(dataSource, rotating, { dryRun: true }, { write: (chunk) => void (text += chunk) });
    expect(text).toMatch(/^Dry run: 4 key\(s\) to re-seal under KEY_ENCRYPTION_KEY, 0 already current\. Nothing was written\.$/m);
    for (const row of before) expect(text).toMatch(new RegExp(`^would re-seal +${row.purpose} +${row.kid}`, 'm'));
    expect(await rows()).toEqual(before);
    expect(await rewrapAudits()).toEqual([]);
  });

  it('re-seals every key under the new KEY_ENCRYPTION_KEY (the built CLI), audited, public keys unchanged', async () => {
    const before = await rows();
    expect(before.every((row) => opens(kekA, row) && !opens(kekB, row))).toBe(true);
    const run = await cli(['keys:rewrap'], { KEY_ENCRYPTION_KEY: kekB, KEY_ENCRYPTION_KEY_PREVIOUS: kekA });
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^4 key\(s\) re-sealed under KEY_ENCRYPTION_KEY, 0 already current\.$/m);
    expect(run.output).toMatch(/remove KEY_ENCRYPTION_KEY_PREVIOUS/i);

    const after = await rows();
    // Same keys, same public halves and statuses; only the sealed private halves changed.
    const publicPart = ({ id, kid, purpose, status, public_key }: Row) => ({ id, kid, purpose, status, public_key });
    expect(after.map(publicPart)).toEqual(before.map(publicPart));
    for (const [index, row] of after.entries()) {
      expect({ kid: row.kid, underB: opens(kekB, row), underA: opens(kekA, row) }).toEqual({ kid: row.kid, underB: true, underA: false });
      expect(row.private_key_sealed.equals(before[index]!.private_key_sealed)).toBe(false);
    }

    // KEY_ENCRYPTION_KEY alone now signs, and the passes issued before still verify against the published keys.
    const keysB = service(configB);
    const published = new KeySet(await keysB.publishedKeys(today));
    for (const pass of passes) expect(verifyPass(pass, published, createNodeVerifier()).fields.campusDay).toBe(today);
    const fresh = encodePass(passFields(today), (await keysB.activeSigner('pass', today)).signer).qrText;
    expect(verifyPass(fresh, published, createNodeVerifier()).fields.campusDay).toBe(today);
    await expect(keysB.bundleSigner()).resolves.toMatchObject({ kid: before.find((row) => row.purpose === 'bundle')!.kid });

    const audits = await rewrapAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actor_type: 'system',
      actor_id: `cli:${userInfo().username}@${hostname()}`,
      target_type: 'signing-key',
      outcome: 'success',
      details: { resealed: 4, alreadyCurrent: 0, resealedKids: before.map((row) => row.kid), alreadyCurrentKids: [] },
    });
    const details = JSON.stringify(audits[0]!.details);
    for (const row of [...before, ...after]) {
      for (const bytes of [row.private_key_sealed, row.private_key_nonce, row.private_key_tag]) {
        expect(details).not.toContain(bytes.toString('hex'));
        expect(details).not.toContain(bytes.toString('base64'));
      }
    }
    for (const secret of [kekA, kekB]) expect(details).not.toContain(secret);
  }, 30_000);

  it('changes nothing when run again: every key is already current', async () => {
    const before = await rows();
    const run = await cli(['keys:rewrap'], { KEY_ENCRYPTION_KEY: kekB, KEY_ENCRYPTION_KEY_PREVIOUS: kekA });
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/^0 key\(s\) re-sealed under KEY_ENCRYPTION_KEY, 4 already current\.$/m);
    expect(await rows()).toEqual(before);
    expect((await rewrapAudits()).at(-1)!.details).toMatchObject({ resealed: 0, alreadyCurrent: 4, resealedKids: [] });
  }, 30_000);

  it('changes nothing at all and exits non-zero, naming the kid, when a key opens under neither key-encryption key', async () => {
    // One more key sealed under A (it would be re-sealed) and one under C, which the portal does not know.
    await runKeysRotate(dataSource, configA, { force: true }, silent);
    await runKeysRotate(dataSource, loadAppConfig({ KEY_ENCRYPTION_KEY: kekC }), { force: true }, silent);
    const before = await rows();
    const underA = before.filter((row) => opens(kekA, row));
    const underC = before.filter((row) => opens(kekC, row));
    expect([underA.length, underC.length]).toEqual([1, 1]);
    const audits = (await rewrapAudits()).length;

    const run = await cli(['keys:rewrap'], { KEY_ENCRYPTION_KEY: kekB, KEY_ENCRYPTION_KEY_PREVIOUS: kekA });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(underC[0]!.kid);
    expect(run.output).not.toContain(underA[0]!.kid);
    expect(run.output).toMatch(/neither KEY_ENCRYPTION_KEY nor KEY_ENCRYPTION_KEY_PREVIOUS.*nothing was re-sealed/);
    expect(await rows()).toEqual(before);
    expect(opens(kekA, underA[0]!)).toBe(true);
    expect(await rewrapAudits()).toHaveLength(audits);
    await expect(runKeysRewrap(dataSource, rotating, { dryRun: true }, silent)).rejects.toMatchObject({
      code: 'key-decryption-failed',
      message: expect.stringContaining(underC[0]!.kid),
    });
  }, 30_000);

  it('explains keys:rewrap and --dry-run in --help', async () => {
    const help = await cli(['keys:rewrap', '--help'], {});
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/KEY_ENCRYPTION_KEY_PREVIOUS/);
    expect(help.output).toMatch(/--dry-run +report what would be re-sealed and write nothing/);
  });
});
