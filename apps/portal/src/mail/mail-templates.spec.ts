import {
  escapeHtml,
  GUEST_PASS_QR_CID,
  isMailTemplateData,
  MAIL_CONTACT_EMAIL,
  MAIL_LOCALES,
  MAIL_TEMPLATE_NAMES,
  renderMail,
  type MailLocale,
  type MailTemplateData,
  type MailTemplateName,
} from './mail-templates.js';

const SAMPLE: { [T in MailTemplateName]: MailTemplateData[T] } = {
  'sign-in-code': { code: '482913', minutes: 10 },
  'email-verification-code': { code: '093117', minutes: 10 },
  'staff-sign-in-code': { code: '775201', minutes: 5 },
  'email-registered': { email: 'chan.tai.man@example.com' },
  'email-changed': { newEmail: 'c***@example.net' },
  'social-link-code': { code: '640218', minutes: 10, provider: 'Google' },
  'social-linked': { provider: 'Microsoft' },
  'social-unlinked': { provider: 'Apple' },
  'netid-registered': { netId: 'chan.tai-man', displayName: 'Chan Tai-Man', emailAlias: 'chan.tai-man@connect.polyu.hk' },
  'photo-rejected': { reason: 'The photo is blurred <b>too much</b>' },
  'ecard-revoked': { reason: 'Not a graduate & record withdrawn' },
  'guest-pass': {
    guestName: 'Chan <Tai> Man',
    date: 'Friday, 27 November 2026',
    purpose: 'Visit',
    link: 'https://alumni.example.edu/g/abc_DEF-123',
    qrText: 'CP1:6BFOXN*TS0BI',
  },
};

const CODE_TEMPLATES = ['sign-in-code', 'email-verification-code', 'staff-sign-in-code', 'social-link-code'] as const;

const render = (template: MailTemplateName, locale: MailLocale) => renderMail(template, locale, SAMPLE[template] as never);

const cases = MAIL_TEMPLATE_NAMES.flatMap((template) => MAIL_LOCALES.map((locale) => [template, locale] as const));

