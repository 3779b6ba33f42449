/**
 * The portal's emails, in English and Traditional Chinese. Every template is plain copy (no markup): the
 * layout below turns it into a text body and an inline-styled HTML body, escaping every value, so no
 * template can inject HTML and both bodies always say the same thing.
 */

export const MAIL_LOCALES = ['en', 'zh-Hant'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** The data each template needs. Adding a template here makes the compiler ask for its copy and fields. */
export interface MailTemplateData {
  /** One-time password to sign in with email (FAQ 3). */
  'sign-in-code': { code: string; minutes: number };
  /** Code that confirms an email address being registered or changed, or a social account being linked. */
  'email-verification-code': { code: string; minutes: number };
  /** One-time code of a staff sign-in (AAO admin, security, auditor). */
  'staff-sign-in-code': { code: string; minutes: number };
  /** Notice that an email address is now registered for sign-in. */
  'email-registered': { email: string };
  /** Notice to the previous address that the sign-in email was changed (the new one shown masked). */
  'email-changed': { newEmail: string };
  /** Code that links a social sign-in account (Google, Microsoft, Apple, WeChat) to the Alumni Portal account. */
  'social-link-code': { code: string; minutes: number; provider: string };
  /** Notice that a social sign-in account was linked to the Alumni Portal account. */
  'social-linked': { provider: string };
  /** Notice that a social sign-in account was removed from the Alumni Portal account. */
  'social-unlinked': { provider: string };
  /** "Completion of NetID Registration" (FAQ 13: alumni search their mail for this subject to find their NetID). */
  'netid-registered': { netId: string; displayName: string; emailAlias: string };
  /** The AAO rejected the eCard photo; the alumnus can upload another (issue 4 item 2). */
  'photo-rejected': { reason: string };
  /** The AAO revoked the eCard. */
  'ecard-revoked': { reason: string };
  /** A guest's campus access pass, shared by the inviting alumnus (FAQ 21): QR inline (CID image) and the link. */
  'guest-pass': { guestName: string; date: string; purpose: string; link: string; qrText: string };
}

export type MailTemplateName = keyof MailTemplateData;

/** Run-time shape of each template's data, for data that comes back from Redis or a JavaScript caller. */
export const MAIL_TEMPLATE_FIELDS: {
  readonly [T in MailTemplateName]: { readonly [F in keyof MailTemplateData[T]]-?: 'string' | 'number' };
} = {
  'sign-in-code': { code: 'string', minutes: 'number' },
  'email-verification-code': { code: 'string', minutes: 'number' },
  'staff-sign-in-code': { code: 'string', minutes: 'number' },
  'email-registered': { email: 'string' },
  'email-changed': { newEmail: 'string' },
  'social-link-code': { code: 'string', minutes: 'number', provider: 'string' },
  'social-linked': { provider: 'string' },
  'social-unlinked': { provider: 'string' },
  'netid-registered': { netId: 'string', displayName: 'string', emailAlias: 'string' },
  'photo-rejected': { reason: 'string' },
  'ecard-revoked': { reason: 'string' },
  'guest-pass': { guestName: 'string', date: 'string', purpose: 'string', link: 'string', qrText: 'string' },
};

export const MAIL_TEMPLATE_NAMES = Object.keys(MAIL_TEMPLATE_FIELDS) as MailTemplateName[];

export function isMailTemplateName(value: unknown): value is MailTemplateName {
  return typeof value === 'string' && Object.hasOwn(MAIL_TEMPLATE_FIELDS, value);
}

export function isMailLocale(value: unknown): value is MailLocale {
  return (MAIL_LOCALES as readonly unknown[]).includes(value);
}

/** True when `data` has every field the template needs, of the right type. */
export function isMailTemplateData<T extends MailTemplateName>(template: T, data: unknown): data is MailTemplateData[T] {
  if (typeof data !== 'object' || data === null) return false;
  const fields = Object.entries(MAIL_TEMPLATE_FIELDS[template]) as Array<[string, 'string' | 'number']>;
  return fields.every(([field, type]) => {
    const value = (data as Record<string, unknown>)[field];
    return type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
  });
}

export interface RenderedMail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** A QR code the HTML shows inline as `cid:<cid>`: the sender attaches it as a PNG with that Content-ID. */
  readonly inlineQr?: { readonly cid: string; readonly qrText: string };
}

