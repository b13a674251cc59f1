import * as assert from 'node:assert/strict';
import { classifyHolder, conflicts, isInsideFolder, portState, renderStatusBar, type PortStatus } from '../../../../src/extension/devPorts/devPortsSummary';
import type { ProcessInfo } from '../../../../src/core/model';
import { marked } from 'marked';

// The check itself (which watched port is bound, and by whom) is Collector.probePorts, tested with the collectors.
const proc = (pid: number, cwd: string, name = 'node'): ProcessInfo => ({ pid, ppid: 1, name, commandLine: `${name} server.js`, cwd, user: 'dev', startTime: 1000 + pid });

describe('dev-port ownership and status-bar text', () => {
  const ctx = { terminals: new Map([[500, 'zsh']]), folders: [{ name: 'app', path: '/home/dev/app' }], vscodePids: new Set([300, 301]) };

  it('classifies holders: terminal descendant, VS Code itself, cwd inside a folder, anyone else', () => {
    assert.deepEqual(classifyHolder(proc(900, '/tmp'), [800, 500, 1], ctx), { kind: 'terminal', terminalPid: 500, terminalName: 'zsh' });
    assert.deepEqual(classifyHolder(proc(500, '/tmp'), [1], ctx), { kind: 'terminal', terminalPid: 500, terminalName: 'zsh' });
    assert.deepEqual(classifyHolder(proc(301, '/'), [300, 1], ctx), { kind: 'vscode' });
    assert.deepEqual(classifyHolder(proc(902, '/home/dev/app/packages/web'), [301, 300, 1], ctx), { kind: 'workspace', folder: 'app' });
    assert.deepEqual(classifyHolder(proc(903, '/home/dev/app2'), [1], ctx), { kind: 'other' });
    assert.deepEqual(classifyHolder(proc(904, ''), [1], ctx), { kind: 'other' }, 'an unreadable cwd is not inside anything');
    assert.equal(isInsideFolder('/home/dev/app', '/home/dev/app'), true);
    assert.equal(isInsideFolder('/home/dev/apple', '/home/dev/app'), false);
  });

  it('a process of one of this window\'s tasks is labelled with the task, not its terminal', () => {
    const withTask = { ...ctx, tasks: new Map([[500, 'dev']]) };
    const ownership = classifyHolder(proc(900, '/tmp'), [800, 500, 1], withTask);
    assert.deepEqual(ownership, { kind: 'terminal', terminalPid: 500, terminalName: 'zsh', taskName: 'dev' });
    const held = { holder: { ...proc(900, '/tmp'), fd: 20 }, ownership };
    const v = renderStatusBar([{ port: 4000, protocol: 'tcp', sources: [], state: 'own', holders: [held], ignored: false }], 'always', false);
    assert.match(v.tooltip, /node \(pid 900, dev\) — from task "dev": `node server\.js`/);
    assert.doesNotMatch(v.tooltip, /from terminal/);
  });

  const status = (port: number, state: PortStatus['state'], holders: PortStatus['holders'] = [], ignored = false): PortStatus =>
    ({ port, protocol: 'tcp', sources: [{ folder: 'app', file: 'package.json', line: 5, detail: 'script "dev": vite --port 5173', kind: 'explicit' }], state, holders, ignored });

  it('warning text names the first conflicting process; +N for more; the tooltip lists every port with its source', () => {
    const other = { holder: { ...proc(41233, '/tmp'), fd: 20 }, ownership: { kind: 'other' as const } };
    const mine = { holder: { ...proc(41300, '/tmp'), fd: 21 }, ownership: { kind: 'terminal' as const, terminalPid: 500, terminalName: 'zsh' } };
    const statuses = [status(3000, portState(1, [other], false), [other]), status(4000, portState(1, [mine], false), [mine]), status(5173, portState(0, [], false)), status(8080, portState(1, [], true))];
    assert.deepEqual(statuses.map(s => s.state), ['conflict', 'own', 'free', 'hidden']);
    const v = renderStatusBar(statuses, 'auto', false);
    assert.equal(v.text, '$(warning) 3000 taken by node (41233) +1');
    assert.equal(v.warning, true);
    assert.equal(v.visible, true);
    assert.match(v.tooltip, /\*\*3000\*\* taken\n- node \(pid 41233, dev\) — cwd `\/tmp`: `node server\.js`/);
    assert.match(v.tooltip, /\*\*4000\*\* held by this workspace\n- node \(pid 41300, dev\) — from terminal "zsh"/);
    assert.match(v.tooltip, /\*\*5173\*\* free\n- detected: package\.json:5 \(script "dev": vite --port 5173\)/);
    assert.match(v.tooltip, /\*\*8080\*\* taken — owner not visible/);
    const odd = { holder: { ...proc(7, '/tmp', 'sh'), commandLine: 'sh -c `x` $(date)', fd: 3 }, ownership: { kind: 'other' as const } };
    assert.match(renderStatusBar([status(9, 'conflict', [odd])], 'auto', false).tooltip, /: ``sh -c `x` \$\u200b\(date\)``/, 'no backtick or theme icon escapes the code span');
  });

  it('quiet when nothing conflicts: a neutral count, or hidden per setting; ignored ports never warn', () => {
    const other = { holder: { ...proc(41233, '/tmp'), fd: 20 }, ownership: { kind: 'other' as const } };
    const quiet = [status(5173, 'free'), status(3000, 'conflict', [other], true)];
    assert.deepEqual(conflicts(quiet), []);
    assert.deepEqual(pick(renderStatusBar(quiet, 'auto', false)), { visible: true, text: '$(radio-tower) 2', warning: false });
    assert.equal(renderStatusBar(quiet, 'warningsOnly', false).visible, false);
    assert.equal(renderStatusBar(quiet, 'hidden', false).visible, false);
    assert.equal(renderStatusBar([], 'auto', false).visible, false);
    assert.deepEqual(pick(renderStatusBar([], 'always', false)), { visible: true, text: '$(radio-tower) 0', warning: false });
    assert.equal(renderStatusBar([status(3000, 'conflict', [other])], 'warningsOnly', false).visible, true);
    assert.equal(renderStatusBar([status(3000, 'conflict', [other])], 'hidden', false).visible, false);
  });
});

