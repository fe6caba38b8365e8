import { Inject, Injectable, type CanActivate } from '@nestjs/common';
import { ENTITLEMENTS, type EntitlementsProvider } from '../../../../../../libs/entitlements/src/provider.js';
import { premiumFeatureError } from '../../../../../../libs/entitlements/src/require-feature.js';

/**
 * The second feature of the group budget routes. `@RequireFeature` declares one feature per route
 * (the global FeatureGuard reads the innermost), so these routes declare `aibridge` and this guard,
 * which runs right after it and before the body is validated, adds `template_rbac` (groups), as
 * Coder's router does for everything under /groups/{group}.
 */
@Injectable()
export class TemplateRbacGuard implements CanActivate {
  constructor(@Inject(ENTITLEMENTS) private readonly entitlements: EntitlementsProvider) {}

  canActivate(): boolean {
    if (this.entitlements.isEnabled('template_rbac')) return true;
    throw premiumFeatureError('template_rbac', this.entitlements.current().features.template_rbac?.entitlement !== 'not_entitled');
  }
}
