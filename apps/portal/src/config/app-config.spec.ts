import { inspect } from 'node:util';
import { loadAppConfig, parseKeyEncryptionKey, parseTrustProxy } from './app-config.js';
import { ConfigError } from './config.error.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAppConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadAppConfig({});
    expect(config.environment).toBe('development');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000, publicUrl: 'http://localhost:3000', trustProxy: false });
    expect(config.staffSignIn).toEqual({ oidc: undefined, password: true });
    expect(config.database.url).toBeUndefined();
    expect(config.database.migrate).toBe('auto');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('names the variable and the expectation when a port is wrong', () => {
    const problems = problemsOf({ PORT: 'http' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT /);
    expect(problems[0]).toContain('"http"');
  });

  it('rejects a port out of range', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toContain('between 1 and 65535');
  });

  it('requires a real database, secret and mail server in production, and defaults migrations to manual there', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      expect.stringMatching(/^APP_SECRET is required in production/),
      expect.stringMatching(/^KEY_ENCRYPTION_KEY is required in production/),
      expect.stringMatching(/^SMTP_URL is required in production/),
      expect.stringMatching(
        /^GATE_REDIS_URL is required in production \(gates must drain their events with a Redis ACL user limited to the gate-events queue keys/,
      ),
      expect.stringMatching(/^DATABASE_URL is required in production/),
    ]);
    const config = loadAppConfig({
      NODE_ENV: 'production',
      GATE_REDIS_URL: 'redis://gates:gate-secret@127.0.0.1:6379',
      DATABASE_URL: 'postgres://cp@db:5432/cp',
      APP_SECRET: 'x'.repeat(32),
      KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
      SMTP_URL: 'smtp://mail.example.edu:587',
    });
    expect(config.database.migrate).toBe('manual');
    expect(config.mail.smtpUrl).toBe('smtp://mail.example.edu:587');
  });

  it('rejects a short APP_SECRET without echoing it', () => {
    const problems = problemsOf({ APP_SECRET: 'tooshort-secret' });
    expect(problems).toEqual([expect.stringMatching(/^APP_SECRET must be at least 32 characters/)]);
    expect(problems[0]).not.toContain('tooshort-secret');
  });

  describe('signing keys', () => {
    const base64Key = Buffer.alloc(32, 7).toString('base64');

    it('accepts a 32-byte KEY_ENCRYPTION_KEY in base64, base64url or hex, masked wherever printed', () => {
      expect(parseKeyEncryptionKey(base64Key)).toEqual(Buffer.alloc(32, 7));
      expect(parseKeyEncryptionKey(Buffer.alloc(32, 0xfb).toString('base64url'))).toEqual(Buffer.alloc(32, 0xfb));
      expect(parseKeyEncryptionKey('0a'.repeat(32))).toEqual(Buffer.alloc(32, 10));
      const config = loadAppConfig({ KEY_ENCRYPTION_KEY: base64Key });
      expect(config.keys.encryptionKey?.reveal()).toBe(base64Key);
      expect(JSON.stringify(config)).not.toContain(base64Key);
      expect(inspect(config, { depth: 9 })).not.toContain(base64Key);
    });

    it('refuses a key of the wrong length or alphabet without echoing it', () => {
      for (const bad of ['0a'.repeat(31), Buffer.alloc(16).toString('base64'), 'z'.repeat(64), Buffer.alloc(33).toString('base64')]) {
        const problems = problemsOf({ KEY_ENCRYPTION_KEY: bad });
        expect(problems).toEqual([expect.stringMatching(/^KEY_ENCRYPTION_KEY must be 32 random bytes/)]);
        expect(problems[0]).not.toContain(bad);
      }
    });

    it('accepts KEY_ENCRYPTION_KEY_PREVIOUS in the same forms, masked wherever printed, and unset by default', () => {
      expect(loadAppConfig({}).keys.previousEncryptionKey).toBeUndefined();
      const previous = Buffer.alloc(32, 9).toString('base64url');
      for (const [current, old] of [
        [base64Key, previous],
        ['0a'.repeat(32), Buffer.alloc(32, 9).toString('base64')],
        [base64Key, '0b'.repeat(32)],
      ] as const) {
        const config = loadAppConfig({ KEY_ENCRYPTION_KEY: current, KEY_ENCRYPTION_KEY_PREVIOUS: ` ${old}\n` });
        expect(config.keys.encryptionKey?.reveal()).toBe(current);
        expect(config.keys.previousEncryptionKey?.reveal()).toBe(old);
        expect(JSON.stringify(config)).not.toContain(old);
        expect(inspect(config, { depth: 9 })).not.toContain(old);
        expect(`${String(config.keys.previousEncryptionKey)}`).toBe('[masked]');
      }
    });

    it('refuses a KEY_ENCRYPTION_KEY_PREVIOUS of the wrong length or alphabet without echoing it', () => {
      for (const bad of ['0a'.repeat(31), Buffer.alloc(16).toString('base64'), 'z'.repeat(64), Buffer.alloc(33).toString('base64')]) {
        const problems = problemsOf({ KEY_ENCRYPTION_KEY: base64Key, KEY_ENCRYPTION_KEY_PREVIOUS: bad });
        expect(problems).toEqual([expect.stringMatching(/^KEY_ENCRYPTION_KEY_PREVIOUS must be 32 random bytes/)]);
        expect(problems[0]).not.toContain(bad);
      }
    });

    it('refuses a KEY_ENCRYPTION_KEY_PREVIOUS equal to KEY_ENCRYPTION_KEY, even written another way, or without it', () => {
      const sameHex = Buffer.alloc(32, 7).toString('hex');
      for (const same of [base64Key, sameHex, Buffer.alloc(32, 7).toString('base64url')]) {
        const problems = problemsOf({ KEY_ENCRYPTION_KEY: base64Key, KEY_ENCRYPTION_KEY_PREVIOUS: same });
        expect(problems).toEqual([expect.stringMatching(/^KEY_ENCRYPTION_KEY_PREVIOUS must differ from KEY_ENCRYPTION_KEY/)]);
        expect(problems[0]).not.toContain(same);
      }
      const alone = problemsOf({ KEY_ENCRYPTION_KEY_PREVIOUS: base64Key });
      expect(alone).toEqual([expect.stringMatching(/^KEY_ENCRYPTION_KEY_PREVIOUS .*set KEY_ENCRYPTION_KEY to the new key as well/)]);
      expect(alone[0]).not.toContain(base64Key);
    });

    it('defaults the rotation to a 2-day lead and a 30-day interval, and checks both', () => {
      expect(loadAppConfig({}).keys).toEqual({ encryptionKey: undefined, rotationLeadDays: 2, rotationIntervalDays: 30 });
      expect(loadAppConfig({ KEY_ROTATION_LEAD_DAYS: '5', KEY_ROTATION_INTERVAL_DAYS: '7' }).keys).toMatchObject({
        rotationLeadDays: 5,
        rotationIntervalDays: 7,
      });
      expect(problemsOf({ KEY_ROTATION_LEAD_DAYS: '0' })).toEqual([expect.stringMatching(/^KEY_ROTATION_LEAD_DAYS must be at least 1/)]);
      expect(problemsOf({ KEY_ROTATION_INTERVAL_DAYS: '1.5' })).toEqual([
        expect.stringMatching(/^KEY_ROTATION_INTERVAL_DAYS must be a whole number/),
      ]);
    });
  });

  it('never echoes a bad URL, which may hold a password', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/cp', REDIS_URL: 'nope' });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems.some((p) => p.startsWith('DATABASE_URL must be a URL like postgres://'))).toBe(true);
    expect(problems.some((p) => p.startsWith('REDIS_URL '))).toBe(true);
  });

  it('gives gates GATE_REDIS_URL (REDIS_URL when unset) as a secret that never prints', () => {
    expect(loadAppConfig({ REDIS_URL: 'redis://10.0.0.5:6379' }).gates.eventQueueRedisUrl.reveal()).toBe('redis://10.0.0.5:6379');
    const config = loadAppConfig({ GATE_REDIS_URL: 'rediss://gates:s3cret@redis.example.edu:6380' });
    expect(config.gates.eventQueueRedisUrl.reveal()).toBe('rediss://gates:s3cret@redis.example.edu:6380');
    expect(JSON.stringify(config)).not.toContain('s3cret');
    expect(inspect(config, { depth: 5 })).not.toContain('s3cret');
    const problems = problemsOf({ GATE_REDIS_URL: 'http://gates:s3cret@redis' });
    expect(problems).toEqual([expect.stringMatching(/^GATE_REDIS_URL must be a URL like redis:\/\//)]);
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it("refuses in production a GATE_REDIS_URL that is missing or carries the portal's own Redis credentials", () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://cp@db/cp',
      APP_SECRET: 'x'.repeat(32),
      KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
      SMTP_URL: 'smtp://m:25',
      REDIS_URL: 'redis://portal:p0rtal-secret@redis.example.edu:6379',
    };
    const sameAsPortal = /^GATE_REDIS_URL must differ from REDIS_URL in production \(gates must drain their events with a Redis ACL user/;
    expect(problemsOf(production)).toEqual([expect.stringMatching(/^GATE_REDIS_URL is required in production/)]);
    expect(problemsOf({ ...production, GATE_REDIS_URL: production.REDIS_URL })).toEqual([expect.stringMatching(sameAsPortal)]);
    // The same user and password on another database number or host is still the portal's own access.
    const sameCredentials = problemsOf({ ...production, GATE_REDIS_URL: 'redis://portal:p0rtal-secret@10.0.0.9:6379/2' });
    expect(sameCredentials).toEqual([expect.stringMatching(sameAsPortal)]);
    expect(sameCredentials.join('\n')).not.toContain('p0rtal-secret');
    // No user name on either side: both are Redis's default user.
    expect(problemsOf({ ...production, REDIS_URL: 'redis://127.0.0.1:6379', GATE_REDIS_URL: 'redis://127.0.0.1:6379/0' })).toEqual([
      expect.stringMatching(sameAsPortal),
    ]);
    const config = loadAppConfig({ ...production, GATE_REDIS_URL: 'rediss://gates:g4te-secret@redis.example.edu:6380' });
    expect(config.gates.eventQueueRedisUrl.reveal()).toBe('rediss://gates:g4te-secret@redis.example.edu:6380');
    // Outside production the fallback stays: one local Redis for everything.
    expect(loadAppConfig({ NODE_ENV: 'development' }).gates.eventQueueRedisUrl.reveal()).toBe('redis://127.0.0.1:6379');
    expect(loadAppConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://10.0.0.5:6379' }).gates.eventQueueRedisUrl.reveal()).toBe(
      'redis://10.0.0.5:6379',
    );
  });

  it('treats empty variables as unset', () => {
    expect(loadAppConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: '0', LOG_LEVEL: 'loud', NODE_ENV: 'staging' });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual(['LOG_LEVEL', 'NODE_ENV', 'PORT']);
  });

  describe('TRUST_PROXY', () => {
    it('parses false, a hop count and a list of addresses or CIDR ranges', () => {
      expect(loadAppConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
      expect(loadAppConfig({ TRUST_PROXY: '0' }).http.trustProxy).toBe(false);
      expect(loadAppConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
      expect(loadAppConfig({ TRUST_PROXY: ' 10.0.0.0/8, 192.168.1.7 ,fd00::/8' }).http.trustProxy).toEqual([
        '10.0.0.0/8',
        '192.168.1.7',
        'fd00::/8',
      ]);
    });

    it('refuses true, names and malformed ranges, naming the variable', () => {
      for (const value of ['true', 'loopback', '10.0.0.0/33', '10.0.0.0/8,', '1.2.3', 'fd00::/129', '99']) {
        expect(parseTrustProxy(value)).toBeUndefined();
        const problems = problemsOf({ TRUST_PROXY: value });
        expect(problems).toEqual([expect.stringMatching(/^TRUST_PROXY must be false, a number of proxy hops/)]);
      }
    });
  });

  describe('staff sign-in through OIDC', () => {
    const oidc = {
      STAFF_OIDC_ISSUER: 'https://login.example.edu/realms/staff',
      STAFF_OIDC_CLIENT_ID: 'campuspass',
      STAFF_OIDC_CLIENT_SECRET: 'client-secret-value',
    };

    it('is off by default, and password sign-in on', () => {
      expect(loadAppConfig({}).staffSignIn).toEqual({ oidc: undefined, password: true });
    });

    it('turns password sign-in off when configured, unless STAFF_PASSWORD_SIGN_IN keeps it', () => {
      const config = loadAppConfig(oidc);
      expect(config.staffSignIn.oidc).toMatchObject({ issuer: oidc.STAFF_OIDC_ISSUER, clientId: 'campuspass' });
      expect(config.staffSignIn.oidc?.clientSecret.reveal()).toBe('client-secret-value');
      expect(config.staffSignIn.password).toBe(false);
      expect(loadAppConfig({ ...oidc, STAFF_PASSWORD_SIGN_IN: 'true' }).staffSignIn.password).toBe(true);
    });

    it('masks the client secret wherever the configuration is printed', () => {
      const config = loadAppConfig(oidc);
      expect(JSON.stringify(config)).not.toContain('client-secret-value');
      expect(inspect(config, { depth: 10 })).not.toContain('client-secret-value');
      expect(`${String(config.staffSignIn.oidc?.clientSecret)}`).toBe('[masked]');
    });

    it('needs all three variables, naming the missing ones', () => {
      expect(problemsOf({ STAFF_OIDC_ISSUER: oidc.STAFF_OIDC_ISSUER })).toEqual([
        expect.stringMatching(/^STAFF_OIDC_CLIENT_ID is required when STAFF_OIDC_ISSUER is set/),
        expect.stringMatching(/^STAFF_OIDC_CLIENT_SECRET is required when STAFF_OIDC_ISSUER is set/),
      ]);
      const problems = problemsOf({ STAFF_OIDC_CLIENT_ID: 'x', STAFF_OIDC_CLIENT_SECRET: 'never-echoed' });
      expect(problems).toEqual([
        expect.stringMatching(/^STAFF_OIDC_ISSUER is required when STAFF_OIDC_CLIENT_ID and STAFF_OIDC_CLIENT_SECRET are set/),
      ]);
      expect(problems.join()).not.toContain('never-echoed');
    });

    it('refuses an http issuer in production and turning password sign-in off without OIDC', () => {
      const production = {
        NODE_ENV: 'production',
        GATE_REDIS_URL: 'redis://gates:gate-secret@127.0.0.1:6379',
        DATABASE_URL: 'postgres://cp@db/cp',
        APP_SECRET: 'x'.repeat(32),
        KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
        SMTP_URL: 'smtp://m:25',
      };
      expect(problemsOf({ ...production, ...oidc, STAFF_OIDC_ISSUER: 'http://login.example.edu' })).toEqual([
        expect.stringMatching(/^STAFF_OIDC_ISSUER must be an https URL in production/),
      ]);
      expect(problemsOf({ STAFF_PASSWORD_SIGN_IN: 'false' })).toEqual([
        expect.stringMatching(/^STAFF_PASSWORD_SIGN_IN can be false only when/),
      ]);
    });
  });

  describe('social sign-in providers', () => {
    it('offers none by default, and a provider once its client id and secret are set, at its real issuer', () => {
      expect(loadAppConfig({}).socialSignIn).toEqual({});
      const config = loadAppConfig({
        SOCIAL_GOOGLE_CLIENT_ID: 'g-id',
        SOCIAL_GOOGLE_CLIENT_SECRET: 'g-secret',
        SOCIAL_APPLE_CLIENT_ID: 'edu.example.alumni',
        SOCIAL_APPLE_CLIENT_SECRET: 'eyJhbGciOiJFUzI1NiJ9.jwt.sig',
        SOCIAL_WECHAT_APP_ID: 'wx123',
        SOCIAL_WECHAT_APP_SECRET: 'wechat-secret',
      });
      expect(config.socialSignIn.google).toMatchObject({ issuer: 'https://accounts.google.com', clientId: 'g-id' });
      expect(config.socialSignIn.apple).toMatchObject({ issuer: 'https://appleid.apple.com', clientId: 'edu.example.alumni' });
      expect(config.socialSignIn.microsoft).toBeUndefined();
      expect(config.socialSignIn.wechat).toMatchObject({
        appId: 'wx123',
        openUrl: 'https://open.weixin.qq.com',
        apiUrl: 'https://api.weixin.qq.com',
      });
      expect(JSON.stringify(config)).not.toMatch(/g-secret|wechat-secret|jwt\.sig/);
    });

    it('names the missing half of a provider, never echoes a secret, and wants https in production', () => {
      const problems = problemsOf({ SOCIAL_MICROSOFT_CLIENT_SECRET: 'never-echoed', SOCIAL_WECHAT_APP_ID: 'wx1' });
      expect(problems).toEqual([
        expect.stringMatching(/^SOCIAL_MICROSOFT_CLIENT_ID is required when SOCIAL_MICROSOFT_CLIENT_SECRET is set/),
        expect.stringMatching(/^SOCIAL_WECHAT_APP_SECRET is required when SOCIAL_WECHAT_APP_ID is set/),
      ]);
      expect(problems.join()).not.toContain('never-echoed');
      expect(problemsOf({ SOCIAL_GOOGLE_ISSUER: 'not a url' })).toEqual([
        expect.stringMatching(/^SOCIAL_GOOGLE_ISSUER must be a URL like https:\/\/accounts.google.com/),
      ]);
      const production = {
        NODE_ENV: 'production',
        GATE_REDIS_URL: 'redis://gates:gate-secret@127.0.0.1:6379',
        DATABASE_URL: 'postgres://cp@db/cp',
        APP_SECRET: 'x'.repeat(32),
        KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
        SMTP_URL: 'smtp://m:25',
      };
      expect(problemsOf({ ...production, SOCIAL_WECHAT_API_URL: 'http://127.0.0.1:9000' })).toEqual([
        expect.stringMatching(/^SOCIAL_WECHAT_API_URL must be an https URL in production/),
      ]);
    });
  });
});

describe('loadAppConfig: security thresholds (SECURITY_*)', () => {
  it('has defaults: online 90 s, offline alert 5 min, 3 denials in 10 min, outbox 0.8, 120 checks a minute', () => {
    expect(loadAppConfig({}).security).toEqual({
      gateOnlineMs: 90_000,
      gateOfflineAlertMs: 300_000,
      alertCheckIntervalMs: 30_000,
      repeatedDenials: 3,
      repeatedDenialsWindowMs: 600_000,
      outboxFillAlert: 0.8,
      handheldChecksPerMinute: 120,
    });
    expect(loadAppConfig({ SECURITY_GATE_OFFLINE_ALERT_SECONDS: '2', SECURITY_OUTBOX_FILL_ALERT: '0.5' }).security).toMatchObject({
      gateOfflineAlertMs: 2000,
      outboxFillAlert: 0.5,
    });
  });

  it('names a bad variable and what it expects', () => {
    expect(problemsOf({ SECURITY_GATE_OFFLINE_ALERT_SECONDS: 'soon', SECURITY_OUTBOX_FILL_ALERT: '2' })).toEqual([
      expect.stringMatching(/^SECURITY_GATE_OFFLINE_ALERT_SECONDS must be a whole number of seconds.*"soon"/),
      expect.stringMatching(/^SECURITY_OUTBOX_FILL_ALERT must be at most 1.*"2"/),
    ]);
  });
});
