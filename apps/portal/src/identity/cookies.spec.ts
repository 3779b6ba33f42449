import { readCookie } from './cookies.js';

describe('readCookie', () => {
  const request = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } });

  it('finds a cookie among others and decodes it', () => {
    expect(readCookie(request('a=1; cp_session=abc%2Ddef; b=2'), 'cp_session')).toBe('abc-def');
  });

  it('is undefined when the header or the cookie is missing', () => {
    expect(readCookie(request(), 'cp_session')).toBeUndefined();
    expect(readCookie(request('cp_sessionx=1; x=cp_session'), 'cp_session')).toBeUndefined();
  });

  it('ignores a value that is not valid percent-encoding', () => {
    expect(readCookie(request('cp_session=%E0%A4%A'), 'cp_session')).toBeUndefined();
  });
});
