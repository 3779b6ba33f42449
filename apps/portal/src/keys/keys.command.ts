import { cliActorId } from '../core/cli-actor.js';
import { createInterface } from 'node:readline';
import { campusDayToIsoDate } from '@campuspass/pass-token';
import type { DataSource } from 'typeorm';
import { AuditEventEntity } from '../admin/audit-event.entity.js';
import { AuditRepository } from '../admin/audit.repository.js';
import { AuditService } from '../admin/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { KeysService, revocationReason, type KeyView } from './keys.service.js';
import { SigningKeyRepository } from './signing-key.repository.js';

export interface KeysCommandIo {
  write(text: string): void;
}

export interface KeysRevokeIo extends KeysCommandIo {
  /** Asks the operator; true only for an explicit yes. */
  confirm(question: string): Promise<boolean>;
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
    ...(key.revokedAt ? [`revoked ${time(key.revokedAt)} (${key.revocationReason ?? '-'})`] : []),
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
    actor: { type: 'system', id: cliActorId() },
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

/**
 * `npm run portal -- keys:revoke <kid> --reason "…" [--yes]`: revokes a compromised pass key at once (see
 * KeysService.revoke). Shows the key and asks before it acts, unless `--yes`. Refuses the bundle key, an unknown
 * kid, a revoked key and a missing reason before asking. Returns the exit code: 0 revoked, 1 not revoked.
 */
export async function runKeysRevoke(
  dataSource: DataSource,
  config: AppConfig,
  kid: string,
  options: { reason?: string; yes?: boolean },
  io: KeysRevokeIo,
): Promise<number> {
  const keys = keysService(dataSource, config);
  const reason = revocationReason(options.reason);
  const key = await keys.revocableByKid(kid);
  io.write(`${describe(key)}\n`);
  const consequence =
    key.status === 'active'
      ? 'It is the ACTIVE pass key: the next key takes over signing at once and a new next key is made.'
      : key.status === 'next'
        ? 'It is the next pass key: it is withdrawn and a new next key is made.'
        : 'It is a retired pass key: passes it signed for today or later stop working at gates until their holders show them again.';
  io.write(
    `Revoking pass key ${key.kid} (reason: ${reason}). ${consequence} Every gate stops trusting it at its next bundle fetch, even for the days it signed; holders get a code signed anew when they next open their pass.\n`,
  );
  if (!options.yes && !(await io.confirm(`Revoke pass key ${key.kid}? Type "yes" to revoke: `))) {
    io.write('Not revoked: nothing was changed.\n');
    return 1;
  }
  const result = await keys.revoke(key.id, { now: new Date(), reason, actor: { type: 'system', id: cliActorId() } });
  for (const change of result.changes) io.write(`${change.action.padEnd(9)} ${describe(change.key)}\n`);
  io.write(
    'Revoked. Gates drop the key at their next bundle fetch (the bundle version was bumped): check the bundle version of every gate on /admin/gates. Follow deploy/runbooks/key-rotation.md, "A pass key is compromised".\n',
  );
  return 0;
}

/**
 * `npm run portal -- keys:rewrap [--dry-run]`: re-seals under KEY_ENCRYPTION_KEY every signing key still sealed under
 * KEY_ENCRYPTION_KEY_PREVIOUS, in one transaction (see KeysService.rewrap). Keys already under KEY_ENCRYPTION_KEY are
 * left alone, so running it again changes nothing. A key that opens under neither key changes nothing at all and
 * throws (the CLI exits 1, naming the kid). `--dry-run` reports what it would do and writes nothing.
 */
export async function runKeysRewrap(
  dataSource: DataSource,
  config: AppConfig,
  options: { dryRun?: boolean },
  io: KeysCommandIo,
): Promise<void> {
  const result = await keysService(dataSource, config).rewrap({
    dryRun: options.dryRun === true,
    actor: { type: 'system', id: cliActorId() },
  });
  const verb = result.dryRun ? 'would re-seal' : 'resealed';
  for (const key of result.resealed) io.write(`${verb.padEnd(13)} ${describe(key)}\n`);
  for (const key of result.alreadyCurrent) io.write(`${'current'.padEnd(13)} ${describe(key)}\n`);
  const counts = `${result.resealed.length} key(s) ${result.dryRun ? 'to re-seal' : 're-sealed'} under KEY_ENCRYPTION_KEY, ${result.alreadyCurrent.length} already current.`;
  if (result.dryRun) {
    io.write(`Dry run: ${counts} Nothing was written.\n`);
    return;
  }
  io.write(`${counts}\n`);
  io.write(
    config.keys.previousEncryptionKey
      ? 'Every signing key now opens with KEY_ENCRYPTION_KEY alone. Remove KEY_ENCRYPTION_KEY_PREVIOUS from every portal and worker and redeploy, then destroy the old key-encryption key (deploy/runbooks/key-rotation.md, "Rotating KEY_ENCRYPTION_KEY").\n'
      : 'Every signing key opens with KEY_ENCRYPTION_KEY.\n',
  );
}

/** Asks on stdin/stdout; true only for "y" or "yes". End of input (nothing typed, stdin closed) is a no. */
export function confirmOnTerminal(
  question: string,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
  return new Promise((resolve) => {
    const prompt = createInterface({ input, output, terminal: false });
    let answered = false;
    prompt.once('line', (line) => {
      answered = true;
      prompt.close();
      resolve(/^\s*y(es)?\s*$/i.test(line));
    });
    prompt.once('close', () => {
      if (!answered) resolve(false);
    });
    output.write(question);
  });
}
