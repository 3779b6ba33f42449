import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  GATE_ID_HEADER,
  GATE_SIGNATURE_HEADER,
  GATE_TIMESTAMP_HEADER,
  gateEnrollRequestSchema,
  gateEnrollResponseSchema,
  gateHeartbeatRequestSchema,
  gateHeartbeatResponseSchema,
  gateRequestSigningInput,
  signedGateBundleSchema,
  type GateEnrollRequest,
  type GateEnrollResponse,
  type GateHeartbeatRequest,
  type GateHeartbeatResponse,
  type SignedGateBundle,
} from '@campuspass/contracts';
import type { GateIdentity } from '../identity/gate-identity.js';
import { SyncError, SyncErrorCode } from './sync.error.js';

export const ENROLL_PATH = '/api/gate/enroll';
export const BUNDLE_PATH = '/api/gate/bundle';
export const HEARTBEAT_PATH = '/api/gate/heartbeat';

/** Who signs: the enrolled gate's id and its identity key. */
export interface GateSigner {
  readonly gateId: string;
  readonly identity: GateIdentity;
}

export interface PortalClientOptions {
  /** portal.url: the base URL, e.g. https://campuspass.example.edu */
  readonly baseUrl: string;
  /** portal.requestTimeoutMs */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  /** Unix time in seconds for x-gate-timestamp; default the system clock. */
  readonly nowSeconds?: () => number;
}

export type BundleFetchResult =
  | { readonly status: 'not-modified'; readonly etag: string | undefined }
  | { readonly status: 'ok'; readonly etag: string | undefined; readonly envelope: SignedGateBundle };

const portalErrorSchema = z.looseObject({ code: z.string().optional(), message: z.string().optional() });

