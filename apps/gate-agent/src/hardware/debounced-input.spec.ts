import { describe, expect, it } from '@jest/globals';
import { DebouncedInput } from './debounced-input.js';

describe('DebouncedInput', () => {
  const run = (debounceMs: number, samples: [boolean, number][]) => {
    const activations: number[] = [];
    const input = new DebouncedInput(debounceMs, (at) => activations.push(at.getTime()));
    for (const [level, at] of samples) input.sample(level, at);
    return activations;
  };

  it('reports one activation once the active level held for the debounce time', () => {
    expect(
      run(50, [
        [false, 0],
        [true, 20],
        [true, 40],
        [true, 70],
        [true, 90],
        [false, 200],
      ]),
    ).toEqual([70]);
  });

  it('ignores bounces shorter than the debounce time', () => {
    expect(
      run(50, [
        [false, 0],
        [true, 20],
        [false, 40],
        [true, 60],
        [false, 80],
        [false, 300],
      ]),
    ).toEqual([]);
  });

  it('counts two passages separated by a stable release, and none for a contact closed at start-up', () => {
    const samples: [boolean, number][] = [
      [true, 0],
      [true, 100],
      [false, 120],
      [false, 200],
      [true, 220],
      [true, 280],
      [false, 300],
      [false, 400],
      [true, 420],
      [true, 480],
    ];
    expect(run(50, samples)).toEqual([280, 480]);
  });
});
