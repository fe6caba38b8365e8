// Coder's rich parameter resolution for a workspace build (coderd/wsbuilder getClassicParameters with
// codersdk.ParameterResolver.ValidateResolve and terraform-provider-coder's Validation.Valid): which value
// each of the version's parameters gets (supplied, else the previous build's unless ephemeral, else the
// default), the type, option and validation rules, immutability, and the problems the API reports as
// `validations`.
import { describe, expect, it } from '@jest/globals';
import { resolveBuildParameters, type ParameterProblem, type ParameterValue, type ResolveInput } from '#coderd/workspaces/build-parameters.js';
import type { ParameterRow } from '#coderd/templates/template-versions.repository.js';

type Option = ParameterRow['options'][number];
type Values = Record<string, string> | ParameterValue[];

function param(name: string, over: Partial<ParameterRow> = {}): ParameterRow {
  return {
    name,
    display_name: '',
    description: '',
    type: 'string',
    form_type: 'input',
    mutable: true,
    default_value: '',
    icon: '',
    options: [],
    validation_regex: '',
    validation_min: null,
    validation_max: null,
    validation_error: '',
    validation_monotonic: '',
    required: false,
    display_order: 0,
    ephemeral: false,
    ...over,
  };
}

const opts = (...values: string[]): Option[] => values.map((value) => ({ name: value.toUpperCase(), description: '', value, icon: '' }));

const list = (v: Values | undefined): ParameterValue[] => (v === undefined ? [] : Array.isArray(v) ? v : Object.entries(v).map(([name, value]) => ({ name, value })));

interface Build {
  /** The previous build's values; omitted means this is the workspace's first build. */
  previous?: Values;
  supplied?: Values;
  transition?: ResolveInput['transition'];
}

function resolve(parameters: ParameterRow[], build: Build = {}): { values: ParameterValue[]; problems: ParameterProblem[] } {
  return resolveBuildParameters({
    parameters,
    previous: list(build.previous),
    supplied: list(build.supplied),
    firstBuild: build.previous === undefined,
    transition: build.transition ?? 'start',
  });
}

/** A first build of one parameter given `value`. */
const firstWith = (p: ParameterRow, value: string) => resolve([p], { supplied: { [p.name]: value } });

const accepted = (name: string, value: string) => ({ values: [{ name, value }], problems: [] });
const refused = (field: string, detail: string) => ({ values: [], problems: [{ field, detail }] });

describe('resolveBuildParameters: types', () => {
  it.each(['hello world', 'ünïcødé ✓', '  padded  ', '["not","a","list"]', ''])('a string parameter takes any value: %j', (value) => {
    expect(firstWith(param('note'), value)).toEqual(accepted('note', value));
  });

  it.each(['0', '42', '-7', '3.25', '-0.5'])('a number parameter without validation takes the number %j', (value) => {
    expect(firstWith(param('cpu', { type: 'number' }), value)).toEqual(accepted('cpu', value));
  });

  it.each(['abc', '12abc', '', '   ', 'Infinity', 'NaN', 'true'])('a number parameter refuses the non-number %j', (value) => {
    expect(firstWith(param('cpu', { type: 'number' }), value)).toEqual(refused('cpu', `Parameter "cpu" must be a number, not "${value}".`));
  });

  it.each(['true', 'false'])('a bool parameter takes %j', (value) => {
    expect(firstWith(param('gpu', { type: 'bool' }), value)).toEqual(accepted('gpu', value));
  });

  it.each(['True', 'FALSE', '1', '0', 'yes', ' true', ''])('a bool parameter refuses %j', (value) => {
    expect(firstWith(param('gpu', { type: 'bool' }), value)).toEqual(refused('gpu', `Parameter "gpu" must be "true" or "false", not "${value}".`));
  });

  it.each(['["a","b"]', '[]', '["one"]', '[ "spaced" , "out" ]'])('a list(string) parameter takes the JSON array of strings %s', (value) => {
    expect(firstWith(param('tags', { type: 'list(string)' }), value)).toEqual(accepted('tags', value));
  });

  it.each(['["a",1]', '[["a"]]', 'a,b', '"a"', '{"a":"b"}', '[', ''])('a list(string) parameter refuses %s', (value) => {
    expect(firstWith(param('tags', { type: 'list(string)' }), value)).toEqual(refused('tags', 'Parameter "tags" must be a JSON array of strings.'));
  });
});

