// ESLint rules for the project's rooms (the `#room/*` subpath imports in package.json).
// - `relative-imports-stay-home`: a relative import may not leave its room, nor climb three or more
//   folders inside a room that has an alias; anything further away is named by its room (`#httpapi/http.js`).
// - `no-enterprise-imports`: code outside apps/enterprise never imports the enterprise room.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const { imports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** room name -> folder relative to the root; test/ is a room of its own without an alias (nothing imports it). */
const rooms = Object.fromEntries([
  ...Object.entries(imports).map(([alias, target]) => [
    alias.slice(1, -2),
    target.replace(/^\.\/dist\//, '').replace(/\/\*$/, ''),
  ]),
  ['test', 'test'],
]);

const aliased = Object.fromEntries(Object.keys(imports).map((alias) => [alias.slice(1, -2), true]));

function roomOf(file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  for (const [name, dir] of Object.entries(rooms)) {
    if (rel === dir || rel.startsWith(dir + '/')) return { name, inner: rel.slice(dir.length + 1) };
  }
  return undefined;
}

function sources(context, check) {
  const visit = (node) => node.source && typeof node.source.value === 'string' && check(node.source, node.source.value);
  return {
    ImportDeclaration: visit,
    ExportNamedDeclaration: visit,
    ExportAllDeclaration: visit,
    ImportExpression: visit,
  };
}

const relativeImportsStayHome = {
  meta: { type: 'problem', schema: [], messages: {
    leaves: "'{{spec}}' leaves the {{from}} room; import it as '#{{to}}/{{inner}}'.",
    outside: "'{{spec}}' leaves the {{from}} room for a folder that is no room.",
    climbs: "'{{spec}}' climbs {{ups}} folders; import it as '#{{to}}/{{inner}}'.",
  } },
  create(context) {
    const from = roomOf(context.filename);
    if (!from) return {};
    return sources(context, (node, spec) => {
      if (!spec.startsWith('./') && !spec.startsWith('../')) return;
      const target = roomOf(path.resolve(path.dirname(context.filename), spec));
      const ups = spec.split('/').filter((s) => s === '..').length;
      const data = { spec, from: from.name, to: target?.name ?? '?', inner: target?.inner ?? spec, ups };
      // Specs may load the project's tooling (scripts/); product code only imports rooms.
      if (!target) {
        if (from.name !== 'test') context.report({ node, messageId: 'outside', data });
      }
      else if (target.name !== from.name) context.report({ node, messageId: 'leaves', data });
      else if (ups >= 3 && target.name in aliased) context.report({ node, messageId: 'climbs', data });
    });
  },
};

const noEnterpriseImports = {
  meta: { type: 'problem', schema: [], messages: {
    enterprise: "AGPL code must not import enterprise code ('{{spec}}'): put the behaviour behind an injection token with an AGPL default.",
  } },
  create(context) {
    if (roomOf(context.filename)?.name === 'enterprise') return {};
    return sources(context, (node, spec) => {
      const resolved = spec.startsWith('.') ? roomOf(path.resolve(path.dirname(context.filename), spec))?.name : undefined;
      if (spec.startsWith('#enterprise/') || resolved === 'enterprise') {
        context.report({ node, messageId: 'enterprise', data: { spec } });
      }
    });
  },
};

export default {
  rules: { 'relative-imports-stay-home': relativeImportsStayHome, 'no-enterprise-imports': noEnterpriseImports },
};
