import { jest } from '@jest/globals';
import { Controller, Get, Post, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessGuard } from './access.guard.js';
import { IdentityException } from './identity.exception.js';
import { Public, REQUEST_IDENTITY, Roles, type RequestIdentity } from './roles.js';
import type { SessionService } from './session.service.js';

@Controller()
class UndeclaredController {
  @Get()
  open() {}
}

@Controller()
@Roles('aao-admin')
class AdminController {
  @Get()
  read() {}

  @Post()
  write() {}

  @Get()
  @Public()
  overview() {}
}

@Controller()
@Public()
class MostlyPublicController {
  @Get()
  page() {}

  @Get()
  @Roles('auditor')
  report() {}
}

const alumnus: RequestIdentity = { subject: { type: 'alumnus', id: 'a-1', roles: ['alumnus'], sessionId: 's-1' }, token: 'tok' };
const admin: RequestIdentity = { subject: { type: 'staff', id: 'st-1', roles: ['aao-admin'], sessionId: 's-2' }, token: 'tok' };

function context(target: object, handler: string, request: Record<string, unknown>): ExecutionContext {
  return {
    getType: () => 'http',
    getClass: () => target,
    getHandler: () => (target as { prototype: Record<string, unknown> }).prototype[handler],
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

function guardWith(identity: RequestIdentity | undefined) {
  const sessions = {
    resolve: jest.fn(async (): Promise<RequestIdentity> => {
      if (!identity) throw new IdentityException('session-ended', 'ended');
      return identity;
    }),
    csrfTokenMatches: (_token: string, presented?: string) => presented === 'right',
  };
  return { guard: new AccessGuard(new Reflector(), sessions as unknown as SessionService), sessions };
}

const withCookie = (method: string, headers: Record<string, string> = {}) => ({
  method,
  headers: { cookie: 'cp_session=tok', ...headers },
});

async function refusal(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as IdentityException).code;
  }
}

describe('AccessGuard', () => {
  it('refuses a route that declares neither @Public() nor @Roles(), even for a signed-in caller', async () => {
    const { guard } = guardWith(admin);
    expect(await refusal(guard.canActivate(context(UndeclaredController, 'open', withCookie('GET'))))).toBe('route-undeclared');
    expect(await refusal(guard.canActivate(context(UndeclaredController, 'open', { method: 'GET', headers: {} })))).toBe(
      'route-undeclared',
    );
  });

  it('lets anyone call a @Public() route, and treats an ended session there as nobody', async () => {
    const { guard } = guardWith(undefined);
    const request: Record<string | symbol, unknown> = withCookie('GET');
    await expect(guard.canActivate(context(AdminController, 'overview', request))).resolves.toBe(true);
    expect(request[REQUEST_IDENTITY]).toBeUndefined();
  });

  it('asks for a sign-in without a session, and refuses a role the route does not name', async () => {
    expect(await refusal(guardWith(admin).guard.canActivate(context(AdminController, 'read', { method: 'GET', headers: {} })))).toBe(
      'sign-in-required',
    );
    expect(await refusal(guardWith(alumnus).guard.canActivate(context(AdminController, 'read', withCookie('GET'))))).toBe('role-refused');
  });

  it('admits the right role and leaves the identity on the request', async () => {
    const request: Record<string | symbol, unknown> = withCookie('GET');
    await expect(guardWith(admin).guard.canActivate(context(AdminController, 'read', request))).resolves.toBe(true);
    expect(request[REQUEST_IDENTITY]).toBe(admin);
  });

  it("lets a handler's declaration override its controller's", async () => {
    const { guard } = guardWith(alumnus);
    await expect(guard.canActivate(context(MostlyPublicController, 'page', withCookie('GET')))).resolves.toBe(true);
    expect(await refusal(guard.canActivate(context(MostlyPublicController, 'report', withCookie('GET'))))).toBe('role-refused');
  });

  it('refuses a form post to a public route unless the route accepts forms', async () => {
    const { guard } = guardWith(undefined);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect(await refusal(guard.canActivate(context(AdminController, 'overview', form)))).toBe('json-required');
  });

  it('requires the CSRF token on unsafe methods', async () => {
    const { guard } = guardWith(admin);
    expect(await refusal(guard.canActivate(context(AdminController, 'write', withCookie('POST'))))).toBe('csrf-token-invalid');
    expect(await refusal(guard.canActivate(context(AdminController, 'write', withCookie('POST', { 'x-csrf-token': 'wrong' }))))).toBe(
      'csrf-token-invalid',
    );
    await expect(guard.canActivate(context(AdminController, 'write', withCookie('POST', { 'x-csrf-token': 'right' })))).resolves.toBe(true);
  });
});
