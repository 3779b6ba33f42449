import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { dataSourceOptions } from '../core/database/data-source-options.js';
import { AdminModule } from './admin.module.js';
import { AuditService } from './audit.service.js';

describe('AuditService (PostgreSQL)', () => {
  let database: TestDatabase;
  let app: INestApplicationContext;
  let audit: AuditService;

  beforeAll(async () => {
    database = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot(dataSourceOptions(database.url)), AdminModule],
    }).compile();
    app = await moduleRef.init();
    audit = app.get(AuditService);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('appends an event and lists it newest first', async () => {
    const first = await audit.record({
      actorType: 'staff',
      actorId: 's-1',
      action: 'staff.sign-in',
      outcome: 'success',
      ip: '203.0.113.7',
    });
    await audit.record({
      actorType: 'staff',
      actorId: 's-1',
      action: 'ecard.revoke',
      targetType: 'ecard',
      targetId: '42',
      outcome: 'success',
    });
    expect(first.id).toMatch(/^\d+$/);

    const events = await audit.list({ actorId: 's-1' });
    expect(events.map((event) => event.action)).toEqual(['ecard.revoke', 'staff.sign-in']);
    expect(events[1]).toMatchObject({ ip: '203.0.113.7', outcome: 'success', targetId: null });
    expect(events[1].occurredAt).toBeInstanceOf(Date);
  });

  it('masks secrets in the details before they reach the table', async () => {
    await audit.record({
      actorType: 'system',
      action: 'mail.test',
      outcome: 'failure',
      details: { password: 'hunter2', smtp: 'smtp://u:pw@mail' },
    });
    const raw = await app.get(DataSource).query(`SELECT details::text AS details FROM audit_event WHERE action = 'mail.test'`);
    expect(raw[0].details).not.toMatch(/hunter2|:pw@/);
  });

  it('refuses an outcome the table does not allow', async () => {
    await expect(audit.record({ actorType: 'staff', action: 'x', outcome: 'maybe' as 'success' })).rejects.toThrow(
      /audit_event_outcome_check|check constraint/,
    );
  });

  it('filters by action and time', async () => {
    const events = await audit.list({ action: 'staff.sign-in', from: new Date(Date.now() - 60_000) });
    expect(events).toHaveLength(1);
    expect(await audit.list({ action: 'staff.sign-in', to: new Date(Date.now() - 60_000) })).toHaveLength(0);
  });
});
