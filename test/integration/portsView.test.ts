// The Ports view in the real workbench: what a child process listens on appears in the tree with
// the right owner and disappears when it exits; ids stay unique; grouping, filter and connections
// toggles change what is rendered; refreshing stops while the view is hidden.
import * as assert from 'assert';
import * as dns from 'dns';
import * as net from 'net';
import * as vscode from 'vscode';
import { MULTI_LISTENER, runHolder, TCP_LISTENER, waitFor, type Holder } from '../unit/support/children';
import { flatten, plainText, portRow, portsApi, tree } from './helpers/portsApi';

const VIEW_FOCUS = 'portInspector.ports.focus';

describe('Ports view', function () {
  this.timeout(60000);
  const holders: Holder<unknown>[] = [];
  after(async () => {
    for (const h of holders) { await h.stop(); }
    await vscode.commands.executeCommand('portInspector.clearFilter');
    await vscode.commands.executeCommand('portInspector.groupByPort');
    await vscode.commands.executeCommand('portInspector.hideConnections');
  });

  before(async () => {
    await portsApi();
    await vscode.commands.executeCommand(VIEW_FOCUS);
  });

  it('shows a child\'s TCP and UDP listeners (IPv4 and IPv6) with the right owner, and drops them when it exits', async () => {
    const h = await runHolder<{ tcp: number; udp: number; any: number }>(MULTI_LISTENER(true));
    holders.push(h);
    const { tcp, udp, any } = h.info;
    const items = await tree();
    for (const [protocol, port] of [['tcp', tcp], ['udp', udp]] as const) {
      const row = portRow(items, protocol, port);
      assert.ok(row, `${protocol} ${port} missing; rows: ${items.map(i => i.id).join(' ')}`);
      assert.strictEqual(row.label, `${port}  ${protocol}`);
      assert.match(row.description, new RegExp(`^(new · )?node · pid ${h.pid} · 127\\.0\\.0\\.1, \\[::1\\]$`));
      assert.strictEqual(row.icon, 'plug', 'loopback-only ports are not marked as reachable');
      assert.match(row.contextValue, /^port\b.*\bowned\b/);
      assert.strictEqual(/\btcpPort\b/.test(row.contextValue), protocol === 'tcp', 'Open in Browser only for TCP');
      const proc = row.children.filter(c => c.id.includes('/pid/'));
      assert.deepStrictEqual(proc.map(c => c.label), ['node']);
      assert.ok(proc[0].id.startsWith(`port/${protocol}:${port}/pid/${h.pid}@`), proc[0].id);
      assert.match(proc[0].description, new RegExp(`^pid ${h.pid} · \\S+$`));
      assert.match(proc[0].tooltip, /MULTI|ipv6Only|createServer/, 'tooltip carries the command line');
      const addrs = row.children.filter(c => c.id.includes('/addr/')).map(c => [c.label, c.icon]);
      assert.deepStrictEqual(addrs, [['127.0.0.1', 'lock'], ['[::1]', 'lock']]);
    }
    const anyRow = portRow(items, 'tcp', any);
    assert.ok(anyRow, 'wildcard listener missing');
    assert.strictEqual(anyRow.icon, 'broadcast', 'a port bound to all interfaces is marked as reachable');
    assert.match(anyRow.tooltip, /reachable from the network/);
    assert.doesNotMatch(portRow(items, 'tcp', tcp)!.tooltip, /reachable from the network/);
    assert.match(anyRow.description, /0\.0\.0\.0 \(all IPv4 interfaces\)$/);

    const ids = flatten(items).map(i => i.id);
    assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'tree ids are unique');
    // the /proc walk ran in the worker thread (dist/collectorWorker.js), not on the extension host's thread
    const where = (await portsApi()).collector();
    assert.strictEqual(where.worker, true, JSON.stringify(where));
    assert.strictEqual(where.workerStarts, 1);

    await h.stop();
    const after = await tree();
    for (const [protocol, port] of [['tcp', tcp], ['udp', udp], ['tcp', any]] as const) {
      assert.strictEqual(portRow(after, protocol, port), undefined, `${protocol} ${port} still shown after the child exited`);
    }
  });

  it('same port on IPv4 and IPv6 held by two processes: one row, two owners, unique ids', async () => {
    const a = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(a);
    const b = await runHolder<{ port: number }>(TCP_LISTENER('::1', a.info.port));
    holders.push(b);
    const row = portRow(await tree(), 'tcp', a.info.port);
    assert.ok(row);
    assert.match(row.description, /^(new · )?split · node · 2 processes · 127\.0\.0\.1, \[::1\]$/);
    // Who holds which part, and which one localhost reaches first (the resolver's first address here).
    const first = (await dns.promises.lookup('localhost', { all: true, verbatim: true }))[0].address;
    const firstPid = first === '::1' ? b.pid : a.pid;
    assert.match(plainText(row.tooltip), new RegExp(`split between processes: 127\\.0\\.0\\.1 by node \\(pid ${a.pid}\\); \\[::1\\] by node \\(pid ${b.pid}\\)`));
    assert.match(plainText(row.tooltip), new RegExp(`localhost:${a.info.port} reaches ${first === '::1' ? '\\[::1\\]' : '127\\.0\\.0\\.1'} first, held by node \\(pid ${firstPid}\\)`));
    const procs = row.children.filter(c => c.id.includes('/pid/'));
    assert.deepStrictEqual(procs.map(p => Number(/pid\/(\d+)@/.exec(p.id)![1])).sort(), [a.pid, b.pid].sort());
    assert.notStrictEqual(procs[0].id, procs[1].id);

    await vscode.commands.executeCommand('portInspector.groupByProcess');
    const byProc = await (await portsApi()).renderTree();
    const rowsA = byProc.filter(r => r.id.startsWith(`proc/${a.pid}@`));
    const rowsB = byProc.filter(r => r.id.startsWith(`proc/${b.pid}@`));
    assert.strictEqual(rowsA.length, 1);
    assert.strictEqual(rowsB.length, 1);
    assert.match(rowsA[0].description, new RegExp(`^pid ${a.pid} · .* · ${a.info.port}/tcp$`));
    assert.deepStrictEqual(rowsA[0].children.map(c => c.label), [`${a.info.port}  tcp`]);
    assert.deepStrictEqual(rowsA[0].children[0].children.map(c => c.label), ['127.0.0.1']);
    assert.deepStrictEqual(rowsB[0].children[0].children.map(c => c.label), ['[::1]']);
    const ids = flatten(byProc).map(i => i.id);
    assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    assert.strictEqual((await portsApi()).state().groupByProcess, true);
    await vscode.commands.executeCommand('portInspector.groupByPort');
    assert.ok(portRow(await (await portsApi()).renderTree(), 'tcp', a.info.port));
  });

  it('filter by port (exact) and by process name; the description shows it; clearing restores', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const api = await portsApi();
    await api.refresh();
    await vscode.commands.executeCommand('portInspector.filter', String(h.info.port));
    let rows = await api.renderTree();
    assert.deepStrictEqual(rows.map(r => r.id), [`port/tcp:${h.info.port}`]);
    assert.strictEqual(api.state().description, `filter: ${h.info.port}`);
    assert.strictEqual(api.state().filter, String(h.info.port));

    // a prefix of the port must not match it (80 vs 8080)
    await vscode.commands.executeCommand('portInspector.filter', String(h.info.port).slice(0, -1));
    rows = await api.renderTree();
    assert.ok(!rows.some(r => r.id === `port/tcp:${h.info.port}`));

    await vscode.commands.executeCommand('portInspector.filter', 'NoSuchProcessName-xyz');
    assert.deepStrictEqual(await api.renderTree(), []);
    assert.strictEqual(api.state().viewState, 'filteredEmpty');

    await vscode.commands.executeCommand('portInspector.filter', 'node');
    rows = await api.renderTree();
    assert.ok(rows.some(r => r.id === `port/tcp:${h.info.port}`));
    // the name or the command line of an owner contains "node" (the process rows' tooltips carry both)
    const offenders = rows.filter(r => !flatten([r]).some(i => /node/i.test(i.description) || /node/i.test(i.tooltip)));
    assert.deepStrictEqual(offenders.map(r => r.id), [], 'only ports of node processes remain');

    await vscode.commands.executeCommand('portInspector.clearFilter');
    assert.strictEqual(api.state().description, undefined);
    assert.strictEqual(api.state().filter, undefined);
    assert.notStrictEqual(api.state().viewState, 'filteredEmpty');
  });

  it('established connections toggle lists the client connected to the port', async () => {
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const client = await new Promise<net.Socket>((resolve, reject) => {
      const c = net.connect({ host: '127.0.0.1', port: h.info.port }, () => resolve(c));
      c.once('error', reject);
    });
    try {
      const connId = (r: { id: string }) => r.id.includes('/conn/');
      let row = portRow(await tree(), 'tcp', h.info.port);
      assert.ok(row);
      assert.ok(!row.children.some(connId), 'connections are hidden by default');
      await vscode.commands.executeCommand('portInspector.showConnections');
      row = portRow(await tree(), 'tcp', h.info.port);
      const conns = row!.children.filter(connId);
      assert.deepStrictEqual(conns.map(c => c.label), [`127.0.0.1:${client.localPort}`]);
      assert.match(conns[0].description, new RegExp(`^connected · node · pid ${h.pid}$`));
      await vscode.commands.executeCommand('portInspector.hideConnections');
      row = portRow(await tree(), 'tcp', h.info.port);
      assert.ok(!row!.children.some(connId));
    } finally {
      client.destroy();
    }
  });

  it('offers Reveal Working Directory only for a process whose cwd is inside the workspace', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const inside = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'), folder);
    holders.push(inside);
    const outside = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'), '/');
    holders.push(outside);
    const items = await tree();
    const flags = (port: number) => portRow(items, 'tcp', port)!.contextValue.split(' ');
    assert.ok(flags(inside.info.port).includes('cwdInWorkspace'), flags(inside.info.port).join(' '));
    assert.ok(!flags(outside.info.port).includes('cwdInWorkspace'), flags(outside.info.port).join(' '));
    const proc = portRow(items, 'tcp', inside.info.port)!.children.find(c => c.id.includes('/pid/'))!;
    assert.match(proc.contextValue, /^process\b.*\bowned\b.*\bcwdInWorkspace\b/);
    assert.ok(proc.tooltip.includes(folder), 'the tooltip shows the cwd');
  });

  it('marks a port that appeared since the last refresh as new', async () => {
    const api = await portsApi();
    await api.refresh();
    const h = await runHolder<{ port: number }>(TCP_LISTENER('127.0.0.1'));
    holders.push(h);
    const row = portRow(await tree(), 'tcp', h.info.port);
    assert.ok(row);
    assert.strictEqual(row.icon, 'plug');
    assert.strictEqual(row.iconColor, 'charts.green');
    assert.match(row.description, /^new · node/);
  });

  it('refreshes while visible and stops while hidden', async () => {
    const api = await portsApi();
    const config = vscode.workspace.getConfiguration('portInspector');
    await config.update('portsViewRefreshInterval', 0.5, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand(VIEW_FOCUS);
      assert.ok(await waitFor(() => api.viewVisible()), 'the view did not become visible');
      const c0 = api.collections();
      // the timer runs 500 ms apart (2.5 s when the browser window has no focus): expect at least 2 more
      const grew = await waitFor(() => api.collections() >= c0 + 2, 10000);
      assert.ok(grew, `only ${api.collections() - c0} collections in 10 s while visible (focused: ${vscode.window.state.focused})`);

      // Hide it: show another view container in the side bar.
      await vscode.commands.executeCommand('workbench.view.extensions');
      assert.ok(await waitFor(() => !api.viewVisible()), 'the view is still visible');
      // A collection already under way finishes (an explicit refresh joins it; hidden, it re-arms nothing).
      await api.refresh();
      const hidden0 = api.collections();
      assert.strictEqual(api.polling(), false, 'no timer armed while hidden');
      // A settings change refreshes a visible view at once; hidden, it must not. Absence can only be
      // seen over time: four refresh intervals, ended early by the first collection.
      await config.update('portsViewRefreshInterval', 0.6, vscode.ConfigurationTarget.Global);
      const collected = await waitFor(() => api.collections() > hidden0, 4 * 600, 50);
      assert.strictEqual(collected, false, `collected while the view was hidden (${api.collections() - hidden0} times)`);
      assert.strictEqual(api.polling(), false);

      // Showing it again refreshes at once.
      await vscode.commands.executeCommand(VIEW_FOCUS);
      assert.ok(await waitFor(() => api.collections() > hidden0, 5000), 'no refresh when the view came back');
    } finally {
      await config.update('portsViewRefreshInterval', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
