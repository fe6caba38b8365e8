import { describe, expect, it } from '@jest/globals';
import { zipSync } from 'fflate';
import { checkTar, readTarFile, zipToTar } from '#provisioner/archive.js';
import { readTar, TarFormatError, writeTar } from '#provisioner/tar.js';
import { parseTemplateDocument, TemplateDocumentError } from '#provisioner/template-document.js';

const enc = new TextEncoder();

describe('tar', () => {
  it('round-trips files and directories, including paths longer than 100 bytes', () => {
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file.txt`;
    const tar = writeTar([
      { name: 'dir', type: 'directory', data: new Uint8Array() },
      { name: 'dir/a.txt', type: 'file', data: enc.encode('hello') },
      { name: long, type: 'file', data: enc.encode('x'.repeat(1000)) },
    ]);
    expect(tar.length % 512).toBe(0);
    const entries = readTar(tar);
    expect(entries.map((e) => [e.name, e.type])).toEqual([['dir', 'directory'], ['dir/a.txt', 'file'], [long, 'file']]);
    expect(new TextDecoder().decode(entries[2].data)).toBe('x'.repeat(1000));
  });

  it('refuses a corrupted header and a truncated archive', () => {
    const tar = writeTar([{ name: 'a', type: 'file', data: enc.encode('abc') }]);
    const corrupt = Uint8Array.from(tar);
    corrupt[0] = 'b'.charCodeAt(0);
    expect(() => readTar(corrupt)).toThrow(TarFormatError);
    const big = writeTar([{ name: 'a', type: 'file', data: new Uint8Array(2000) }]);
    expect(() => readTar(big.subarray(0, 1024))).toThrow('truncated');
  });
});

describe('zip uploads', () => {
  it('become the equivalent tar', () => {
    const tar = zipToTar(zipSync({ 'main.coder.json': enc.encode('{}'), 'sub/': new Uint8Array(), 'sub/x': enc.encode('1') }));
    expect(readTarFile(tar, 'main.coder.json')).toBe('{}');
    expect(readTarFile(tar, 'sub/x')).toBe('1');
  });

  it('refuse entries outside the archive root', () => {
    expect(() => zipToTar(zipSync({ '../evil': enc.encode('x') }))).toThrow('outside its root');
    expect(() => checkTar(writeTar([{ name: 'a/../../b', type: 'file', data: enc.encode('x') }]))).toThrow('outside its root');
  });
});

describe('template document', () => {
  it('fills Coder defaults: a parameter without default is required; resources exist on start', () => {
    const doc = parseTemplateDocument(JSON.stringify({ parameters: [{ name: 'a' }, { name: 'b', default: 3 }], resources: [{ name: 'r', type: 't' }] }));
    expect(doc.parameters.map((p) => [p.name, p.required, p.default_value])).toEqual([['a', true, ''], ['b', false, '3']]);
    expect(doc.resources[0].transitions).toEqual(['start']);
    expect(doc.outcomes.start.apply).toEqual({ logs: [], error: null, hang: false });
  });

  it.each([
    ['{', 'not valid JSON'],
    ['{"resourcez": []}', 'main.coder.json.resourcez: is not a known field'],
    ['{"parameters": [{"name": "a"}, {"name": "a"}]}', 'duplicate parameter name "a"'],
    ['{"parameters": [{"name": "a", "type": "float"}]}', 'main.coder.json.parameters[0].type: must be one of'],
    ['{"parameters": [{"name": "a", "validation": {"regex": "("}}]}', 'regex: is not a valid regular expression'],
    ['{"resources": [{"name": "r", "type": "t", "agents": [{"name": "x", "apps": [{"slug": "Bad_Slug"}]}]}]}', 'apps[0].slug'],
    ['{"resources": [{"name": "r", "type": "t", "agents": [{"name": "x", "token": "nope"}]}]}', 'token: must be a UUID'],
    ['{"resources": [{"name": "r", "type": "t", "transitions": ["delete"]}]}', 'transitions[0]: must be one of start, stop'],
  ])('%s is refused naming the field', (text, message) => {
    expect(() => parseTemplateDocument(text)).toThrow(TemplateDocumentError);
    expect(() => parseTemplateDocument(text)).toThrow(message);
  });
});