describe('mail templates', () => {
  it('covers the templates the portal sends', () => {
    expect([...MAIL_TEMPLATE_NAMES].sort()).toEqual([
      'ecard-revoked',
      'email-changed',
      'email-registered',
      'email-verification-code',
      'guest-pass',
      'netid-registered',
      'photo-rejected',
      'sign-in-code',
      'social-link-code',
      'social-linked',
      'social-unlinked',
      'staff-sign-in-code',
    ]);
  });

  it.each(cases)('%s (%s) has a subject, a text body and an HTML body', (template, locale) => {
    const mail = render(template, locale);
    expect(mail.subject.trim()).not.toBe('');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text.trim().length).toBeGreaterThan(40);
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.html).toContain(`<html lang="${locale}">`);
    expect(mail.html).toContain(`<title>${escapeHtml(mail.subject)}</title>`);
    // Contact in both bodies (FAQ: the Alumni Affairs Office at alumni@polyu.edu.hk).
    expect(mail.text).toContain(MAIL_CONTACT_EMAIL);
    expect(mail.html).toContain(MAIL_CONTACT_EMAIL);
  });

  it.each(cases)('%s (%s) loads nothing remote and styles inline only', (template, locale) => {
    // The guest pass's only image is its attached QR code (cid:) and its only URL the guest link.
    const html = render(template, locale)
      .html.replace(`<a href="${SAMPLE['guest-pass'].link}"`, '<a')
      .replace(/<img src="cid:[^"]+"/, '');
    expect(html).not.toMatch(/<img|<link|<script|<style|url\(|https?:\/\//i);
    expect(html).toMatch(/<table role="presentation"/);
  });

  it('writes English in English and Traditional Chinese in Chinese', () => {
    for (const template of MAIL_TEMPLATE_NAMES) {
      const en = render(template, 'en');
      const zh = render(template, 'zh-Hant');
      expect(en.subject).not.toEqual(zh.subject);
      expect(en.text).not.toMatch(/[\u4e00-\u9fff]/);
      expect(zh.subject).toMatch(/[\u4e00-\u9fff]/);
      expect(zh.text).toContain('校友事務處');
    }
  });

  describe.each(CODE_TEMPLATES)('%s', (template) => {
    it.each(MAIL_LOCALES)('shows the code and its lifetime, and mentions the spam folder (%s)', (locale) => {
      const { code, minutes } = SAMPLE[template];
      const mail = renderMail(template, locale, SAMPLE[template] as never);
      expect(mail.text).toMatch(new RegExp(`^    ${code}$`, 'm'));
      expect(mail.text.match(/\b\d{6}\b/g)).toEqual([code]);
      expect(mail.html).toContain(`>${code}</p>`);
      expect(mail.text).toContain(String(minutes));
      expect(mail.text).toMatch(locale === 'en' ? /spam or junk folder/ : /垃圾郵件匣/);
      expect(mail.html).toMatch(locale === 'en' ? /spam or junk folder/ : /垃圾郵件匣/);
      // The subject may be shown on a lock screen or logged by a relay: it never carries the code.
      expect(mail.subject).not.toContain(code);
    });
  });

  it.each(MAIL_LOCALES)('social-link-code names the provider and warns not to share the code (%s)', (locale) => {
    const mail = renderMail('social-link-code', locale, { code: '640218', minutes: 10, provider: 'Google' });
    expect(mail.subject).toContain('Google');
    expect(mail.text).toContain('Google');
    expect(mail.html).toContain('Google');
    expect(mail.text).toContain(
      locale === 'en' ? 'If you did not ask to link this account, do not share the code' : '如你沒有要求連結此帳戶，請勿透露驗證碼',
    );
    // Not the sign-in mail: a code for linking must never read like an ordinary sign-in code.
    expect(mail.subject).not.toBe(renderMail('sign-in-code', locale, { code: '640218', minutes: 10 }).subject);
  });

  it.each(MAIL_LOCALES)('social-linked and social-unlinked name the provider (%s)', (locale) => {
    const linked = renderMail('social-linked', locale, { provider: 'Microsoft' });
    expect(linked.subject).toContain('Microsoft');
    expect(linked.text).toContain(locale === 'en' ? 'New account linked' : '已連結新帳戶');
    const unlinked = renderMail('social-unlinked', locale, { provider: 'WeChat' });
    expect(unlinked.subject).toContain('WeChat');
    expect(unlinked.text).toContain('WeChat');
  });

  it('says "1 minute", not "1 minutes"', () => {
    expect(renderMail('sign-in-code', 'en', { code: '000001', minutes: 1 }).text).toContain('expires in 1 minute.');
  });

  it('shows the registered address in both languages', () => {
    for (const locale of MAIL_LOCALES) {
      const mail = renderMail('email-registered', locale, { email: 'chan.tai.man@example.com' });
      expect(mail.text).toContain('chan.tai.man@example.com');
      expect(mail.html).toContain('chan.tai.man@example.com');
    }
  });

  it.each(MAIL_LOCALES)('escapes every value in the HTML body (%s)', (locale) => {
    const hostile = `"><script>alert('x')</script>&<img src=x onerror=alert(1)>@example.com`;
    const registered = renderMail('email-registered', locale, { email: hostile });
    expect(registered.html).not.toContain('<script');
    expect(registered.html).not.toContain('<img');
    expect(registered.html).toContain('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(1)&gt;');
    // The text body is plain text: the value as given.
    expect(registered.text).toContain(hostile);

    const coded = renderMail('sign-in-code', locale, { code: '<b>1</b>', minutes: 10 });
    expect(coded.html).toContain('&lt;b&gt;1&lt;/b&gt;');
    expect(coded.html).not.toContain('<b>');
  });

  it.each(['photo-rejected', 'ecard-revoked'] as const)('%s quotes the AAO reason in both languages, escaped in HTML', (template) => {
    for (const locale of MAIL_LOCALES) {
      const mail = renderMail(template, locale, { reason: 'Blurred <b>face</b> & "dark"' });
      expect(mail.text).toContain('Blurred <b>face</b> & "dark"');
      expect(mail.html).toContain('Blurred &lt;b&gt;face&lt;/b&gt; &amp; &quot;dark&quot;');
      expect(mail.html).not.toContain('<b>face');
      expect(mail.text).toMatch(locale === 'en' ? /Alumni eCard/ : /校友電子證/);
    }
  });

  it('guest-pass shows the guest, the date in words, the inline QR (by Content-ID) and the link, in both languages', () => {
    for (const locale of MAIL_LOCALES) {
      const mail = render('guest-pass', locale);
      expect(mail.inlineQr).toEqual({ cid: GUEST_PASS_QR_CID, qrText: SAMPLE['guest-pass'].qrText });
      expect(mail.html).toContain(`<img src="cid:${GUEST_PASS_QR_CID}"`);
      expect(mail.html).toContain('href="https://alumni.example.edu/g/abc_DEF-123"');
      expect(mail.html).toContain('Chan &lt;Tai&gt; Man');
      expect(mail.html).not.toContain('<Tai>');
      expect(mail.text).toContain('Chan <Tai> Man');
      expect(mail.text).toContain('https://alumni.example.edu/g/abc_DEF-123');
      expect(mail.subject).toContain('Friday, 27 November 2026');
      expect(mail.text).toMatch(locale === 'en' ? /turnstile/ : /閘機/);
    }
    expect(render('sign-in-code', 'en').inlineQr).toBeUndefined();
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('checks template data at run time (data that comes back from Redis)', () => {
    expect(isMailTemplateData('sign-in-code', { code: '123456', minutes: 10 })).toBe(true);
    expect(isMailTemplateData('sign-in-code', { code: '123456' })).toBe(false);
    expect(isMailTemplateData('sign-in-code', { code: 123456, minutes: 10 })).toBe(false);
    expect(isMailTemplateData('sign-in-code', { code: '123456', minutes: Number.NaN })).toBe(false);
    expect(isMailTemplateData('email-registered', { email: 'a@example.com' })).toBe(true);
    expect(isMailTemplateData('email-registered', null)).toBe(false);
  });

  it('type-checks the data of each template (compile-time; `npm run typecheck` enforces this)', () => {
    const compileOnly = () => {
      renderMail('sign-in-code', 'en', { code: '123456', minutes: 10 });
      // @ts-expect-error a code template needs minutes
      renderMail('sign-in-code', 'en', { code: '123456' });
      // @ts-expect-error email-registered takes an email, not a code
      renderMail('email-registered', 'en', { code: '123456', minutes: 10 });
      // @ts-expect-error minutes is a number
      renderMail('staff-sign-in-code', 'zh-Hant', { code: '123456', minutes: '10' });
      // @ts-expect-error unknown template
      renderMail('password-reset', 'en', {});
      // @ts-expect-error unknown locale
      renderMail('sign-in-code', 'fr', { code: '123456', minutes: 10 });
    };
    expect(typeof compileOnly).toBe('function');
  });
});
