import { RepeatSuppressor } from './repeat-suppressor.js';

describe('RepeatSuppressor', () => {
  let now = 0;
  const suppressor = () => new RepeatSuppressor(2000, () => now);

  beforeEach(() => {
    now = 10_000;
  });

  it('lets a code held in front of the camera through once, however many frames show it', () => {
    const repeat = suppressor();
    const accepted = [];
    for (let frame = 0; frame < 30; frame++, now += 66) accepted.push(repeat.accept('CP1:PASS-A'));
    expect(accepted.filter(Boolean)).toHaveLength(1);
    expect(accepted[0]).toBe(true);
  });

  it('holds the code for holdMs after it was last seen, then accepts it again', () => {
    const repeat = suppressor();
    expect(repeat.accept('CP1:PASS-A')).toBe(true);
    now += 1500;
    expect(repeat.accept('CP1:PASS-A')).toBe(false); // still in view: the hold restarts from here
    now += 1999;
    expect(repeat.accept('CP1:PASS-A')).toBe(false);
    now += 2001;
    expect(repeat.accept('CP1:PASS-A')).toBe(true);
  });

  it('lets a different code through at once', () => {
    const repeat = suppressor();
    expect(repeat.accept('CP1:PASS-A')).toBe(true);
    now += 10;
    expect(repeat.accept('CP1:PASS-B')).toBe(true);
    expect(repeat.accept('CP1:PASS-A')).toBe(false);
  });

  it('forgets codes out of sight for longer than the hold, so memory stays bounded', () => {
    const repeat = suppressor();
    for (let i = 0; i < 100; i++) repeat.accept(`code-${i}`);
    now += 2001;
    repeat.accept('another');
    expect(repeat.heldCount).toBe(1);
  });

  it('uses the time it is given (the monotonic capture time), not the wall clock', () => {
    const repeat = new RepeatSuppressor(1000, () => {
      throw new Error('clock must not be read when a time is given');
    });
    expect(repeat.accept('x', 5)).toBe(true);
    expect(repeat.accept('x', 900)).toBe(false);
    expect(repeat.accept('x', 2000)).toBe(true);
  });

  it('rejects a negative hold', () => {
    expect(() => new RepeatSuppressor(-1)).toThrow(/holdMs must be a number ≥ 0/);
  });
});