/** Content-ID of the inline QR image of a guest-pass email. */
export const GUEST_PASS_QR_CID = 'guest-pass-qr@campuspass';

/** Whom people write to when something does not work (FAQ 6 and 25). */
export const MAIL_CONTACT_EMAIL = 'alumni@polyu.edu.hk';

/** What a template says, as plain text; the layout renders it. */
interface MailCopy {
  readonly subject: string;
  readonly heading: string;
  /** Paragraphs before the code (or the whole message when there is no code). */
  readonly lead: readonly string[];
  /** The one-time code, shown large on a line of its own. */
  readonly code?: string;
  /** Paragraphs after the code. */
  readonly notes: readonly string[];
  /** A QR code shown inline (HTML only) after the lead, with its alternative text. */
  readonly qr?: { readonly qrText: string; readonly alt: string };
  /** A link after the lead: a button in HTML, `label: url` in text. */
  readonly link?: { readonly url: string; readonly label: string };
}

/** Words shared by every message of one language. */
interface LocaleCommon {
  readonly brand: string;
  readonly contact: string;
  readonly footer: string;
  readonly codeLabel: string;
  readonly validity: (minutes: number) => string;
  readonly spam: string;
  readonly neverShare: string;
}

const COMMON: Record<MailLocale, LocaleCommon> = {
  en: {
    brand: 'CampusPass Alumni Portal',
    contact: `Need help? Contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL}.`,
    footer: 'This email was sent automatically by the CampusPass Alumni Portal.',
    codeLabel: 'Your code',
    validity: (minutes) => `The code works once and expires in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`,
    spam: 'Did this email land in your spam or junk folder? Mark it as not spam so your next code reaches your inbox. If a code does not arrive, check those folders first.',
    neverShare: 'Never share this code. The Alumni Affairs Office will never ask you for it.',
  },
  'zh-Hant': {
    brand: 'CampusPass 校友網站',
    contact: `需要協助？請電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`,
    footer: '此電郵由 CampusPass 校友網站自動發出。',
    codeLabel: '你的驗證碼',
    validity: (minutes) => `驗證碼只可使用一次，並會在 ${minutes} 分鐘後失效。`,
    spam: '如此電郵被放進垃圾郵件匣，請把它標示為「非垃圾郵件」，以便日後的驗證碼直接送到收件匣。如未收到驗證碼，請先檢查垃圾郵件匣。',
    neverShare: '請勿把驗證碼告訴任何人。校友事務處絕不會向你索取驗證碼。',
  },
};

type CopyFunction<T extends MailTemplateName> = (data: MailTemplateData[T], common: LocaleCommon) => MailCopy;

