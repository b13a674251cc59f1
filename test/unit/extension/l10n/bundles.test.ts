// The translations are complete and match what the code asks for: every user-visible string of
// package.json is a %key% of package.nls.json (and every entry there is used), every key and every
// runtime string (l10n/bundle.l10n.json, as the extraction tool produces it from src/ now) has a
// Japanese entry, and each translation keeps the placeholders, icons, links and setting references
// of its English text. A failure names exactly the keys that are missing, extra or different.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../support/paths';

type Json = Record<string, unknown>;
const read = (rel: string): Json => JSON.parse(fs.readFileSync(path.join(repoRoot, rel), 'utf8')) as Json;
const LANGUAGES = ['ja'];

/** Manifest fields a user reads (command palette, views, settings UI, walkthroughs, extension page). */
const VISIBLE_FIELDS = new Set(['displayName', 'description', 'title', 'shortTitle', 'category', 'name', 'contextualTitle', 'contents',
  'markdownDescription', 'enumDescriptions', 'markdownEnumDescriptions', 'deprecationMessage', 'markdownDeprecationMessage',
  'patternErrorMessage', 'errorMessage', 'altText', 'label']);

/** [json path, text] of every visible string under `node` (contributes, capabilities and the top-level texts). */
export function visibleStrings(node: unknown, at = ''): [string, string][] {
  if (Array.isArray(node)) { return node.flatMap((v, i) => visibleStrings(v, `${at}[${i}]`)); }
  if (node === null || typeof node !== 'object') { return []; }
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(node as Json)) {
    const p = at ? `${at}.${k}` : k;
    // `properties` maps setting ids to schemas: the ids are names, never texts; `default` values are data
    if (k === 'default' || k === 'examples') { continue; }
    if (VISIBLE_FIELDS.has(k) && typeof v === 'string') { out.push([p, v]); continue; }
    if (VISIBLE_FIELDS.has(k) && Array.isArray(v) && v.every(x => typeof x === 'string')) { v.forEach((x, i) => out.push([`${p}[${i}]`, x as string])); continue; }
    out.push(...visibleStrings(v, p));
  }
  return out;
}

/** What a translation must keep from the English text: {0}, $(icon), (command:…) links, `#setting#` references. */
export function tokens(text: string): string[] {
  const found = text.match(/\{\d+\}|\$\([a-z0-9-]+\)|\(command:[^)\s]+\)|#[\w.]+#/g) ?? [];
  return [...new Set(found)].sort();
}

/** The keys whose translation is missing, has no English original, or changes the tokens above. */
export function compareBundles(english: Json, translated: Json): { missing: string[]; extra: string[]; tokenMismatch: string[] } {
  const text = (v: unknown) => (typeof v === 'string' ? v : (v as { message?: string } | undefined)?.message ?? '');
  return {
    missing: Object.keys(english).filter(k => typeof translated[k] !== 'string' || translated[k] === ''),
    extra: Object.keys(translated).filter(k => !(k in english)),
    tokenMismatch: Object.keys(english).filter(k => typeof translated[k] === 'string' &&
      JSON.stringify(tokens(text(english[k]))) !== JSON.stringify(tokens(translated[k] as string))),
  };
}

function assertComplete(name: string, english: Json, translated: Json): void {
  const r = compareBundles(english, translated);
  const lines = [
    ...r.missing.map(k => `missing: ${JSON.stringify(k)}`),
    ...r.extra.map(k => `no English original: ${JSON.stringify(k)}`),
    ...r.tokenMismatch.map(k => `placeholders, icons or links differ: ${JSON.stringify(k)}`),
  ];
  assert.deepEqual(lines, [], `${name}:\n${lines.join('\n')}`);
}

