import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { REQUIRED_FEATURE } from '#entitlements/require-feature.js';
import { AUTH_KIND } from '#httpapi/auth-decorators.js';

export interface RouteAuth {
  method: string;
  path: string;
  auth: string;
  /** The licensed feature the route requires ('' when none). */
  feature: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

/**
 * Refuses to start when a route declares neither @Public nor @Authenticated, so a forgotten
 * declaration is caught at boot instead of becoming an open route. Also lists every route (for the
 * route inventory test).
 */
@Injectable()
export class RouteAuthAudit implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const missing = this.routes().filter((r) => !r.auth);
    if (missing.length) {
      throw new Error(`Routes without @Public() or @Authenticated(): ${missing.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    }
  }

  routes(): RouteAuth[] {
    const out: RouteAuth[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance) continue;
      const cls = instance.constructor;
      const base = String(this.reflector.get(PATH_METADATA, cls) ?? '');
      const proto = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        const subs = this.reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
        if (subs === undefined) continue;
        const method = METHODS[this.reflector.get<number>(METHOD_METADATA, handler)] ?? '?';
        const auth = this.reflector.getAllAndOverride<string | undefined>(AUTH_KIND, [handler, cls]) ?? '';
        const feature = (this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_FEATURE, [handler, cls]) ?? []).join(',');
        // A handler may serve several paths.
        for (const sub of Array.isArray(subs) ? subs : [subs]) {
          const path = '/' + [base, sub].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
          out.push({ method, path, auth, feature });
        }
      }
    }
    return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
}
