import { campusDayToIsoDate } from '@campuspass/pass-token';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from '../admin/audit-event.entity.js';
import { AuditRepository } from '../admin/audit.repository.js';
import { AuditService } from '../admin/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { KeysService, type KeyView } from './keys.service.js';
import { SigningKeyRepository } from './signing-key.repository.js';

export interface KeysCommandIo {
  write(text: string): void;
}

function keysService(dataSource: DataSource, config: AppConfig): KeysService {
  return new KeysService(
    config,
    new SigningKeyRepository(dataSource),
    new AuditService(new AuditRepository(dataSource.getRepository(AuditEventEntity))),
  );
}

const day = (value: number | null) => (value === null ? '-' : campusDayToIsoDate(value));
const time = (value: Date | null) => (value === null ? '-' : value.toISOString().slice(0, 16).replace('T', ' '));

function describe(key: KeyView): string {
  return [
    key.purpose.padEnd(6),
    key.kid,
    key.status.padEnd(7),
    `from ${day(key.notBeforeDay)}`,
    `to ${day(key.notAfterDay)}`,
    `last signed for ${day(key.lastSignedDay)}`,
    `created ${time(key.createdAt)}`,
    `activated ${time(key.activatedAt)}`,
    `retired ${time(key.retiredAt)}`,
    key.id,
  ].join('  ');
}

/**
 * `npm run portal -- keys:rotate [--force]`: one rotation step, the same as the daily scheduled one. `--force`
 * promotes the next key at once instead of waiting until gates have had KEY_ROTATION_LEAD_DAYS to fetch it.
 */
export async function runKeysRotate(
  dataSource: DataSource,
  config: AppConfig,
  options: { force?: boolean },
  io: KeysCommandIo,
): Promise<void> {
  const result = await keysService(dataSource, config).rotate({
    now: new Date(),
    force: options.force === true,
    actor: { type: 'system', id: 'cli' },
  });
  if (result.changes.length === 0) {
    io.write('Nothing was due: the keys are as they should be. (Use --force to promote the next key now.)\n');
    return;
  }
  for (const change of result.changes) io.write(`${change.action.padEnd(9)} ${describe(change.key)}\n`);
  if (options.force && result.changes.some((change) => change.action === 'activated')) {
    io.write(
      'Forced: gates that have not fetched their bundle since the new active key was published refuse its passes until they sync.\n',
    );
  }
}

/** `npm run portal -- keys:list`: every key with its status and days; never any private material. */
export async function runKeysList(dataSource: DataSource, config: AppConfig, io: KeysCommandIo): Promise<void> {
  const keys = await keysService(dataSource, config).list();
  if (keys.length === 0) io.write('No signing keys yet: run keys:rotate (or start a worker) to create them.\n');
  for (const key of keys) io.write(`${describe(key)}\n`);
}
