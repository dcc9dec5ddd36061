// A package reaches another through its name (tests too: the vitest aliases and the check config's
// paths point those names at the sources), never into its folders. Every way a path can name a
// module is checked: import and export declarations, `import()`, `require()` and the module
// arguments of vi.mock and its kin; a relative path is resolved against the linted file, so any
// number of `../` and a detour through `packages/` are caught alike.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const VI_MODULE_CALLS = new Set(['mock', 'doMock', 'unmock', 'doUnmock', 'importActual', 'importMock']);

/** The package a path lies in and the path inside it, or undefined outside packages/. */
function packageOf(path) {
  const parts = relative(ROOT, path).split(sep);
  return parts[0] === 'packages' && parts.length > 2 ? { name: parts[1], inside: parts.slice(2) } : undefined;
}

/** Why `specifier`, written in `filename`, reaches into another package's src, or undefined. */
export function srcReach(specifier, filename) {
  if (/^@kassa\/[^/]+\/src(\/|$)/.test(specifier)) return 'Import a package by its name alone; its src folder is not part of its interface.';
  if (!specifier.startsWith('.')) return undefined;
  const target = packageOf(resolve(dirname(resolve(ROOT, filename)), specifier));
  if (target === undefined || target.inside[0] !== 'src') return undefined;
  if (packageOf(resolve(ROOT, filename))?.name === target.name) return undefined;
  return `Import another package by its name (@kassa/${target.name}), not from its src folder.`;
}

const literal = (node) =>
  node?.type === 'Literal' && typeof node.value === 'string'
    ? node.value
    : node?.type === 'TemplateLiteral' && node.expressions.length === 0
      ? node.quasis[0].value.cooked
      : undefined;

/** @type {import('eslint').Rule.RuleModule} */
export const noPackageSrc = {
  meta: { type: 'problem', docs: { description: "refuses a path into another package's src folder" }, schema: [] },
  create(context) {
    const check = (node) => {
      const specifier = literal(node);
      const reason = specifier === undefined ? undefined : srcReach(specifier, context.filename);
      if (reason !== undefined) context.report({ node, message: reason });
    };
    const isViModuleCall = (callee) =>
      callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'vi' && VI_MODULE_CALLS.has(callee.property.name);
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => node.source && check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check((node.source ?? node.argument)?.literal ?? node.source),
      CallExpression: (node) => {
        const isRequire = node.callee.type === 'Identifier' && node.callee.name === 'require';
        if (isRequire || isViModuleCall(node.callee)) check(node.arguments[0]);
      },
    };
  },
};

export default { rules: { 'no-package-src': noPackageSrc } };
