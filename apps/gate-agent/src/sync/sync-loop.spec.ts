import { SyncLoop, type NextRun } from './sync-loop.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polled rather than a fixed sleep: on a busy machine timers run late, but in order. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await tick(5);
}

describe('SyncLoop', () => {
  it('runs at once, then after the delay the task chose; one run at a time', async () => {
    let runs = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const loop = new SyncLoop(async (): Promise<NextRun> => {
      runs++;
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await tick(5);
      concurrent--;
      return { delayMs: 20, wakeable: true };
    }, fail);
    loop.start();
    for (let index = 0; index < 5; index++) loop.wake();
    await until(() => runs >= 3);
    await loop.stop();
    const seen = runs;
    expect(seen).toBeGreaterThanOrEqual(3);
    expect(maxConcurrent).toBe(1);
    await tick(60);
    expect(runs).toBe(seen);
  });

  it('wakes from an idle wait, but not from a backoff wait', async () => {
    let runs = 0;
    let next: NextRun = { delayMs: 60_000, wakeable: true };
    const loop = new SyncLoop(() => {
      runs++;
      return Promise.resolve(next);
    }, fail);
    loop.start();
    await until(() => runs === 1);
    expect(runs).toBe(1);
    next = { delayMs: 60_000, wakeable: false };
    loop.wake();
    await until(() => runs === 2);
    expect(runs).toBe(2);
    loop.wake();
    await tick(10);
    expect(runs).toBe(2);
    await loop.stop();
  });

  it('reports a task that throws and goes on after the fallback delay', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const loop = new SyncLoop(
      () => {
        runs++;
        return Promise.reject(new Error('boom'));
      },
      (error) => errors.push(error),
      15,
    );
    loop.start();
    await until(() => runs >= 2);
    await loop.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toEqual(new Error('boom'));
  });
});

function fail(error: unknown): void {
  throw error;
}
