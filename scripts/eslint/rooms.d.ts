import type { Rule } from 'eslint';

declare const plugin: { rules: Record<'relative-imports-stay-home' | 'no-enterprise-imports', Rule.RuleModule> };
export default plugin;
