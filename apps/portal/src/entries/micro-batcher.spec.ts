import { MicroBatcher, type BatchSettler } from './micro-batcher.js';

describe('MicroBatcher', () => {
  it('coalesces items submitted together into one batch and gives each its own outcome', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number, string>({ maxBatch: 10, maxWaitMs: 5, maxInFlight: 1 }, async (items, settle) => {
      batches.push([...items]);
      items.forEach((item, index) => (item % 2 ? settle.reject(index, new Error(`odd ${item}`)) : settle.resolve(index, `even ${item}`)));
    });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((item) => batcher.submit(item)));
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: new Error('odd 1') },
      { status: 'fulfilled', value: 'even 2' },
      { status: 'rejected', reason: new Error('odd 3') },
      { status: 'fulfilled', value: 'even 4' },
    ]);
  });

  it('sends a full batch at once and gathers the rest while the write slots are busy', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const batcher = new MicroBatcher<number, number>({ maxBatch: 3, maxWaitMs: 1, maxInFlight: 1 }, async (items, settle) => {
      batches.push([...items]);
      if (batches.length === 1) await blocked;
      items.forEach((item, index) => settle.resolve(index, item * 10));
    });
    const first = [1, 2, 3].map((item) => batcher.submit(item));
    expect(batches).toEqual([[1, 2, 3]]);
    const rest = [4, 5, 6, 7].map((item) => batcher.submit(item));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toHaveLength(1);
    expect(batcher.waiting).toBe(4);
    release();
    expect(await Promise.all([...first, ...rest])).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('fails every item the writer left unsettled with its error, keeping the outcomes it gave', async () => {
    const batcher = new MicroBatcher<string, string>(
      { maxBatch: 5, maxWaitMs: 1, maxInFlight: 2 },
      async (_items, settle: BatchSettler<string>) => {
        settle.resolve(0, 'done');
        throw new Error('database unavailable');
      },
    );
    const outcomes = await Promise.allSettled(['a', 'b'].map((item) => batcher.submit(item)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'done' },
      { status: 'rejected', reason: new Error('database unavailable') },
    ]);
  });
});
