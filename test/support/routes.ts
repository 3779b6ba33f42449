import { PATH_METADATA, METHOD_METADATA, SSE_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { GATE_AUTHENTICATED_ROUTE } from '../../apps/portal/src/identity/access.guard.js';
import { PUBLIC_ROUTE, ROUTE_ROLES, type Role } from '../../apps/portal/src/identity/roles.js';

/** Who may call a route, as its decorators declare it (the handler's declaration wins over its controller's). */
export type RouteAccess = 'public' | 'gate' | 'undeclared' | readonly Role[];

export interface DeclaredRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Full path under the global prefix, e.g. `/api/admin/gates/:id/revoke`. */
  readonly path: string;
  readonly access: RouteAccess;
  /** A server-sent events stream (answers never end). */
  readonly sse: boolean;
}

const METHODS: Partial<Record<RequestMethod, DeclaredRoute['method']>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

const joinPath = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/');

function accessOf(handler: object, controller: object): RouteAccess {
  if (Reflect.getMetadata(GATE_AUTHENTICATED_ROUTE, handler) ?? Reflect.getMetadata(GATE_AUTHENTICATED_ROUTE, controller)) return 'gate';
  for (const target of [handler, controller]) {
    const publicRoute = Reflect.getMetadata(PUBLIC_ROUTE, target) as object | undefined;
    const roles = Reflect.getMetadata(ROUTE_ROLES, target) as Role[] | undefined;
    if (publicRoute) return 'public';
    if (roles) return [...roles].sort();
  }
  return 'undeclared';
}

/** Every HTTP route of the running Nest app with its declared access, sorted by path then method. */
export function declaredRoutes(app: INestApplication, globalPrefix = 'api'): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat((Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (!method || paths === undefined) continue;
        for (const prefix of prefixes) {
          for (const path of ([] as string[]).concat(paths)) {
            routes.push({
              method,
              path: joinPath(globalPrefix, prefix, path),
              access: accessOf(handler, controller),
              sse: Reflect.getMetadata(SSE_METADATA, handler) === true,
            });
          }
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The route's path with each `:param` filled by a value of the right look (a uuid unless told otherwise). */
export function samplePath(path: string, values: Readonly<Record<string, string>> = {}): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => values[name] ?? '00000000-0000-4000-8000-000000000000');
}
