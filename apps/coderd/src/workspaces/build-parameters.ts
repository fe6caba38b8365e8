import type { ParameterRow } from '../templates/template-versions.repository.js';

export interface ParameterValue {
  name: string;
  value: string;
}

export interface ParameterProblem {
  field: string;
  detail: string;
}

export interface ResolveInput {
  /** The template version's parameters, in display order. */
  parameters: ParameterRow[];
  /** The previous build's values ([] for the first build). */
  previous: ParameterValue[];
  /** rich_parameter_values of the request. */
  supplied: ParameterValue[];
  firstBuild: boolean;
  /** Resolution is the same for every transition, as in Coder. */
  transition: 'start' | 'stop' | 'delete';
}

/** Coder's {min}, {max} and {value} placeholders in a template's own validation message; an unset bound reads 0, as in the provider. */
function customError(p: ParameterRow, value: string): string | undefined {
  if (!p.validation_error) return undefined;
  return p.validation_error
    .replaceAll('{min}', String(p.validation_min ?? 0))
    .replaceAll('{max}', String(p.validation_max ?? 0))
    .replaceAll('{value}', value);
}

/** Go's strconv.Atoi syntax: the provider reads a validated number as an integer. */
const INTEGER = /^[+-]?\d+$/;

function listValue(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The first rule `value` breaks for parameter `p`, as a sentence, or undefined. `previous` is the last build's value, for monotonicity. */
function valueProblem(p: ParameterRow, value: string, previous: string | undefined): string | undefined {
  const name = `Parameter "${p.name}"`;
  switch (p.type) {
    case 'number': {
      const { validation_min: min, validation_max: max, validation_monotonic: monotonic } = p;
      // codersdk only hands a number to the provider's Validation.Valid (strconv.Atoi) when it has min, max or monotonic.
      const validated = min !== null || max !== null || monotonic !== '';
      const n = Number(value);
      if (validated && !INTEGER.test(value)) return customError(p, value) ?? `${name} must be an integer, not "${value}".`;
      if (value.trim() === '' || !Number.isFinite(n)) return `${name} must be a number, not "${value}".`;
      if ((min !== null && n < min) || (max !== null && n > max)) {
        return customError(p, value) ?? `${name} must be ${min !== null && max !== null ? `between ${min} and ${max}` : min !== null ? `at least ${min}` : `at most ${max}`}, not ${value}.`;
      }
      // An empty or non-integer previous value is no bound (codersdk and the provider skip it rather than lock the workspace). The message is the provider's fixed one, never validation_error.
      if (monotonic && previous !== undefined && INTEGER.test(previous)) {
        const increasing = monotonic === 'increasing';
        if (increasing ? n < Number(previous) : n > Number(previous)) return `${name} must be equal or ${increasing ? 'greater' : 'lower'} than the previous value ${previous}.`;
      }
      break;
    }
    case 'bool':
      if (value !== 'true' && value !== 'false') return `${name} must be "true" or "false", not "${value}".`;
      break;
    case 'list(string)': {
      const items = listValue(value);
      if (!items) return `${name} must be a JSON array of strings.`;
      const allowed = new Set(p.options.map((o) => o.value));
      const stray = p.options.length > 0 ? items.find((i) => !allowed.has(i)) : undefined;
      if (stray !== undefined) return `${name}: "${stray}" is not one of the options (${[...allowed].join(', ')}).`;
      return undefined;
    }
    default:
      if (p.validation_regex) {
        let re: RegExp;
        try {
          re = new RegExp(p.validation_regex);
        } catch {
          return `${name} has a validation regex the server cannot use.`;
        }
        if (!re.test(value)) return customError(p, value) ?? `${name} must match the regular expression ${p.validation_regex}.`;
      }
  }
  if (p.options.length > 0 && !p.options.some((o) => o.value === value)) {
    return `${name}: "${value}" is not one of the options (${p.options.map((o) => o.value).join(', ')}).`;
  }
  return undefined;
}

/**
 * Coder's build parameter resolution (wsbuilder getClassicParameters with codersdk's
 * ParameterResolver.ValidateResolve), the same for start, stop and delete: each of the version's
 * parameters takes the supplied value, else the previous build's (never for an ephemeral one), else
 * its default, and whichever it takes is validated against this version. Problems name the
 * parameter, one each; Coder stops at the first, the API reports them all.
 */
export function resolveBuildParameters(input: ResolveInput): { values: ParameterValue[]; problems: ParameterProblem[] } {
  // wsbuilder looks each declared parameter up in the request and takes the first match: other names and repeats are never read.
  const supplied = new Map<string, string>();
  for (const s of input.supplied) if (!supplied.has(s.name)) supplied.set(s.name, s.value);
  const previous = new Map(input.previous.map((p) => [p.name, p.value]));
  const problems: ParameterProblem[] = [];
  const values: ParameterValue[] = [];
  for (const p of input.parameters) {
    const given = supplied.get(p.name);
    const before = previous.get(p.name);
    if (given !== undefined && !input.firstBuild && !p.mutable && before !== undefined && given !== before) {
      problems.push({ field: p.name, detail: `Parameter "${p.name}" is not mutable, so it can't be updated after creating a workspace.` });
      continue;
    }
    const value = given ?? (p.ephemeral ? undefined : before) ?? p.default_value;
    if (p.required && (value === '' || (given === undefined && before === undefined))) {
      const detail = given === '' ? `Parameter "${p.name}" is required, so its value can't be empty.` : `Parameter "${p.name}" is required but was not provided.`;
      problems.push({ field: p.name, detail });
      continue;
    }
    // An empty value of an optional parameter stands for its default when validating, and is stored as given (codersdk validateBuildParameter).
    const problem = valueProblem(p, value === '' ? p.default_value : value, before);
    if (problem) problems.push({ field: p.name, detail: problem });
    else values.push({ name: p.name, value });
  }
  return { values, problems };
}