const TEMPLATES: { readonly [T in MailTemplateName]: Record<MailLocale, CopyFunction<T>> } = {
  'sign-in-code': {
    en: ({ code, minutes }, common) => ({
      subject: 'Your Alumni Portal sign-in code',
      heading: 'Sign in to the Alumni Portal',
      lead: ['Enter this one-time password (OTP) to sign in:'],
      code,
      notes: [
        common.validity(minutes),
        'If you did not try to sign in, ignore this email: no one can sign in without the code.',
        common.neverShare,
        common.spam,
      ],
    }),
    'zh-Hant': ({ code, minutes }, common) => ({
      subject: '你的校友網站登入驗證碼',
      heading: '登入校友網站',
      lead: ['請輸入以下一次性密碼（OTP）登入：'],
      code,
      notes: [common.validity(minutes), '如你沒有嘗試登入，請忽略此電郵：沒有驗證碼，任何人都無法登入。', common.neverShare, common.spam],
    }),
  },
  'email-verification-code': {
    en: ({ code, minutes }, common) => ({
      subject: 'Confirm your email address for the Alumni Portal',
      heading: 'Confirm your email address',
      lead: ['Enter this verification code in the Alumni Portal to confirm that this email address is yours:'],
      code,
      notes: [
        common.validity(minutes),
        'If you did not ask for this, ignore this email: the address is not registered without the code.',
        common.neverShare,
        common.spam,
      ],
    }),
    'zh-Hant': ({ code, minutes }, common) => ({
      subject: '確認你在校友網站登記的電郵地址',
      heading: '確認你的電郵地址',
      lead: ['請在校友網站輸入以下驗證碼，確認此電郵地址屬於你：'],
      code,
      notes: [common.validity(minutes), '如你沒有提出此要求，請忽略此電郵：沒有驗證碼，此地址不會被登記。', common.neverShare, common.spam],
    }),
  },
  'staff-sign-in-code': {
    en: ({ code, minutes }, common) => ({
      subject: 'Your CampusPass staff sign-in code',
      heading: 'Staff sign-in',
      lead: ['Enter this one-time code to finish signing in to your CampusPass staff account:'],
      code,
      notes: [
        common.validity(minutes),
        `If you did not try to sign in, someone may know your password: do not share the code, and tell the Alumni Affairs Office (${MAIL_CONTACT_EMAIL}) at once.`,
        common.neverShare,
        common.spam,
      ],
    }),
    'zh-Hant': ({ code, minutes }, common) => ({
      subject: '你的 CampusPass 職員登入驗證碼',
      heading: '職員登入',
      lead: ['請輸入以下一次性驗證碼，完成登入你的 CampusPass 職員帳戶：'],
      code,
      notes: [
        common.validity(minutes),
        `如你沒有嘗試登入，可能有人知道你的密碼：請勿透露驗證碼，並立即通知校友事務處（${MAIL_CONTACT_EMAIL}）。`,
        common.neverShare,
        common.spam,
      ],
    }),
  },
  'email-registered': {
    en: ({ email }) => ({
      subject: 'Your email address is registered with the Alumni Portal',
      heading: 'Email address registered',
      lead: [
        `${email} is now the registered email address of your Alumni Portal account.`,
        'From now on, sign in with this address and a one-time password (OTP) that we send to it.',
      ],
      notes: [`If you did not make this change, contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL} straight away.`],
    }),
    'zh-Hant': ({ email }) => ({
      subject: '你的電郵地址已在校友網站登記',
      heading: '電郵地址已登記',
      lead: [`${email} 現已成為你的校友網站帳戶的登記電郵地址。`, '以後請使用此地址，以及我們發送到此地址的一次性密碼（OTP）登入。'],
      notes: [`如這項更改並非由你作出，請立即電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`],
    }),
  },
  'social-link-code': {
    en: ({ code, minutes, provider }, common) => ({
      subject: `Your code to link ${provider} to the Alumni Portal`,
      heading: `Link ${provider} to your account`,
      lead: [`Enter this code in the Alumni Portal to link your ${provider} account, so that you can sign in with ${provider}:`],
      code,
      notes: [
        common.validity(minutes),
        `If you did not ask to link this account, do not share the code: whoever has it can sign in to your Alumni Portal account with their ${provider} account. Ignore this email; nothing is linked without the code.`,
        common.neverShare,
        common.spam,
      ],
    }),
    'zh-Hant': ({ code, minutes, provider }, common) => ({
      subject: `你的 ${provider} 帳戶連結校友網站驗證碼`,
      heading: `把 ${provider} 連結到你的帳戶`,
      lead: [`請在校友網站輸入以下驗證碼，以連結你的 ${provider} 帳戶，日後便可使用 ${provider} 登入：`],
      code,
      notes: [
        common.validity(minutes),
        `如你沒有要求連結此帳戶，請勿透露驗證碼：任何人取得驗證碼，即可用他的 ${provider} 帳戶登入你的校友網站帳戶。請忽略此電郵；沒有驗證碼便不會連結任何帳戶。`,
        common.neverShare,
        common.spam,
      ],
    }),
  },
  'social-linked': {
    en: ({ provider }) => ({
      subject: `A ${provider} account was linked to your Alumni Portal account`,
      heading: 'New account linked',
      lead: [
        `A ${provider} account was linked to your Alumni Portal account. It can now be used to sign in.`,
        'You can see and remove linked accounts on your profile page.',
      ],
      notes: [
        `If you did not link it, remove it from your profile at once and contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL}.`,
      ],
    }),
    'zh-Hant': ({ provider }) => ({
      subject: `已有 ${provider} 帳戶連結到你的校友網站帳戶`,
      heading: '已連結新帳戶',
      lead: [`已有一個 ${provider} 帳戶連結到你的校友網站帳戶，現在可用它登入。`, '你可在個人資料頁查看及移除已連結的帳戶。'],
      notes: [`如連結並非由你作出，請立即在個人資料頁移除，並電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`],
    }),
  },
  'social-unlinked': {
    en: ({ provider }) => ({
      subject: `A ${provider} account was removed from your Alumni Portal account`,
      heading: 'Linked account removed',
      lead: [`A ${provider} account was removed from your Alumni Portal account. It can no longer be used to sign in.`],
      notes: [`If you did not remove it, contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL} straight away.`],
    }),
    'zh-Hant': ({ provider }) => ({
      subject: `已從你的校友網站帳戶移除 ${provider} 帳戶`,
      heading: '已移除連結帳戶',
      lead: [`已從你的校友網站帳戶移除一個 ${provider} 帳戶，它不能再用於登入。`],
      notes: [`如移除並非由你作出，請立即電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`],
    }),
  },
  'netid-registered': {
    // The English subject is the FAQ's, word for word; the Chinese mail keeps it too, so a search finds it.
    en: ({ netId, displayName, emailAlias }) => ({
      subject: 'Completion of NetID Registration',
      heading: 'Your Alumni NetID is ready',
      lead: [
        `Dear ${displayName},`,
        `You have registered your Alumni NetID: ${netId}`,
        `Your email alias is ${emailAlias}.`,
        'Sign in to the Alumni Portal with your Alumni NetID and the NetPassword you chose.',
      ],
      notes: [
        'Keep this email: search your mailbox for "Completion of NetID Registration" if you forget your NetID.',
        `If you did not register an Alumni NetID, contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL} straight away.`,
      ],
    }),
    'zh-Hant': ({ netId, displayName, emailAlias }) => ({
      subject: 'Completion of NetID Registration（校友 NetID 登記完成）',
      heading: '你的校友 NetID 已可使用',
      lead: [
        `${displayName}：`,
        `你已成功登記校友 NetID：${netId}`,
        `你的電郵別名為 ${emailAlias}。`,
        '請以校友 NetID 及你設定的 NetPassword 登入校友網站。',
      ],
      notes: [
        '請保留此電郵：如忘記 NetID，可在郵箱搜尋「Completion of NetID Registration」。',
        `如你沒有登記校友 NetID，請立即電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`,
      ],
    }),
  },
  'email-changed': {
    en: ({ newEmail }) => ({
      subject: 'The sign-in email of your Alumni Portal account was changed',
      heading: 'Sign-in email changed',
      lead: [
        `The sign-in email of your Alumni Portal account was changed to ${newEmail}. This address can no longer be used to sign in.`,
        'You were signed out on every other device.',
      ],
      notes: [`If you did not make this change, contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL} straight away.`],
    }),
    'zh-Hant': ({ newEmail }) => ({
      subject: '你的校友網站帳戶登入電郵已更改',
      heading: '登入電郵已更改',
      lead: [`你的校友網站帳戶登入電郵已更改為 ${newEmail}。此地址不能再用作登入。`, '你在其他所有裝置上的登入已被登出。'],
      notes: [`如這項更改並非由你作出，請立即電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`],
    }),
  },
  'photo-rejected': {
    en: ({ reason }) => ({
      subject: 'Your Alumni eCard photo was not accepted',
      heading: 'Please upload another photo',
      lead: ['The Alumni Affairs Office reviewed the photo on your Alumni eCard and could not accept it, for this reason:', reason],
      notes: [
        'Sign in to the Alumni Portal, go to the “Alumni eCard” section and upload a new photo: a recent, clear photo of your face, in colour, facing the camera.',
      ],
    }),
    'zh-Hant': ({ reason }) => ({
      subject: '你的校友電子證相片未獲接納',
      heading: '請重新上載相片',
      lead: ['校友事務處審閱了你的校友電子證相片，未能接納，原因如下：', reason],
      notes: ['請登入校友網站，前往「校友電子證」部分上載新相片：近照、清晰、彩色、正面面向鏡頭。'],
    }),
  },
  'ecard-revoked': {
    en: ({ reason }) => ({
      subject: 'Your Alumni eCard was revoked',
      heading: 'Alumni eCard revoked',
      lead: ['The Alumni Affairs Office revoked your Alumni eCard, for this reason:', reason],
      notes: [
        'The eCard and its campus access QR codes can no longer be used.',
        `If you think this is a mistake, contact the Alumni Affairs Office at ${MAIL_CONTACT_EMAIL} or (852) 2766 4117 / 2766 4102 during office hours.`,
      ],
    }),
    'zh-Hant': ({ reason }) => ({
      subject: '你的校友電子證已被撤銷',
      heading: '校友電子證已撤銷',
      lead: ['校友事務處已撤銷你的校友電子證，原因如下：', reason],
      notes: [
        '此電子證及其校園通行二維碼已不能再使用。',
        `如你認為有誤，請於辦公時間致電 (852) 2766 4117 / 2766 4102 或電郵至 ${MAIL_CONTACT_EMAIL} 聯絡校友事務處。`,
      ],
    }),
  },
  'guest-pass': {
    en: ({ guestName, date, purpose, link, qrText }) => ({
      subject: `Your PolyU campus access QR code for ${date}`,
      heading: `Campus access for ${guestName}`,
      lead: [`Dear ${guestName},`, `A PolyU alumnus has invited you to the campus on ${date} (purpose: ${purpose}).`],
      qr: { qrText, alt: `Campus access QR code for ${guestName}, ${date}` },
      link: { url: link, label: 'Open your campus access QR code' },
      notes: [
        'At the campus entrance, scan this QR code at the turnstile. It is valid on that day only.',
        'If the image does not show, open the link above on your phone: it shows the same QR code.',
      ],
    }),
    'zh-Hant': ({ guestName, date, purpose, link, qrText }) => ({
      subject: `你於${date}的理大校園通行二維碼`,
      heading: `${guestName}的校園通行證`,
      lead: [`${guestName}您好：`, `一位理大校友邀請您於${date}到訪校園（目的：${purpose}）。`],
      qr: { qrText, alt: `${guestName}於${date}的校園通行二維碼` },
      link: { url: link, label: '打開你的校園通行二維碼' },
      notes: ['請在校園入口的閘機掃描此二維碼，只限當日有效。', '如未能顯示圖片，請以手機打開上面的連結：會顯示相同的二維碼。'],
    }),
  },
};

