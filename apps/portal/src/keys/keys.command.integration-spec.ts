import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { PassThrough } from 'node:stream';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { runToExit } from '../../../../test/support/portal-process.js';
import { loadAppConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { confirmOnTerminal, runKeysList, runKeysRevoke, runKeysRotate } from './keys.command.js';

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
