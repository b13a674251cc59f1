// The README is also the Marketplace page, and the docs are reached from it: a moved or renamed
// file must not leave a dead link behind, and the README must stay short enough to read as a page.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/paths';

const README_LIMIT = 20_000;

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[`*_]/g, '').replace(/[^\p{L}\p{N} -]/gu, '').replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) { inFence = !inFence; continue; }
    const m = !inFence && /^#{1,6} (.*)$/.exec(line);
    if (m) { anchors.add(anchorOf(m[1])); }
  }
  return anchors;
}

/** Relative links of a Markdown file, outside code fences and inline code. */
function relativeLinks(file: string): string[] {
  const links: string[] = [];
  let inFence = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) { inFence = !inFence; continue; }
    if (inFence) { continue; }
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z]+:/i.test(m[1])) { links.push(m[1]); }
    }
  }
  return links;
}

const markdownFiles = [
  path.join(repoRoot, 'README.md'),
  path.join(repoRoot, 'CONTRIBUTING.md'),
  ...fs.readdirSync(path.join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join(repoRoot, 'docs', f)),
];

describe('README and docs', () => {
  it(`the README stays within ${README_LIMIT.toLocaleString('en')} bytes`, () => {
    const size = fs.statSync(path.join(repoRoot, 'README.md')).size;
    assert.ok(size <= README_LIMIT, `README.md is ${size} bytes`);
  });

  for (const file of markdownFiles) {
    it(`every relative link of ${path.relative(repoRoot, file)} reaches a file and heading`, () => {
      const dead: string[] = [];
      for (const link of relativeLinks(file)) {
        const [target, anchor] = link.split('#', 2);
        const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
        if (!fs.existsSync(resolved)) { dead.push(`${link} (no such file)`); continue; }
        if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) { dead.push(`${link} (no such heading)`); }
      }
      assert.deepEqual(dead, []);
    });
  }
});