describe('localisation bundles', function () {
  this.timeout(20000);
  const pkg = read('package.json');
  const nls = read('package.nls.json');

  it('package.json shows no hard-coded text: every visible string is a %key%', () => {
    const top = Object.entries({ displayName: pkg.displayName, description: pkg.description });
    const all = [...top.filter((e): e is [string, string] => typeof e[1] === 'string'), ...visibleStrings(pkg.contributes, 'contributes'), ...visibleStrings(pkg.capabilities, 'capabilities')];
    assert.ok(all.length > 50, `only ${all.length} visible strings found: the walk missed the manifest`);
    const hardCoded = all.filter(([, v]) => !/^%[^%\s]+%$/.test(v)).map(([p, v]) => `${p}: ${JSON.stringify(v)}`);
    assert.deepEqual(hardCoded, [], `hard-coded in package.json:\n${hardCoded.join('\n')}`);
  });

  it('package.json and package.nls.json agree: every %key% has an entry, every entry is used', () => {
    const used = new Set([...JSON.stringify(pkg).matchAll(/"%([^%"\s]+)%"/g)].map(m => m[1]));
    const undefinedKeys = [...used].filter(k => typeof nls[k] !== 'string');
    const unused = Object.keys(nls).filter(k => !used.has(k));
    assert.deepEqual({ undefinedKeys, unused }, { undefinedKeys: [], unused: [] });
  });

  for (const lang of LANGUAGES) {
    it(`package.nls.${lang}.json translates every key with the same placeholders, icons and links`, () => {
      assertComplete(`package.nls.${lang}.json`, nls, read(`package.nls.${lang}.json`));
    });

    it(`l10n/bundle.l10n.${lang}.json translates every runtime string with the same placeholders`, () => {
      assertComplete(`l10n/bundle.l10n.${lang}.json`, read('l10n/bundle.l10n.json'), read(`l10n/bundle.l10n.${lang}.json`));
    });

    it(`every walkthrough step's Markdown has a ${lang} version next to it`, () => {
      const walkthroughs = ((pkg.contributes as Json).walkthroughs ?? []) as { steps: { id: string; media: { markdown?: string } }[] }[];
      const files = walkthroughs.flatMap(w => w.steps.map(s => s.media.markdown)).filter((f): f is string => f !== undefined);
      assert.ok(files.length >= 4, `walkthrough media: ${JSON.stringify(files)}`);
      const missing = files.flatMap(f => [f, f.replace(/\.md$/, `.nls.${lang}.md`)]).filter(f => !fs.existsSync(path.join(repoRoot, f)));
      assert.deepEqual(missing, []);
    });
  }

  it('l10n/bundle.l10n.json is what the extraction produces from src/ now (npm run l10n regenerates it)', async () => {
    const r = await promisify(execFile)(process.execPath, [path.join(repoRoot, 'scripts/l10n-bundle.mjs'), '--check'], { cwd: repoRoot })
      .then(x => ({ code: 0, out: x.stdout }), (e: { code?: number; stdout?: string }) => ({ code: e.code ?? 1, out: e.stdout ?? '' }));
    assert.equal(r.code, 0, r.out);
    const count = Object.keys(read('l10n/bundle.l10n.json')).length;
    assert.ok(count > 150, `only ${count} runtime strings`);
  });

  it('the checks catch what they are for: a dropped key, a lost placeholder and a hard-coded title are named', () => {
    const english = { 'Port {0} is free.': 'Port {0} is free.', 'Kill': 'Kill', '$(copy) Copy PID': '$(copy) Copy PID' };
    const r = compareBundles(english, { 'Port {0} is free.': 'ポートは空いています。', '$(copy) Copy PID': '$(copy) PID をコピー', 'Stale': 'x' });
    assert.deepEqual(r, { missing: ['Kill'], extra: ['Stale'], tokenMismatch: ['Port {0} is free.'] });
    assert.deepEqual(visibleStrings({ commands: [{ command: 'a.b', title: 'Scan Target…', category: '%c%' }] }, 'contributes'),
      [['contributes.commands[0].title', 'Scan Target…'], ['contributes.commands[0].category', '%c%']]);
  });
});