describe('resolveBuildParameters: options', () => {
  const region = param('region', { options: opts('us', 'eu') });

  it.each(['us', 'eu'])('takes the option value %j', (value) => {
    expect(firstWith(region, value)).toEqual(accepted('region', value));
  });

  it.each(['mars', 'EU', 'US', ' us', ''])('refuses %j, which is not an option value', (value) => {
    expect(firstWith(region, value)).toEqual(refused('region', `Parameter "region": "${value}" is not one of the options (us, eu).`));
  });

  it('matches option values, not option names', () => {
    // opts() names each option with its value in capitals.
    expect(firstWith(region, 'US').problems).toHaveLength(1);
    expect(firstWith(region, 'us').problems).toEqual([]);
  });

  it('applies to number parameters', () => {
    const cpu = param('cpu', { type: 'number', options: opts('2', '4') });
    expect(firstWith(cpu, '4')).toEqual(accepted('cpu', '4'));
    expect(firstWith(cpu, '3')).toEqual(refused('cpu', 'Parameter "cpu": "3" is not one of the options (2, 4).'));
  });

  it('checks each item of a multi-select list(string) value', () => {
    const langs = param('langs', { type: 'list(string)', form_type: 'multi-select', options: opts('go', 'rust', 'zig') });
    expect(firstWith(langs, '["go","zig"]')).toEqual(accepted('langs', '["go","zig"]'));
    expect(firstWith(langs, '[]')).toEqual(accepted('langs', '[]'));
    expect(firstWith(langs, '["go","cobol","basic"]')).toEqual(refused('langs', 'Parameter "langs": "cobol" is not one of the options (go, rust, zig).'));
    expect(firstWith(langs, 'go')).toEqual(refused('langs', 'Parameter "langs" must be a JSON array of strings.'));
  });

  it('checks a default value taken from the version against the options', () => {
    expect(resolve([param('region', { default_value: 'us', options: opts('us', 'eu') })])).toEqual(accepted('region', 'us'));
    expect(resolve([param('region', { default_value: 'ap', options: opts('us', 'eu') })])).toEqual(
      refused('region', 'Parameter "region": "ap" is not one of the options (us, eu).'),
    );
  });
});

describe('resolveBuildParameters: number validation', () => {
  const cpu = param('cpu', { type: 'number', validation_min: 1, validation_max: 8 });

  it.each(['1', '4', '8'])('takes %j, within min and max inclusive', (value) => {
    expect(firstWith(cpu, value)).toEqual(accepted('cpu', value));
  });

  it.each(['0', '9', '-1', '100'])('refuses %j, outside min and max', (value) => {
    expect(firstWith(cpu, value)).toEqual(refused('cpu', `Parameter "cpu" must be between 1 and 8, not ${value}.`));
  });

  it('names only the bound that is set', () => {
    expect(firstWith(param('cpu', { type: 'number', validation_min: 2 }), '1')).toEqual(refused('cpu', 'Parameter "cpu" must be at least 2, not 1.'));
    expect(firstWith(param('cpu', { type: 'number', validation_min: 2 }), '1000')).toEqual(accepted('cpu', '1000'));
    expect(firstWith(param('cpu', { type: 'number', validation_max: 16 }), '17')).toEqual(refused('cpu', 'Parameter "cpu" must be at most 16, not 17.'));
    expect(firstWith(param('cpu', { type: 'number', validation_max: 16 }), '-5')).toEqual(accepted('cpu', '-5'));
  });

  it('treats a bound of 0 as set', () => {
    expect(firstWith(param('n', { type: 'number', validation_min: 0 }), '-1')).toEqual(refused('n', 'Parameter "n" must be at least 0, not -1.'));
    expect(firstWith(param('n', { type: 'number', validation_max: 0 }), '1')).toEqual(refused('n', 'Parameter "n" must be at most 0, not 1.'));
  });

  it("uses the template's validation_error, with {min}, {max} and {value} filled in", () => {
    const custom = param('cpu', { ...cpu, validation_error: 'Pick {min} to {max} CPUs; {value} is not allowed ({value}).' });
    expect(firstWith(custom, '12')).toEqual(refused('cpu', 'Pick 1 to 8 CPUs; 12 is not allowed (12).'));
    expect(firstWith(custom, '3')).toEqual(accepted('cpu', '3'));
  });

  it('still refuses a non-number when the template has a validation_error', () => {
    const custom = param('cpu', { ...cpu, validation_error: 'Pick {min} to {max}.' });
    const { values, problems } = firstWith(custom, 'four');
    expect(values).toEqual([]);
    expect(problems).toEqual([{ field: 'cpu', detail: expect.any(String) }]);
  });

  it('refuses a decimal when the parameter has min/max validation (the provider reads validated numbers as integers)', () => {
    // terraform-provider-coder Validation.Valid: strconv.Atoi(value) for type number → `value "2.5" is not a number`.
    const { values, problems } = firstWith(cpu, '2.5');
    expect(values).toEqual([]);
    expect(problems).toEqual([{ field: 'cpu', detail: expect.any(String) }]);
  });

  it('refuses a decimal for a monotonic parameter too (codersdk validates it with the provider as well)', () => {
    expect(firstWith(param('disk', { type: 'number', validation_monotonic: 'increasing' }), '1.5').problems).toEqual([{ field: 'disk', detail: expect.any(String) }]);
  });

  it('renders an unset {min} or {max} as 0, as the provider does', () => {
    expect(firstWith(param('cpu', { type: 'number', validation_min: 2, validation_error: 'From {min} to {max}.' }), '1')).toEqual(refused('cpu', 'From 2 to 0.'));
  });
});

