import { applyDecorators, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import { ApiError } from './api-error.js';
import { ErrorBodyDto } from './error-body.dto.js';
import { routeDeclaration } from './route-declaration.js';

export const REQUIRED_EXPERIMENTS = 'coder:required-experiments';

/** Which experiments the deployment has on (provided by the server from its configuration). */
export interface ExperimentsProvider {
  enabled(name: string): boolean;
  /** Development mode: experiment-gated routes answer as if their experiments were on (Coder's dev-build bypass). */
  readonly devBypass: boolean;
}
export const EXPERIMENTS = Symbol('EXPERIMENTS');

/** Coder's display names of the experiments that gate routes here. */
const DISPLAY_NAMES: Record<string, string> = { oauth2: 'OAuth2', 'mcp-server-http': 'MCP HTTP Server' };
export const experimentDisplayName = (name: string): string => DISPLAY_NAMES[name] ?? name;

/**
 * A route behind experiments (`CODER_EXPERIMENTS`): all of them must be on, else 403 naming them, as
 * Coder's RequireExperimentWithDevBypass answers. Usable on a controller or a handler.
 */
export const RequireExperiment = (...names: [string, ...string[]]) =>
  applyDecorators(
    SetMetadata(REQUIRED_EXPERIMENTS, names),
    ApiExtension('x-coder-experiments', names),
    ApiResponse({ status: 403, description: `Forbidden, or the experiment${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(' and ')} not enabled.`, type: ErrorBodyDto }),
  );

/** Coder's message: one experiment by its display name, several by their names. */
export function experimentsError(missing: readonly string[]): ApiError {
  const what = missing.map(experimentDisplayName).join(', ');
  const message =
    missing.length === 1
      ? `${what} functionality requires enabling the '${missing[0]}' experiment.`
      : `${what} functionality requires enabling the following experiments: ${missing.join(', ')}`;
  return new ApiError(403, message);
}

/** Global guard: reads the configuration only (no database). */
@Injectable()
export class ExperimentGuard implements CanActivate {
  private readonly required: (ctx: ExecutionContext) => readonly string[] | undefined;

  constructor(
    reflector: Reflector,
    @Inject(EXPERIMENTS) private readonly experiments: ExperimentsProvider,
  ) {
    this.required = routeDeclaration<readonly string[]>(reflector, REQUIRED_EXPERIMENTS);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const required = this.required(ctx);
    if (!required || this.experiments.devBypass) return true;
    const missing = required.filter((n) => !this.experiments.enabled(n));
    if (missing.length > 0) throw experimentsError(missing);
    return true;
  }
}
