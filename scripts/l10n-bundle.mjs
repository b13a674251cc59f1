// Regenerates l10n/bundle.l10n.json (the English runtime strings VS Code's l10n API looks up) from the
// sources with @vscode/l10n-dev, and checks it with --check (exit 1, naming each added or removed key).
//   node scripts/l10n-bundle.mjs          write l10n/bundle.l10n.json      (npm run l10n)
//   node scripts/l10n-bundle.mjs --check  compare only; print the differences
// The extraction tool only reads files that import `vscode`: sentences built under src/core and in
// plain-Node helpers call `l10n.t(…)` on a parameter named `l10n` (src/core/l10n.ts), so those files
// are handed to it as if they imported `vscode`, which makes it pick up their `l10n.t` calls too.
import { getL10nJson } from '@vscode/l10n-dev';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = path.join(root, 'l10n/bundle.l10n.json');
const IMPORTS_VSCODE = /^import\s+(\*\s+as\s+\w+|\{[^}]*\})\s+from\s+'vscode';/m;

function tsFiles(dir) {
  return readdirSync(dir).sort().flatMap(name => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
  });
}

export async function exportBundle() {
  const files = tsFiles(path.join(root, 'src')).map(p => {
    const text = readFileSync(p, 'utf8');
    const contents = IMPORTS_VSCODE.test(text) || !text.includes('l10n.t(') ? text : `import * as vscode from 'vscode';\n${text}`;
    return { contents, extension: '.ts' };
  });
  const json = await getL10nJson(files);
  return Object.fromEntries(Object.keys(json).sort().map(k => [k, json[k]]));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const fresh = await exportBundle();
  const text = `${JSON.stringify(fresh, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    let old = {};
    try { old = JSON.parse(readFileSync(bundlePath, 'utf8')); } catch { /* missing: everything is added */ }
    const added = Object.keys(fresh).filter(k => !(k in old));
    const removed = Object.keys(old).filter(k => !(k in fresh));
    if (added.length || removed.length) {
      for (const k of added) { console.log(`+ ${JSON.stringify(k)}`); }
      for (const k of removed) { console.log(`- ${JSON.stringify(k)}`); }
      console.log(`l10n/bundle.l10n.json is out of date (${added.length} added, ${removed.length} removed): run npm run l10n`);
      process.exit(1);
    }
    console.log(`l10n/bundle.l10n.json is up to date (${Object.keys(fresh).length} strings)`);
  } else {
    mkdirSync(path.dirname(bundlePath), { recursive: true });
    writeFileSync(bundlePath, text);
    console.log(`wrote l10n/bundle.l10n.json (${Object.keys(fresh).length} strings)`);
  }
}