describe('resolveBuildParameters: monotonic validation', () => {
  const disk = (monotonic: string, over: Partial<ParameterRow> = {}) => param('disk', { type: 'number', validation_monotonic: monotonic, ...over });
  const later = (p: ParameterRow, previous: string, value: string) => resolve([p], { previous: { disk: previous }, supplied: { disk: value } });

  it('increasing: takes a greater or equal value than the previous build', () => {
    expect(later(disk('increasing'), '10', '20')).toEqual(accepted('disk', '20'));
    expect(later(disk('increasing'), '10', '10')).toEqual(accepted('disk', '10'));
  });

  it('increasing: refuses a lower value than the previous build', () => {
    expect(later(disk('increasing'), '10', '9')).toEqual(refused('disk', 'Parameter "disk" must be equal or greater than the previous value 10.'));
  });

  it('decreasing: takes a lower or equal value than the previous build', () => {
    expect(later(disk('decreasing'), '10', '3')).toEqual(accepted('disk', '3'));
    expect(later(disk('decreasing'), '10', '10')).toEqual(accepted('disk', '10'));
  });

  it('decreasing: refuses a greater value than the previous build', () => {
    expect(later(disk('decreasing'), '10', '11')).toEqual(refused('disk', 'Parameter "disk" must be equal or lower than the previous value 10.'));
  });

  it('has nothing to compare with on the first build', () => {
    expect(firstWith(disk('increasing'), '1')).toEqual(accepted('disk', '1'));
    expect(firstWith(disk('decreasing'), '1000')).toEqual(accepted('disk', '1000'));
  });

  it('has nothing to compare with when the previous build had no value for the parameter', () => {
    expect(resolve([disk('increasing')], { previous: { other: '50' }, supplied: { disk: '1' } })).toEqual(accepted('disk', '1'));
  });

  it('has nothing to compare with when the previous value is empty or not an integer (codersdk and the provider skip it)', () => {
    expect(later(disk('increasing'), '', '-3')).toEqual(accepted('disk', '-3'));
    expect(later(disk('increasing'), 'abc', '1')).toEqual(accepted('disk', '1'));
  });

  it('keeps the previous value when none is given', () => {
    expect(resolve([disk('increasing')], { previous: { disk: '10' } })).toEqual(accepted('disk', '10'));
  });

  it('checks min and max before monotonicity', () => {
    expect(later(disk('increasing', { validation_max: 16 }), '10', '20')).toEqual(refused('disk', 'Parameter "disk" must be at most 16, not 20.'));
  });

  it("does not use the template's validation_error for a monotonicity failure (the provider's message is fixed)", () => {
    // Validation.Valid returns "parameter value '9' must be equal or greater than previous value: 10" without errorRendered.
    const { problems } = later(disk('increasing', { validation_error: 'Disk must stay within {min}-{max}.' }), '10', '9');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('disk');
    expect(problems[0]!.detail).not.toContain('Disk must stay within');
    expect(problems[0]!.detail).toContain('10');
  });
});

