import fc from 'fast-check';
import { Backoff, backoffDelayMs, withJitter } from './backoff.js';

const settings = { minSeconds: 5, maxSeconds: 900, jitterPercent: 20 };

describe('backoff', () => {
  it('doubles from minSeconds and stops at maxSeconds (no jitter)', () => {
    const exact = { ...settings, jitterPercent: 0 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map((failures) => backoffDelayMs(failures, exact) / 1000)).toEqual([
      5, 10, 20, 40, 80, 160, 320, 640, 900, 900,
    ]);
  });

  it('stays within ± jitterPercent of the capped delay for any failure count, jitter and random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failures, minSeconds, extra, jitterPercent, random) => {
          const maxSeconds = minSeconds + extra;
          const delay = backoffDelayMs(failures, { minSeconds, maxSeconds, jitterPercent }, () => random);
          const base = Math.min(maxSeconds, minSeconds * 2 ** Math.min(failures - 1, 30)) * 1000;
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * (1 - jitterPercent / 100)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(base * (1 + jitterPercent / 100)));
          expect(delay).toBeLessThanOrEqual(Math.ceil(maxSeconds * 1000 * (1 + jitterPercent / 100)));
        },
      ),
    );
  });

  it('spreads delays over the whole jitter range (lowest and highest random values)', () => {
    expect(withJitter(10_000, 20, () => 0)).toBe(8000);
    expect(withJitter(10_000, 20, () => 0.999_999)).toBe(12_000);
    expect(withJitter(10_000, 0, () => 0.7)).toBe(10_000);
    const samples = Array.from({ length: 2000 }, () => withJitter(10_000, 20));
    expect(Math.min(...samples)).toBeLessThan(8400);
    expect(Math.max(...samples)).toBeGreaterThan(11_600);
  });

  it('counts consecutive failures and starts over after a success', () => {
    const backoff = new Backoff({ ...settings, jitterPercent: 0 });
    expect([backoff.fail(), backoff.fail(), backoff.fail()]).toEqual([5000, 10_000, 20_000]);
    expect(backoff.failures).toBe(3);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.fail()).toBe(5000);
  });
});
