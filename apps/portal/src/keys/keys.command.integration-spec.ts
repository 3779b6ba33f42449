import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { loadAppConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { runKeysList, runKeysRotate } from './keys.command.js';

describe('keys:rotate and keys:list (PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const config = loadAppConfig({ KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  const output = async (run: (io: { write(text: string): void }) => Promise<void>) => {
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
});