describe('resolveBuildParameters: string regex validation', () => {
  const user = param('user', { validation_regex: '^[a-z]+$' });

  it('takes a matching value', () => {
    expect(firstWith(user, 'alice')).toEqual(accepted('user', 'alice'));
  });

  it('refuses a value that does not match, naming the regex', () => {
    expect(firstWith(user, 'Alice1')).toEqual(refused('user', 'Parameter "user" must match the regular expression ^[a-z]+$.'));
  });

  it("uses the template's validation_error, with {value} filled in", () => {
    const custom = param('user', { ...user, validation_error: 'Lower-case letters only, not "{value}".' });
    expect(firstWith(custom, 'Bob')).toEqual(refused('user', 'Lower-case letters only, not "Bob".'));
    expect(firstWith(custom, 'bob')).toEqual(accepted('user', 'bob'));
  });

  it('matches anywhere in the value unless the regex is anchored (as Go regexp.MatchString)', () => {
    const p = param('id', { validation_regex: '[0-9]{3}' });
    expect(firstWith(p, 'abc123def')).toEqual(accepted('id', 'abc123def'));
    expect(firstWith(p, 'ab12')).toEqual(refused('id', 'Parameter "id" must match the regular expression [0-9]{3}.'));
  });

  it('refuses every value when the regex cannot be compiled', () => {
    expect(firstWith(param('x', { validation_regex: '(unclosed' }), 'anything')).toEqual(refused('x', 'Parameter "x" has a validation regex the server cannot use.'));
  });
});

describe('resolveBuildParameters: required parameters and defaults', () => {
  const name = param('name', { required: true });

  it('refuses a required parameter without a default and no value on the first build', () => {
    expect(resolve([name])).toEqual(refused('name', 'Parameter "name" is required but was not provided.'));
  });

  it('refuses a required parameter with no value on the first build even if it has a default (ValidateResolve)', () => {
    expect(resolve([param('name', { required: true, default_value: 'dev' })])).toEqual(refused('name', 'Parameter "name" is required but was not provided.'));
  });

  it('takes a value given for a required parameter', () => {
    expect(firstWith(name, 'dev')).toEqual(accepted('name', 'dev'));
  });

  it('refuses an empty value for a required parameter (codersdk: "parameter value is required")', () => {
    const { values, problems } = firstWith(name, '');
    expect(values).toEqual([]);
    expect(problems).toEqual([{ field: 'name', detail: expect.stringContaining('required') }]);
  });

  it('carries a required parameter over from the previous build', () => {
    expect(resolve([name], { previous: { name: 'dev' } })).toEqual(accepted('name', 'dev'));
  });

  it('refuses a required parameter new in this version on a later build when no value is given', () => {
    expect(resolve([param('cpu', { type: 'number', default_value: '2' }), name], { previous: { cpu: '4' } })).toEqual({
      values: [{ name: 'cpu', value: '4' }],
      problems: [{ field: 'name', detail: 'Parameter "name" is required but was not provided.' }],
    });
  });

  it('applies the default when no value is given', () => {
    expect(resolve([param('region', { default_value: 'us' }), param('cpu', { type: 'number', default_value: '2' }), param('gpu', { type: 'bool', default_value: 'false' })])).toEqual({
      values: [
        { name: 'region', value: 'us' },
        { name: 'cpu', value: '2' },
        { name: 'gpu', value: 'false' },
      ],
      problems: [],
    });
  });

  it('applies an empty default to an optional string parameter', () => {
    expect(resolve([param('note')])).toEqual(accepted('note', ''));
  });

  it('prefers a given value to the previous one and the default', () => {
    expect(resolve([param('region', { default_value: 'us' })], { previous: { region: 'eu' }, supplied: { region: 'ap' } })).toEqual(accepted('region', 'ap'));
  });

  it("prefers the previous build's value to a (changed) default", () => {
    expect(resolve([param('region', { default_value: 'us' })], { previous: { region: 'eu' } })).toEqual(accepted('region', 'eu'));
  });

  it('validates the default in place of an empty value given for an optional parameter, keeping the empty value', () => {
    // codersdk validateBuildParameter: `if current == "" { current = DefaultValue }`, then validates; ValidateResolve returns the given "".
    expect(firstWith(param('gpu', { type: 'bool', default_value: 'false' }), '')).toEqual(accepted('gpu', ''));
  });
});