function pick(v: { visible: boolean; text: string; warning: boolean }) {
  return { visible: v.visible, text: v.text, warning: v.warning };
}

describe('status-bar tooltip with hostile names', () => {
  // The tooltip is rendered by VS Code with marked; so is it here, to see what a user would see.
  const render = (md: string) => marked.parse(md, { async: false });
  const hostileScript = 'dev\n# Pwned\n[Reload](command:workbench.action.reloadWindow) <img src=x> https://evil.example';
  const status: PortStatus = {
    port: 5173, protocol: 'tcp', state: 'conflict', ignored: false,
    sources: [{ folder: 'app', file: 'package.json', line: 5, detail: `script "${hostileScript}": vite`, kind: 'explicit' }],
    holders: [{
      holder: { pid: 4242, ppid: 1, name: '\u001b[2K\u001b[1Asshd', user: 'eve', startTime: 1, fd: 3, cwd: '/tmp/```\n## x', commandLine: 'node -e "```\n</code><a href=command:x>x</a>" $(alert) \u202eevil' },
      ownership: { kind: 'other' },
    }],
  };

  it('a script name with line breaks adds no heading, link, image or list item; controls are shown as escapes', () => {
    const md = renderStatusBar([status], 'auto', false, ['watchPorts: "\n# also"']).tooltip;
    const html = render(md);
    assert.doesNotMatch(html, /<h[1-6]|<a |<img|<script/i, html);
    assert.equal((html.match(/<li>/g) ?? []).length, 2, `one holder line and one source line:\n${html}`);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.doesNotMatch(md, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/, 'no control or bidi character reaches the tooltip');
    assert.match(html, /\\x1b\[2K\\x1b\[1Asshd/, 'the escape sequence is visible as text');
    assert.match(html, /\\u202eevil/);
    assert.match(html, /dev\\n# Pwned\\n\[Reload\]\(command:workbench\.action\.reloadWindow\) &lt;img src=x&gt;/, 'the script name reads as written, on one line');
    assert.doesNotMatch(md, /\$\(alert\)/, 'no theme icon from data');
  });

  it('a command line with backticks stays inside its code span', () => {
    const html = render(renderStatusBar([status], 'auto', false).tooltip);
    const spans = [...html.matchAll(/<code>([^]*?)<\/code>/g)].map(m => m[1]);
    assert.ok(spans.some(s => s.includes('node -e &quot;```\\n&lt;/code&gt;&lt;a href=command:x&gt;x&lt;/a&gt;&quot;')), spans.join('\n'));
    assert.ok(spans.some(s => s.includes('/tmp/```\\n## x')), spans.join('\n'));
  });

  it('the status-bar text shows a hostile process name without controls or icons', () => {
    const v = renderStatusBar([status], 'auto', false);
    assert.equal(v.text, '$(warning) 5173 taken by \\x1b[2K\\x1b[1Asshd (4242)');
  });
});