/** The SHA-256 of the body as sent, hex (of the empty string for no body). */
export function bodySha256Hex(body: string | Uint8Array | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/** The x-gate-* headers of a signed request (libs/contracts gateRequestSigningInput). */
export function signedRequestHeaders(
  signer: GateSigner,
  method: string,
  pathWithQuery: string,
  body: string | undefined,
  nowSeconds: number,
): Record<string, string> {
  const timestamp = String(Math.floor(nowSeconds));
  const input = gateRequestSigningInput(method, pathWithQuery, timestamp, bodySha256Hex(body));
  return {
    [GATE_ID_HEADER]: signer.gateId,
    [GATE_TIMESTAMP_HEADER]: timestamp,
    [GATE_SIGNATURE_HEADER]: signer.identity.signText(input),
  };
}

/**
 * The gate's HTTP client for the portal. Every request but enrollment is signed with the gate's identity key;
 * every answer is validated with the contract schema before anyone uses it; every failure is a {@link SyncError}.
 */
export class PortalClient {
  readonly #base: URL;
  readonly #fetch: typeof fetch;
  readonly #nowSeconds: () => number;
  #lastStateChangeTimestamp = 0;

  constructor(private readonly options: PortalClientOptions) {
    this.#base = new URL(options.baseUrl);
    this.#fetch = options.fetch ?? fetch;
    this.#nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  }

  async enroll(request: GateEnrollRequest): Promise<GateEnrollResponse> {
    const valid = gateEnrollRequestSchema.safeParse(request);
    if (!valid.success) {
      const issue = valid.error.issues[0];
      throw new SyncError(
        SyncErrorCode.EnrollmentRefused,
        `cannot enroll: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'} (check portal.enrollmentCode or --enroll)`,
      );
    }
    const response = await this.#send('POST', ENROLL_PATH, JSON.stringify(valid.data), undefined);
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      const portal = await readError(response);
      throw new SyncError(
        SyncErrorCode.EnrollmentRefused,
        `the portal refused the enrollment code (${portal.code ?? response.status}): ${portal.message ?? 'no reason given'}. Ask the Alumni Affairs Office for a new code for this gate`,
        { status: response.status, ...(portal.code ? { portalCode: portal.code } : {}) },
      );
    }
    return this.#parse(response, 'POST', ENROLL_PATH, gateEnrollResponseSchema);
  }

  /** GET /api/gate/bundle?since=<version held> with If-None-Match; 304 is `not-modified`. */
  async fetchBundle(signer: GateSigner, since: number, etag: string | undefined): Promise<BundleFetchResult> {
    // No version held: no `since`, which asks for a full bundle.
    const path = since > 0 ? `${BUNDLE_PATH}?since=${since}` : BUNDLE_PATH;
    const response = await this.#send('GET', path, undefined, signer, etag === undefined ? {} : { 'if-none-match': etag });
    const responseEtag = response.headers.get('etag') ?? undefined;
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 'not-modified', etag: responseEtag ?? etag };
    }
    const envelope = await this.#parse(response, 'GET', path, signedGateBundleSchema);
    return { status: 'ok', etag: responseEtag, envelope };
  }

  /** The answer, and the x-gate-timestamp this heartbeat was sent with (the portal's signed time is bound to it). */
  async heartbeat(signer: GateSigner, heartbeat: GateHeartbeatRequest): Promise<GateHeartbeatResponse & { requestTimestamp: string }> {
    const body = JSON.stringify(gateHeartbeatRequestSchema.parse(heartbeat));
    const timestamp = await this.#stateChangeTimestamp();
    const response = await this.#send('POST', HEARTBEAT_PATH, body, signer, {}, timestamp);
    const answer = await this.#parse(response, 'POST', HEARTBEAT_PATH, gateHeartbeatResponseSchema);
    return { ...answer, requestTimestamp: String(timestamp) };
  }

  // The portal refuses a state-changing request whose x-gate-timestamp is not later than the last one it accepted
  // (replay protection), so two in the same second would lose the second: wait for the next second instead.
  async #stateChangeTimestamp(): Promise<number> {
    const now = this.#nowSeconds();
    if (Math.floor(now) <= this.#lastStateChangeTimestamp) {
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((this.#lastStateChangeTimestamp + 1 - now) * 1000)));
    }
    this.#lastStateChangeTimestamp = Math.max(this.#lastStateChangeTimestamp + 1, Math.floor(this.#nowSeconds()));
    return this.#lastStateChangeTimestamp;
  }

  async #send(
    method: string,
    pathWithQuery: string,
    body: string | undefined,
    signer: GateSigner | undefined,
    extraHeaders: Record<string, string> = {},
    timestamp: number = this.#nowSeconds(),
  ): Promise<Response> {
    const url = new URL(pathWithQuery, this.#base);
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (signer) Object.assign(headers, signedRequestHeaders(signer, method, url.pathname + url.search, body, timestamp));
    try {
      return await this.#fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new SyncError(
          SyncErrorCode.Timeout,
          `${method} ${url.pathname}: no answer from the portal within ${this.options.timeoutMs} ms (portal.requestTimeoutMs)`,
          {},
          { cause: error },
        );
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SyncError(
        SyncErrorCode.Network,
        `${method} ${url.pathname}: cannot reach the portal at ${this.#base.origin} (${cause?.code ?? cause?.message ?? (error as Error).message}); the gate keeps working offline and retries`,
        {},
        { cause: error },
      );
    }
  }

  async #parse<T>(response: Response, method: string, path: string, schema: z.ZodType<T>): Promise<T> {
    const what = `${method} ${path.split('?')[0]}`;
    if (!response.ok) {
      const portal = await readError(response);
      const details = { status: response.status, ...(portal.code ? { portalCode: portal.code } : {}) };
      const reason = `${portal.code ?? `HTTP ${response.status}`}: ${portal.message ?? response.statusText}`;
      if (response.status === 401 && portal.code === 'gate-revoked') {
        throw new SyncError(
          SyncErrorCode.GateRevoked,
          `${what}: this gate was revoked (${reason}); enroll it again with a new code`,
          details,
        );
      }
      if (response.status === 401) {
        throw new SyncError(
          SyncErrorCode.Unauthorized,
          `${what}: the portal did not accept the gate's signature (${reason}); check the gate's clock, or enroll again if the gate is unknown`,
          details,
        );
      }
      if (response.status >= 500) throw new SyncError(SyncErrorCode.ServerError, `${what}: the portal failed (${reason})`, details);
      throw new SyncError(SyncErrorCode.ClientError, `${what}: the portal refused the request (${reason})`, details);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new SyncError(SyncErrorCode.InvalidResponse, `${what}: the answer is not JSON`, { status: response.status }, { cause: error });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SyncError(
        SyncErrorCode.InvalidResponse,
        `${what}: the answer does not match the contract (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}); report this to the portal operators`,
        { status: response.status },
      );
    }
    return parsed.data;
  }
}

async function readError(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const parsed = portalErrorSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