describe('resolveBuildParameters: mutability', () => {
  const region = param('region', { mutable: false, options: opts('us', 'eu') });

  it('takes any valid value for an immutable parameter on the first build', () => {
    expect(firstWith(region, 'eu')).toEqual(accepted('region', 'eu'));
  });

  it('refuses a change to an immutable parameter after the first build', () => {
    expect(resolve([region], { previous: { region: 'us' }, supplied: { region: 'eu' } })).toEqual(
      refused('region', 'Parameter "region" is not mutable, so it can\'t be updated after creating a workspace.'),
    );
  });

  it('takes the same value again for an immutable parameter', () => {
    expect(resolve([region], { previous: { region: 'us' }, supplied: { region: 'us' } })).toEqual(accepted('region', 'us'));
  });

  it('carries an immutable parameter over when no value is given', () => {
    expect(resolve([region], { previous: { region: 'eu' } })).toEqual(accepted('region', 'eu'));
  });

  it('takes a value for an immutable parameter new in this version on a later build', () => {
    expect(resolve([param('cpu', { type: 'number' }), region], { previous: { cpu: '2' }, supplied: { region: 'eu' } })).toEqual({
      values: [
        { name: 'cpu', value: '2' },
        { name: 'region', value: 'eu' },
      ],
      problems: [],
    });
  });

  it('takes a change to a mutable parameter', () => {
    expect(resolve([param('cpu', { type: 'number' })], { previous: { cpu: '2' }, supplied: { cpu: '4' } })).toEqual(accepted('cpu', '4'));
  });
});

describe('resolveBuildParameters: ephemeral parameters', () => {
  const reset = param('reset', { type: 'bool', ephemeral: true, default_value: 'false' });
  const region = param('region', { default_value: 'us' });

  it('does not carry an ephemeral value over; the default applies again', () => {
    expect(resolve([reset, region], { previous: { reset: 'true', region: 'eu' } })).toEqual({
      values: [
        { name: 'reset', value: 'false' },
        { name: 'region', value: 'eu' },
      ],
      problems: [],
    });
  });

  it('takes an ephemeral value given for this build', () => {
    expect(resolve([reset, region], { previous: { reset: 'false', region: 'eu' }, supplied: { reset: 'true' } })).toEqual({
      values: [
        { name: 'reset', value: 'true' },
        { name: 'region', value: 'eu' },
      ],
      problems: [],
    });
  });

  it('validates an ephemeral value given for this build', () => {
    expect(resolve([reset], { previous: { reset: 'true' }, supplied: { reset: 'yes' } })).toEqual(refused('reset', 'Parameter "reset" must be "true" or "false", not "yes".'));
  });

  it('refuses a required ephemeral parameter with no value on a later build, though the previous build had one', () => {
    const token = param('token', { ephemeral: true, required: true });
    const { values, problems } = resolve([token], { previous: { token: 'abc' } });
    expect(values).toEqual([]);
    expect(problems).toEqual([{ field: 'token', detail: expect.stringContaining('required') }]);
  });
});

describe('resolveBuildParameters: values the version does not declare', () => {
  it("drops the previous build's values for parameters this version no longer declares", () => {
    expect(resolve([param('region')], { previous: { region: 'eu', removed: 'x' } })).toEqual(accepted('region', 'eu'));
  });

  it('ignores a supplied value for a parameter the version does not declare (wsbuilder only looks up declared names)', () => {
    expect(resolve([param('region', { default_value: 'us' })], { supplied: { region: 'eu', colour: 'blue' } })).toEqual(accepted('region', 'eu'));
  });

  it('uses the first of two values given for one parameter (wsbuilder findNewBuildParameterValue)', () => {
    expect(resolve([param('cpu', { type: 'number' })], { supplied: [{ name: 'cpu', value: '2' }, { name: 'cpu', value: '4' }] })).toEqual(accepted('cpu', '2'));
  });
});

describe('resolveBuildParameters: values carried over to a new version', () => {
  it('validates a carried-over value against the current version (ValidateResolve validates whichever value it resolves)', () => {
    const { values, problems } = resolve([param('region', { options: opts('us', 'ap') })], { previous: { region: 'eu' } });
    expect(values).toEqual([]);
    expect(problems).toEqual([{ field: 'region', detail: 'Parameter "region": "eu" is not one of the options (us, ap).' }]);
  });

  it('refuses a carried-over number now above the max', () => {
    const { values, problems } = resolve([param('cpu', { type: 'number', validation_min: 1, validation_max: 8 })], { previous: { cpu: '16' } });
    expect(values).toEqual([]);
    expect(problems).toEqual([{ field: 'cpu', detail: 'Parameter "cpu" must be between 1 and 8, not 16.' }]);
  });
});

