// Containers in the real Ports view: a real dockerd started by this test in the run's own network
// namespace (the runner moves the whole run into one when root), a container publishing a port, the
// row that names it, Stop Container, and Kill on its docker-proxy stopping the container instead.
// Only containers this test started are stopped.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { dockerUnavailable, TestEngine, TEST_IMAGE } from '../unit/support/dockerEngine';
import { skipUnless } from '../unit/support/skip';
import { flatten, portRow, portsApi, tree } from './helpers/portsApi';

interface KillResult { pid: number; status: string; message: string }
interface Owner { pid: number | null; startTime: number | null; localPort: number; protocol: string; name: string; container: { name: string; via: string } | null }

const NO_CONFIRM = { confirm: false };
const basePort = 30000 + (process.pid % 1000) * 10;

async function waitForRow(port: number, present: boolean): Promise<ReturnType<typeof portRow>> {
  for (let i = 0; i < 50; i++) {
    const row = portRow(await tree(), 'tcp', port);
    if (!!row === present && (!row || row.description.includes(' via '))) { return row; }
    await new Promise(r => setTimeout(r, 200));
  }
  return portRow(await tree(), 'tcp', port);
}

describe('Containers in the Ports view (real dockerd)', function () {
  this.timeout(120_000);
  let engine: TestEngine | undefined;

  before(async function () {
    this.timeout(180_000);
    const why = process.env.PORT_INSPECTOR_IN_NETNS !== '1'
      ? 'the container test starts dockerd in the run\'s own network namespace; this run is not in one (run as root, INTEGRATION_NETNS unset)'
      : dockerUnavailable();
    skipUnless(this, !why, why ?? '');
    engine = new TestEngine('vscode', true);
    await engine.start();
  });
  after(async function () {
    this.timeout(60_000);
    await engine?.destroy();
  });

  it('names the container behind docker-proxy and stops it with Stop Container', async () => {
    const port = basePort + 1;
    const id = await engine!.run(['--name', 'pi-web', '--stop-timeout', '2', '-p', `127.0.0.1:${port}:80`,
      '--label', 'com.docker.compose.project=pi', '--label', 'com.docker.compose.service=web']);
    const row = await waitForRow(port, true);
    assert.ok(row, `port ${port} not in the view`);
    assert.match(row.description, new RegExp(`pi-web \\(${TEST_IMAGE.replace(/[./]/g, '\\$&')}\\) via docker-proxy`));
    assert.match(row.contextValue, /\bcontainer\b.*\bstoppable\b/);
    // MarkdownString.appendText keeps spaces as &nbsp; and escapes punctuation
    const tooltip = row.tooltip.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tooltip, new RegExp(`docker container pi-web \\(${TEST_IMAGE}\\), id ${id.slice(0, 12)}, through docker-proxy`));
    assert.match(tooltip, /Compose project pi, service web/);
    const results = await vscode.commands.executeCommand<KillResult>('portInspector.stopContainer', { port, protocol: 'tcp' }, NO_CONFIRM);
    assert.equal(results?.status, 'released', results?.message);
    assert.equal((await engine!.inspect(id)).State.Status, 'exited');
    assert.equal(await waitForRow(port, false), undefined);
    assert.equal((await engine!.docker(['version'])).code, 0, 'the engine still runs');
  });

  it('groups by container and Kill on the proxy stops the container, not docker-proxy', async () => {
    const port = basePort + 2;
    const id = await engine!.run(['--name', 'pi-api', '--stop-timeout', '2', '-p', `127.0.0.1:${port}:80`]);
    await waitForRow(port, true);
    await vscode.commands.executeCommand('portInspector.groupByProcess');
    try {
      const api = await portsApi();
      await api.refresh();
      const rows = flatten(await api.renderTree());
      assert.ok(rows.some(r => r.label.startsWith('pi-api (') && r.icon === 'package'), rows.map(r => r.label).join(', '));
    } finally {
      await vscode.commands.executeCommand('portInspector.groupByPort');
    }
    const owners = await vscode.commands.executeCommand<Owner[]>('portInspector.whoIsUsingPort', port);
    const proxy = owners.find(o => o.name === 'docker-proxy' && o.pid !== null);
    assert.ok(proxy && proxy.startTime !== null, JSON.stringify(owners));
    assert.deepStrictEqual([proxy.container?.name, proxy.container?.via], ['pi-api', 'proxy']);
    const results = await vscode.commands.executeCommand<KillResult[]>('portInspector.kill', { pid: proxy.pid, startTime: proxy.startTime, port, protocol: 'tcp' }, NO_CONFIRM);
    assert.deepStrictEqual(results.map(r => r.status), ['released']);
    assert.equal((await engine!.inspect(id)).State.Status, 'exited');
    assert.equal((await engine!.docker(['version'])).code, 0, 'the engine still runs');
  });
});
