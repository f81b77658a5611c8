import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const repo = path.resolve(__dirname, '../..');

/** Every property of every interface the package exports, with what its TSDoc says. */
function exportedInterfaceProps(): Array<{ name: string; optional: boolean; summary: string; defaultTag?: string }> {
  const program = ts.createProgram([path.join(repo, 'lib/index.ts')], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(path.join(repo, 'lib/index.ts'))!)!;
  const out: Array<{ name: string; optional: boolean; summary: string; defaultTag?: string }> = [];
  for (const exported of checker.getExportsOfModule(index)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    for (const decl of symbol.declarations ?? []) {
      if (!ts.isInterfaceDeclaration(decl)) continue;
      for (const member of decl.members) {
        if (!ts.isPropertySignature(member)) continue;
        const prop = checker.getSymbolAtLocation(member.name)!;
        const tags = prop.getJsDocTags(checker);
        const defaultTag = tags.find((t) => t.name === 'default');
        out.push({
          name: `${decl.name.text}.${member.name.getText()}`,
          optional: member.questionToken !== undefined,
          summary: ts.displayPartsToString(prop.getDocumentationComment(checker)).trim(),
          defaultTag: defaultTag ? ts.displayPartsToString(defaultTag.text).trim() : undefined,
        });
      }
    }
  }
  return out;
}

describe('TSDoc of the public API', () => {
  const props = exportedInterfaceProps();

  test('the package exports the props interfaces that users write', () => {
    const names = new Set(props.map((p) => p.name.split('.')[0]));
    for (const i of ['CanaryAppProps', 'ContainerOptions', 'RunAppOptions', 'ApplySetOptions']) expect(names).toContain(i);
  });

  test('every optional property states its default with @default', () => {
    const missing = props.filter((p) => p.optional && !p.defaultTag).map((p) => p.name);
    expect(missing).toEqual([]);
  });

  test('every required property says what it holds', () => {
    const missing = props.filter((p) => !p.optional && !p.summary).map((p) => p.name);
    expect(missing).toEqual([]);
  });
});

test('docs/api/ is what `npm run docs` generates from the TSDoc (run it after changing the public API)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-'));
  try {
    // Type errors are `tsc --noEmit`'s to report (`npm test` runs it first); the output is the same without the check.
    const typedoc = [path.join(repo, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Error', '--skipErrorChecking'];
    const res = spawnSync(process.execPath, typedoc, { cwd: repo, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const committed = path.join(repo, 'docs/api');
    const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
    expect(list(committed)).toEqual(list(out));
    for (const f of list(out)) expect(fs.readFileSync(path.join(committed, f), 'utf8')).toBe(fs.readFileSync(path.join(out, f), 'utf8'));
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
