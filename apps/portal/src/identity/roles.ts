import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';

export const ROLES = ['alumnus', 'aao-admin', 'security-staff', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
export type StaffRole = Exclude<Role, 'alumnus'>;
export const STAFF_ROLES: readonly StaffRole[] = ['aao-admin', 'security-staff', 'auditor'];

export type SubjectType = 'alumnus' | 'staff';

/** Who is calling: the subject of the session the request came with. */
export interface Subject {
  readonly type: SubjectType;
  /** Alumni account id or staff account id (uuid). */
  readonly id: string;
  readonly roles: readonly Role[];
  /** Public id of the session (never its token or the token's hash). */
  readonly sessionId: string;
}

export const PUBLIC_ROUTE = 'identity:public';
export const ROUTE_ROLES = 'identity:roles';

export interface PublicRouteOptions {
  /**
   * Accept unsafe requests that are not JSON (an HTML form post, e.g. an identity provider's `form_post`).
   * Off by default: a page on another site can post a form without the browser asking first, but not JSON.
   */
  readonly forms?: boolean;
}

/** Anyone may call this route, signed in or not. */
export const Public = (options: PublicRouteOptions = {}) => SetMetadata(PUBLIC_ROUTE, options);

/** Only a signed-in subject holding one of these roles may call this route. */
export const Roles = (...roles: [Role, ...Role[]]) => SetMetadata(ROUTE_ROLES, roles);

/** Where the access guard leaves the resolved identity on the request. */
export const REQUEST_IDENTITY = Symbol('campuspass.identity');

export interface RequestIdentity {
  readonly subject: Subject;
  /** The raw session token from the cookie (needed to derive the CSRF token). */
  readonly token: string;
}

export type RequestWithIdentity = { [REQUEST_IDENTITY]?: RequestIdentity };

/** The signed-in subject (undefined on a @Public() route called without a session). */
export const CurrentSubject = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Subject | undefined =>
    context.switchToHttp().getRequest<RequestWithIdentity>()[REQUEST_IDENTITY]?.subject,
);
