import { COMMON_PASSWORDS, netPasswordProblem } from './common-passwords.js';

describe('NetPassword policy', () => {
  it('accepts any 8+ characters that are not common: no composition rules', () => {
    expect(netPasswordProblem('correct horse battery staple')).toBeNull();
    expect(netPasswordProblem('alllowercaseletters')).toBeNull();
    expect(netPasswordProblem('香港理工大學校友會館')).toBeNull();
  });

  it('counts characters, not bytes, and refuses fewer than 8 or more than 128', () => {
    expect(netPasswordProblem('1234567')).toBe('The NetPassword must be at least 8 characters long.');
    expect(netPasswordProblem('香港理工大學校友')).toBeNull();
    expect(netPasswordProblem('x'.repeat(129))).toBe('The NetPassword must be at most 128 characters long.');
  });

  it('refuses the most common passwords whatever their case', () => {
    for (const common of ['password', 'Password1', 'P@SSW0RD', '12345678', 'qwertyuiop', 'HongKong123']) {
      expect(netPasswordProblem(common)).toBe('This NetPassword is one of the most common passwords. Please choose another.');
    }
  });

  it('refuses the NetID or Display Name as the password', () => {
    expect(netPasswordProblem('Chan.Tai-Man', ['chan.tai-man'])).toBe(
      'The NetPassword must not be your NetID or Display Name. Please choose another.',
    );
  });

  it('holds only entries the length rule does not already refuse, all lower case', () => {
    for (const entry of COMMON_PASSWORDS) {
      expect(entry.length).toBeGreaterThanOrEqual(8);
      expect(entry).toBe(entry.toLowerCase());
    }
  });
});
