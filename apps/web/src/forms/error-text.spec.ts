import { describe, expect, it } from '@jest/globals';
import { ApiError } from '../api/client.js';
import { createI18n } from '../i18n/i18n.js';
import { STAFF_SIGN_IN_ERROR_CODES, errorText, staffSignInErrorKey } from './error-text.js';

describe('errorText', () => {
  const en = createI18n('en');
  const zh = createI18n('zh-Hant');
  const wrong = new ApiError(400, 'code-wrong', 'That code is not right. You have 3 tries left.', { triesLeft: 3 });

  it("shows the portal's own words in English", () => {
    expect(errorText(en.t, 'en', wrong)).toBe('That code is not right. You have 3 tries left.');
  });

  it('translates known codes with the numbers the portal sent', () => {
    expect(errorText(zh.t, 'zh-Hant', wrong)).toBe('驗證碼不正確。你還可以再試 3 次。');
    expect(errorText(zh.t, 'zh-Hant', new ApiError(429, 'rate-limited', 'Too many.', {}, 42))).toBe('嘗試次數太多，請等候 42 秒後再試。');
    expect(errorText(zh.t, 'zh-Hant', new ApiError(429, 'rate-limited', 'Too many.', {}, 900))).toBe(
      '嘗試次數太多，請等候 15 分鐘後再試。',
    );
    expect(errorText(zh.t, 'zh-Hant', new ApiError(400, 'identity-not-matched', 'The information you entered is not correct'))).toBe(
      '你輸入的資料不正確',
    );
  });

  it('has its own words for network failures and unknown errors', () => {
    expect(errorText(en.t, 'en', new ApiError(0, 'network', 'x'))).toBe('Cannot reach the portal. Check your connection and try again.');
    expect(errorText(en.t, 'en', new Error('boom'))).toBe('Something went wrong. Please try again.');
  });

  it('translates the sign-in email change codes', () => {
    expect(errorText(zh.t, 'zh-Hant', new ApiError(403, 'reauthentication-required', 'For your security…'))).toBe(
      '為保障你的帳戶安全，更改登入電郵前請先確認身分。',
    );
    expect(errorText(zh.t, 'zh-Hant', new ApiError(400, 'email-unchanged', 'This is already…'))).toBe(
      '這已是你的登入電郵。請輸入另一個電郵地址。',
    );
    expect(errorText(zh.t, 'zh-Hant', new ApiError(409, 'email-taken', 'Taken.'))).toContain('這個電郵地址');
  });

  it('has words in both languages for every staff sign-in ?error= code', () => {
    for (const code of STAFF_SIGN_IN_ERROR_CODES) {
      const key = staffSignInErrorKey(code);
      expect(key).toBe(`errors.${code}`);
      expect(en.exists(key!)).toBe(true);
      expect(zh.exists(key!)).toBe(true);
      // An API answer with the code is translated too (the password flow can answer staff-sign-in-method-off).
      expect(errorText(zh.t, 'zh-Hant', new ApiError(403, code, 'English words'))).toBe(zh.t(key!));
    }
    expect(staffSignInErrorKey('made-up')).toBe('errors.staff-sign-in-failed');
    expect(staffSignInErrorKey(null)).toBeUndefined();
  });
});
