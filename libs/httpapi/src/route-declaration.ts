import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/**
 * A route declaration (decorator metadata on the handler, or else its controller), read once per
 * handler: declarations never change after boot, and guards run on every request.
 */
export function routeDeclaration<T>(reflector: Reflector, key: string): (ctx: ExecutionContext) => T | undefined {
  const read = new WeakMap<object, { value: T | undefined }>();
  return (ctx) => {
    const handler = ctx.getHandler();
    let entry = read.get(handler);
    if (!entry) {
      entry = { value: reflector.getAllAndOverride<T | undefined>(key, [handler, ctx.getClass()]) };
      read.set(handler, entry);
    }
    return entry.value;
  };
}
