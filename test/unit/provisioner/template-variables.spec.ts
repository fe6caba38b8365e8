// Template variables in the built-in provisioner's document: declared per template, valued by the
// template author per version, substituted as `${var.NAME}`.
import { describe, expect, it } from '@jest/globals';
import { interpolate, resolveVariables } from '#provisioner/json-provisioner.js';
import { ProvisionerError } from '#provisioner/provisioner.js';
import { parseTemplateDocument, TemplateDocumentError } from '#provisioner/template-document.js';

const parse = (variables: unknown) => parseTemplateDocument(JSON.stringify({ variables }));

describe('variables in the template document', () => {
  it('a variable without a default is required; defaults of any scalar type are stored as strings', () => {
    expect(parse([{ name: 'region' }, { name: 'cpus', type: 'number', default: 2 }, { name: 'gpu', type: 'bool', default: false, sensitive: true, description: 'x' }]).variables).toEqual([
      { name: 'region', description: '', type: 'string', default_value: '', required: true, sensitive: false },
      { name: 'cpus', description: '', type: 'number', default_value: '2', required: false, sensitive: false },
      { name: 'gpu', description: 'x', type: 'bool', default_value: 'false', required: false, sensitive: true },
    ]);
  });

  it.each<[string, unknown, string]>([
    ['a default that does not fit the type', [{ name: 'cpus', type: 'number', default: 'many' }], 'main.coder.json.variables[0].default: "many" is not a number'],
    ['a bool default that is not true or false', [{ name: 'on', type: 'bool', default: 'yes' }], 'main.coder.json.variables[0].default: "yes" is not true or false'],
    ['an object default', [{ name: 'x', default: { a: 1 } }], 'main.coder.json.variables[0].default: must be a string, number or boolean'],
    ['an unknown type', [{ name: 'x', type: 'map' }], 'main.coder.json.variables[0].type: must be one of string, number, bool'],
    ['a name Terraform would refuse', [{ name: '9lives' }], 'main.coder.json.variables[0].name: must start with a letter'],
    ['a duplicate name', [{ name: 'a' }, { name: 'a' }], 'main.coder.json.variables: duplicate variable name "a"'],
    ['an unknown field', [{ name: 'a', validation: {} }], 'main.coder.json.variables[0].validation: is not a known field'],
  ])('refuses %s', (_what, variables, message) => {
    expect(() => parse(variables)).toThrow(TemplateDocumentError);
    expect(() => parse(variables)).toThrow(message);
  });
});

describe('resolveVariables', () => {
  const decls = parse([{ name: 'region' }, { name: 'cpus', type: 'number', default: 2 }]).variables;

  it('a given value wins over the default; a missing optional one takes the default', () => {
    expect(resolveVariables(decls, [{ name: 'region', value: 'eu-west' }])).toEqual({
      variables: [
        { ...decls[0], value: 'eu-west' },
        { ...decls[1], value: '2' },
      ],
      ignored: [],
    });
  });

  it('fails the import when a required variable has no value, naming it', () => {
    expect(() => resolveVariables(decls, [])).toThrow(new ProvisionerError('Required template variables need values: region. Set them in user_variable_values.'));
  });

  it('fails the import when a value does not fit the type', () => {
    expect(() => resolveVariables(decls, [{ name: 'region', value: 'x' }, { name: 'cpus', value: 'lots' }])).toThrow('Variable "cpus": "lots" is not a number.');
  });

  it('values for undeclared variables are ignored and named (a client sends the previous version\'s values along)', () => {
    expect(resolveVariables(decls, [{ name: 'region', value: 'x' }, { name: 'gone', value: 'y' }]).ignored).toEqual(['gone']);
  });
});

describe('interpolate', () => {
  const ctx = {
    workspace: { id: 'w-1', name: 'dev', owner: 'alice', owner_id: 'u-1' },
    parameters: new Map([['size', 'large']]),
    variables: new Map([['region', 'eu-west']]),
  };

  it('replaces ${var.NAME}, ${parameter.NAME} and ${workspace.*}; leaves unknown references as written', () => {
    expect(interpolate('${var.region}/${parameter.size}/${workspace.owner}/${var.nope}/${data.x}', ctx)).toBe('eu-west/large/alice/${var.nope}/${data.x}');
  });
});
