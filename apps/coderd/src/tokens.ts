/** Injection tokens for values and for behaviour the enterprise server replaces. */
export const DEPLOYMENT_CONFIG = Symbol('DEPLOYMENT_CONFIG');
export const BUILD_VERSION = 'v2.0.0-coderd-ts.0.1.0';
