import { encodeCursor, nameWords, parseEntrySearch } from './security.service.js';

describe('parseEntrySearch', () => {
  it('takes every filter, normalising case, with 50 entries by default', () => {
    const cursor = encodeCursor({
      occurredAt: '2026-01-10T02:00:00.123456Z',
      gateId: '0b6f4a8e-1111-4222-8333-444455556666',
      eventId: '7c1f4a8e-1111-4222-8333-444455556666',
    });
    expect(
      parseEntrySearch({
        q: '  Chan  ',
        passId: 'ABCDEF0123456789ABCDEF0123456789',
        gateId: '0B6F4A8E-1111-4222-8333-444455556666',
        decision: 'denied',
        from: '2026-01-10T08:00:00+08:00',
        to: '2026-01-11T00:00:00Z',
        cursor,
      }),
    ).toEqual({
      q: 'Chan',
      nameWords: ['chan'],
      passId: 'abcdef0123456789abcdef0123456789',
      gateId: '0b6f4a8e-1111-4222-8333-444455556666',
      decision: 'denied',
      from: new Date('2026-01-10T00:00:00Z'),
      to: new Date('2026-01-11T00:00:00Z'),
      after: {
        occurredAt: '2026-01-10T02:00:00.123456Z',
        gateId: '0b6f4a8e-1111-4222-8333-444455556666',
        eventId: '7c1f4a8e-1111-4222-8333-444455556666',
      },
      limit: 50,
    });
    expect(parseEntrySearch({ limit: '200' }).limit).toBe(200);
  });

  it.each([
    [{ passId: 'abc' }, /passId must be the 32 hexadecimal digits/],
    [{ gateId: 'north' }, /gateId must be a gate id/],
    [{ decision: 'GRANTED' }, /decision must be granted or denied/],
    [{ from: '2026-01-10' }, /from must be a date and time in ISO 8601 with a time zone/],
    [{ to: '2026-02-30T00:00:00Z' }, /to must be/],
    [{ from: '2026-01-12T00:00:00Z', to: '2026-01-11T00:00:00Z' }, /from must not be later than to/],
    [{ limit: '201' }, /limit must be a whole number from 1 to 200/],
    [{ limit: '1.5' }, /limit must be a whole number/],
    [{ cursor: 'garbage' }, /cursor is not one this search gave out/],
    [{ q: ' a ' }, /q must be 3 to 100 characters/],
    [{ q: 'ab' }, /q must be 3 to 100 characters/],
    [{ gate: 'x' }, /Unknown parameter gate/],
    [{ decision: ['granted', 'denied'] }, /decision must be given once/],
  ])('refuses %j', (query, message) => {
    expect(() => parseEntrySearch(query as never)).toThrow(message);
  });
});

describe('nameWords', () => {
  it('keeps the words when one is long enough for the trigram index, else runs them together', () => {
    expect(nameWords('  TAI  Man Chan ')).toEqual(['tai', 'man', 'chan']);
    expect(nameWords('ho ka chun')).toEqual(['ho', 'ka', 'chun']);
    expect(nameWords('li an')).toEqual(['lian']);
    expect(nameWords('a b')).toEqual([]);
    expect(nameWords('陳大文')).toEqual(['陳大文']);
  });
});
