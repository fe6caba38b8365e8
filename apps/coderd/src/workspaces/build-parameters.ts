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
  transition: 'start' | 'stop' | 'delete';
}

/** Coder's {min}, {max} and {value} placeholders in a template's own validation message. */
function customError(p: ParameterRow, value: string): string | undefined {
  if (!p.validation_error) return undefined;
  return p.validation_error
    .replaceAll('{min}', String(p.validation_min ?? ''))
    .replaceAll('{max}', String(p.validation_max ?? ''))
    .replaceAll('{value}', value);
}

function listValue(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The first rule `value` breaks for parameter `p`, as a sentence, or undefined. */
function valueProblem(p: ParameterRow, value: string, previous: string | undefined): string | undefined {
  const name = `Parameter "${p.name}"`;
  switch (p.type) {
    case 'number': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) return `${name} must be a number, not "${value}".`;
      const { validation_min: min, validation_max: max } = p;
      if ((min !== null && n < min) || (max !== null && n > max)) {
        return customError(p, value) ?? `${name} must be ${min !== null && max !== null ? `between ${min} and ${max}` : min !== null ? `at least ${min}` : `at most ${max}`}, not ${value}.`;
      }
      if (previous !== undefined && p.validation_monotonic) {
        const before = Number(previous);
        const increasing = p.validation_monotonic === 'increasing';
        if (Number.isFinite(before) && (increasing ? n < before : n > before)) {
          return customError(p, value) ?? `${name} must be equal or ${increasing ? 'greater' : 'lower'} than the previous value ${previous}.`;
        }
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
 * Coder's build parameter resolution (wsbuilder getParameters with codersdk's validation): each of
 * the version's parameters takes the supplied value, else the previous build's (never for an
 * ephemeral one), else its default, and is validated. Stop and delete builds reuse the previous
 * values without validating them again, as Coder does. Problems name the parameter, one each.
 */
export function resolveBuildParameters(input: ResolveInput): { values: ParameterValue[]; problems: ParameterProblem[] } {
  const problems: ParameterProblem[] = [];
  const byName = new Map(input.parameters.map((p) => [p.name, p]));
  const supplied = new Map<string, string>();
  for (const s of input.supplied) {
    if (supplied.has(s.name)) problems.push({ field: s.name, detail: `Parameter "${s.name}" is given more than once.` });
    else if (!byName.has(s.name)) problems.push({ field: s.name, detail: `Parameter "${s.name}" is not a parameter of this template version.` });
    else supplied.set(s.name, s.value);
  }
  const previous = new Map(input.previous.map((p) => [p.name, p.value]));
  if (input.transition !== 'start') {
    // Values given with a stop or delete are not used (Coder's builds reuse the previous ones); only what the version still declares is carried over; ephemeral values never are.
    const values = input.parameters.filter((p) => !p.ephemeral && previous.has(p.name)).map((p) => ({ name: p.name, value: previous.get(p.name)! }));
    return { values, problems };
  }
  const values: ParameterValue[] = [];
  for (const p of input.parameters) {
    const before = p.ephemeral ? undefined : previous.get(p.name);
    const given = supplied.get(p.name);
    if (given !== undefined && !input.firstBuild && !p.mutable && before !== undefined && given !== before) {
      problems.push({ field: p.name, detail: `Parameter "${p.name}" is not mutable, so it can't be updated after creating a workspace.` });
      continue;
    }
    const value = given ?? before ?? (p.required && p.default_value === '' ? undefined : p.default_value);
    if (value === undefined) {
      problems.push({ field: p.name, detail: `Parameter "${p.name}" is required but was not provided.` });
      continue;
    }
    // Carried-over values were valid when given; a monotonic rule compares a new value with them.
    const problem = given === undefined && before !== undefined ? undefined : valueProblem(p, value, before);
    if (problem) problems.push({ field: p.name, detail: problem });
    else values.push({ name: p.name, value });
  }
  return { values, problems };
}
