import { jest } from '@jest/globals';
import { UnrecoverableError, type Job } from 'bullmq';
import type { ModuleRef } from '@nestjs/core';
import type { JobQueue } from '../core/queue/job-queue.service.js';
import type { RedisConnections } from '../core/queue/redis-connections.js';
import { MAINTENANCE_JOBS, MaintenanceJob } from './key-rotation.job.js';
import type { KeysService, RotationResult } from './keys.service.js';

describe('MaintenanceJob', () => {
  const rotation: RotationResult = {
    changes: [
      {
        action: 'created',
        key: {
          id: 'k1',
          purpose: 'pass',
          kid: '0011223344556677',
          status: 'next',
          publicKey: '',
          notBeforeDay: 1,
          notAfterDay: null,
          lastSignedDay: null,
          createdAt: new Date(),
          activatedAt: null,
          retiredAt: null,
          revokedAt: null,
          revocationReason: null,
        },
      },
    ],
  };
  const rotate = jest.fn(async (_options: unknown) => rotation);
  const job = new MaintenanceJob(
    { rotate } as unknown as KeysService,
    {} as JobQueue,
    {} as RedisConnections,
    {
      get: () => {
        throw new Error('no WorkerHost');
      },
    } as unknown as ModuleRef,
  );

  it('runs a rotation step for a keys.rotate job and reports what changed', async () => {
    await expect(job.process({ name: MAINTENANCE_JOBS.rotateKeys, data: {} } as Job)).resolves.toEqual({
      changes: ['created pass 0011223344556677'],
    });
    expect(rotate).toHaveBeenCalledWith({ now: expect.any(Date) });
  });

  it('fails a job of an unknown name without retries', () => {
    expect(() => job.process({ name: 'sweep-everything', data: {} } as Job)).toThrow(UnrecoverableError);
  });

  it('schedules nothing in a process without workers', () => {
    job.onApplicationBootstrap();
    expect(rotate).toHaveBeenCalledTimes(1);
  });
});
