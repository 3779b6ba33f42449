import { maskEmail, maskEmailsIn } from './mask-email.js';

describe('maskEmail', () => {
  it('keeps the first character of the local part and the domain', () => {
    expect(maskEmail('chan.tai.man@example.com')).toBe('c***@example.com');
  });

  it('hides a one-character local part entirely', () => {
    expect(maskEmail('a@example.com')).toBe('***@example.com');
  });

  it('hides something that is not an address', () => {
    expect(maskEmail('not-an-address')).toBe('***');
  });
});

describe('maskEmailsIn', () => {
  it('masks every address in an SMTP answer', () => {
    expect(maskEmailsIn('550 5.1.1 <chan.tai.man@example.com>: Recipient address rejected; also bob@x.org')).toBe(
      '550 5.1.1 <c***@example.com>: Recipient address rejected; also b***@x.org',
    );
  });

  it('leaves text without addresses alone', () => {
    expect(maskEmailsIn('connect ECONNREFUSED 127.0.0.1:2525')).toBe('connect ECONNREFUSED 127.0.0.1:2525');
  });
});