describe.each<ResolveInput['transition']>(['stop', 'delete'])('resolveBuildParameters: %s builds', (transition) => {
  const region = param('region', { default_value: 'us' });
  const cpu = param('cpu', { type: 'number', validation_min: 1, validation_max: 8 });

  it("carries the previous build's values over, in the version's order", () => {
    expect(resolve([region, cpu], { previous: { cpu: '4', region: 'eu' }, transition })).toEqual({
      values: [
        { name: 'region', value: 'eu' },
        { name: 'cpu', value: '4' },
      ],
      problems: [],
    });
  });

  it('drops previous values for parameters the version no longer declares', () => {
    expect(resolve([region], { previous: { region: 'eu', gone: 'x' }, transition })).toEqual(accepted('region', 'eu'));
  });

  it('uses a value supplied with the build, as a start would (wsbuilder resolves parameters for every transition)', () => {
    expect(resolve([region, cpu], { previous: { region: 'eu', cpu: '4' }, supplied: { cpu: '6' }, transition })).toEqual({
      values: [
        { name: 'region', value: 'eu' },
        { name: 'cpu', value: '6' },
      ],
      problems: [],
    });
  });

  it('validates a value supplied with the build', () => {
    expect(resolve([cpu], { previous: { cpu: '4' }, supplied: { cpu: '9' }, transition })).toEqual(refused('cpu', 'Parameter "cpu" must be between 1 and 8, not 9.'));
  });

  it('gives an ephemeral parameter its default rather than leaving it out', () => {
    const reset = param('reset', { type: 'bool', ephemeral: true, default_value: 'false' });
    expect(resolve([reset, region], { previous: { reset: 'true', region: 'eu' }, transition })).toEqual({
      values: [
        { name: 'reset', value: 'false' },
        { name: 'region', value: 'eu' },
      ],
      problems: [],
    });
  });
});

describe('resolveBuildParameters: problems', () => {
  const params = [
    param('region', { required: true }),
    param('cpu', { type: 'number', validation_min: 1, validation_max: 8 }),
    param('gpu', { type: 'bool', default_value: 'false' }),
    param('size', { options: opts('s', 'm', 'l'), default_value: 'm' }),
  ];

  it("reports one problem per parameter, in the version's order, and resolves the rest", () => {
    expect(resolve(params, { supplied: { gpu: 'maybe', cpu: '12' } })).toEqual({
      values: [{ name: 'size', value: 'm' }],
      problems: [
        { field: 'region', detail: 'Parameter "region" is required but was not provided.' },
        { field: 'cpu', detail: 'Parameter "cpu" must be between 1 and 8, not 12.' },
        { field: 'gpu', detail: 'Parameter "gpu" must be "true" or "false", not "maybe".' },
      ],
    });
  });

  it('gives each problem exactly a field (the parameter name) and a detail, as the API validations', () => {
    const { problems } = resolve(params, { supplied: { cpu: 'x', size: 'xl' } });
    expect(problems.map((p) => Object.keys(p).sort())).toEqual([
      ['detail', 'field'],
      ['detail', 'field'],
      ['detail', 'field'],
    ]);
    expect(problems.map((p) => p.field)).toEqual(['region', 'cpu', 'size']);
  });

  it('names the parameter, not its display name', () => {
    expect(firstWith(param('cpu_count', { type: 'number', display_name: 'CPU count' }), 'lots')).toEqual(
      refused('cpu_count', 'Parameter "cpu_count" must be a number, not "lots".'),
    );
  });

  it("lists resolved values in the version's order, whatever the order supplied", () => {
    expect(resolve(params, { supplied: { size: 'l', gpu: 'true', cpu: '2', region: 'eu' } })).toEqual({
      values: [
        { name: 'region', value: 'eu' },
        { name: 'cpu', value: '2' },
        { name: 'gpu', value: 'true' },
        { name: 'size', value: 'l' },
      ],
      problems: [],
    });
  });

  it('resolves a version without parameters to nothing', () => {
    expect(resolve([], { previous: {} })).toEqual({ values: [], problems: [] });
  });
});