/** Renders one template in one language: subject, text body and HTML body. */
export function renderMail<T extends MailTemplateName>(template: T, locale: MailLocale, data: MailTemplateData[T]): RenderedMail {
  const common = COMMON[locale];
  const copy = (TEMPLATES[template][locale] as CopyFunction<T>)(data, common);
  return {
    subject: copy.subject,
    text: renderText(copy, common),
    html: renderHtml(copy, common, locale),
    ...(copy.qr ? { inlineQr: { cid: GUEST_PASS_QR_CID, qrText: copy.qr.qrText } } : {}),
  };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

function renderText(copy: MailCopy, common: LocaleCommon): string {
  const blocks = [
    copy.heading,
    ...copy.lead,
    ...(copy.link === undefined ? [] : [`${copy.link.label}:\n${copy.link.url}`]),
    ...(copy.code === undefined ? [] : [`    ${copy.code}`]),
    ...copy.notes,
    `--\n${common.contact}\n${common.footer}`,
  ];
  return `${blocks.join('\n\n')}\n`;
}

// Mail clients ignore <style> and external sheets unevenly: every style is inline. No remote resources (the
// only image is an attached QR code, by Content-ID); colours meet WCAG AA contrast on their backgrounds.
const FONT =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang HK', 'Noto Sans TC', 'Microsoft JhengHei', sans-serif";
const STYLE = {
  body: 'margin:0;padding:0;background-color:#f6f4f1;',
  outer: 'background-color:#f6f4f1;',
  outerCell: 'padding:24px 12px;',
  card: 'max-width:560px;background-color:#ffffff;border:1px solid #e2ddd7;border-radius:12px;',
  band: `padding:16px 24px;background-color:#8c1d2f;color:#ffffff;font-family:${FONT};font-size:18px;font-weight:600;border-radius:12px 12px 0 0;`,
  content: `padding:24px;font-family:${FONT};font-size:16px;line-height:1.5;color:#1c1b1f;`,
  heading: 'margin:0 0 16px;font-size:22px;line-height:1.3;color:#1c1b1f;',
  paragraph: 'margin:0 0 16px;',
  codeLabel: 'margin:0 0 4px;font-size:14px;color:#55525c;',
  code: "margin:0 0 16px;padding:12px 16px;background-color:#f8ecee;border-radius:8px;font-family:'SFMono-Regular', Consolas, 'Liberation Mono', Menlo, monospace;font-size:32px;font-weight:700;letter-spacing:6px;text-align:center;color:#6b1423;",
  footer: `padding:16px 24px;border-top:1px solid #e2ddd7;font-family:${FONT};font-size:14px;line-height:1.5;color:#55525c;`,
  footerParagraph: 'margin:0 0 8px;',
  qr: 'margin:0 0 16px;text-align:center;',
  button:
    'display:inline-block;padding:12px 20px;background-color:#8c1d2f;color:#ffffff;border-radius:8px;text-decoration:none;font-weight:600;',
} as const;

function renderHtml(copy: MailCopy, common: LocaleCommon, locale: MailLocale): string {
  const paragraph = (text: string) => `<p style="${STYLE.paragraph}">${escapeHtml(text)}</p>`;
  const code =
    copy.code === undefined
      ? ''
      : `<p style="${STYLE.codeLabel}">${escapeHtml(common.codeLabel)}</p>\n<p style="${STYLE.code}">${escapeHtml(copy.code)}</p>`;
  const qr =
    copy.qr === undefined
      ? ''
      : `<p style="${STYLE.qr}"><img src="cid:${GUEST_PASS_QR_CID}" width="240" height="240" alt="${escapeHtml(copy.qr.alt)}"></p>`;
  const link =
    copy.link === undefined
      ? ''
      : `<p style="${STYLE.qr}"><a href="${escapeHtml(copy.link.url)}" style="${STYLE.button}">${escapeHtml(copy.link.label)}</a></p>`;
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(copy.subject)}</title>
</head>
<body style="${STYLE.body}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${STYLE.outer}">
<tr><td align="center" style="${STYLE.outerCell}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="${STYLE.card}">
<tr><td style="${STYLE.band}">${escapeHtml(common.brand)}</td></tr>
<tr><td style="${STYLE.content}">
<h1 style="${STYLE.heading}">${escapeHtml(copy.heading)}</h1>
${[...copy.lead.map(paragraph), qr, link, code, ...copy.notes.map(paragraph)].filter(Boolean).join('\n')}
</td></tr>
<tr><td style="${STYLE.footer}">
<p style="${STYLE.footerParagraph}">${escapeHtml(common.contact)}</p>
<p style="${STYLE.footerParagraph}">${escapeHtml(common.footer)}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}
