import { applyDecorators, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import { ApiError } from '#httpapi/api-error.js';
import { ErrorBodyDto } from '#httpapi/error-body.dto.js';
import { routeDeclaration } from '#httpapi/route-declaration.js';
import { featureDisplayName, type FeatureName } from './features.js';
import { ENTITLEMENTS, type EntitlementsProvider } from './provider.js';

export const REQUIRED_FEATURE = 'coder:required-feature';

/**
 * A licensed route: mounted always, answering 403 "<Feature> is a Premium feature. Contact sales!"
 * until a license entitles the feature. Usable on a controller class or a single handler. With
 * several features (AI budgets of a group: `template_rbac` and `aibridge`) all are required, and the
 * refusal names the first one missing.
 */
export const RequireFeature = (...features: [FeatureName, ...FeatureName[]]) =>
  applyDecorators(
    SetMetadata(REQUIRED_FEATURE, features),
    ApiExtension('x-coder-feature', features.length === 1 ? features[0] : features),
    ApiResponse({ status: 403, description: `Forbidden, or the license does not entitle ${features.map((f) => `"${f}"`).join(' and ')}.`, type: ErrorBodyDto }),
  );

/** Coder's message; when a license does entitle the feature, the detail says it is switched off instead. */
export function premiumFeatureError(feature: FeatureName, entitledButOff = false): ApiError {
  const detail = entitledButOff ? 'The license entitles this feature, but it is not enabled on this deployment.' : undefined;
  return new ApiError(403, `${featureDisplayName(feature)} is a Premium feature. Contact sales!`, detail);
}

/** Global guard, after authentication: reads cached entitlements only (no database query). */
@Injectable()
export class FeatureGuard implements CanActivate {

  private readonly features: (ctx: ExecutionContext) => readonly FeatureName[] | undefined;

  constructor(
    reflector: Reflector,
    @Inject(ENTITLEMENTS) private readonly entitlements: EntitlementsProvider,
  ) {
    this.features = routeDeclaration<readonly FeatureName[]>(reflector, REQUIRED_FEATURE);
  }

  canActivate(ctx: ExecutionContext): boolean {
    for (const feature of this.features(ctx) ?? []) {
      if (!this.entitlements.isEnabled(feature)) {
        throw premiumFeatureError(feature, this.entitlements.current().features[feature]?.entitlement !== 'not_entitled');
      }
    }
    return true;
  }

}
