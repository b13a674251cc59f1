// Any user can start a process, and its command line is theirs to write. In the real Ports view, a
// listener whose command line closes a Markdown code fence and follows it with a heading and a
// command link must show up in its tooltip as text: one code block holding the whole command line.
// The tooltip is rendered with marked, the library VS Code renders hovers with.
import * as assert from 'assert';
import { marked } from 'marked';
import { runHolder, TCP_LISTENER, type Holder } from '../unit/support/children';
import { flatten, tree } from './helpers/portsApi';

// The hostile part is a block comment of the child's script, so it ends up in its command line.
// An indented fence closes a code block too (CommonMark allows up to three spaces before it), and
// a fence computed from line-start backticks only misses it.
const HOSTILE = `${TCP_LISTENER('127.0.0.1')}
/*
  \`\`\`
# Pwned
[Reload](command:workbench.action.reloadWindow) <img src=x onerror=alert(1)>
*/`;

describe('Ports view tooltips with a hostile command line', function () {
  this.timeout(60000);
  let h: Holder<{ port: number }> | undefined;
  after(async () => { await h?.stop(); });

  it('the command line stays inside one code block: no heading, link or image from it', async () => {
    h = await runHolder<{ port: number }>(HOSTILE);
    const items = flatten(await tree());
    const proc = items.find(i => i.id.includes(String(h!.pid)) && i.tooltip.includes('Pwned'));
    assert.ok(proc, `no process row for pid ${h.pid}: ${items.filter(i => i.tooltip.includes(String(h!.pid))).map(i => i.id).join(', ')}`);
    const html = marked.parse(proc.tooltip, { async: false });
    assert.doesNotMatch(html, /<h[1-6]|<a |<img/i, html);
    const blocks = [...html.matchAll(/<pre><code[^>]*>([^]*?)<\/code><\/pre>/g)];
    assert.strictEqual(blocks.length, 1, html);
    assert.match(blocks[0][1], / {2}```\n# Pwned\n\[Reload\]\(command:workbench\.action\.reloadWindow\) &lt;img src=x onerror=alert\(1\)&gt;/);
  });
});
