// "Ports: Scan Target…" in the real VS Code: the command with arguments (target, spec, protocol)
// returns the results and fills the Scan Results view; a local scan links open ports to their
// process and calls out a listener bound to another address. Scans only ports this test owns.
import * as assert from 'assert';
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { screenshot, screenshotsEnabled } from './helpers/screenshot';

interface Rendered { label: string; description: string; contextValue: string; children: Rendered[] }
interface ScanApi { renderTree(): Rendered[] }
interface PortOut { port: number; state: string; reason: string }
interface ResultOut { host: string; address: string; protocol: string; ports: PortOut[]; network?: { answeredOnlyWhenResent: number; summary: string } }

async function api(): Promise<ScanApi> {
  const ext = vscode.extensions.getExtension<{ scan: ScanApi }>('port-inspector.port-inspector');
  assert.ok(ext);
  return (await ext.activate()).scan;
}

function listen(host: string): Promise<net.Server> {
  return new Promise(resolve => {
    const s = net.createServer(c => { c.on('error', () => undefined); c.destroy(); });
    s.listen(0, host, () => resolve(s));
  });
}
const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

function find(items: Rendered[], pred: (i: Rendered) => boolean): Rendered | undefined {
  for (const i of items) {
    if (pred(i)) { return i; }
    const c = find(i.children, pred);
    if (c) { return c; }
  }
  return undefined;
}

describe('scan: command and Scan Results view', function () {
  this.timeout(60_000);
  const servers: net.Server[] = [];
  after(() => { for (const s of servers) { s.close(); } });

  it('scanTarget(target, spec, "tcp") returns results, fills the view, links the open port to our process', async () => {
    const scan = await api();
    const open = await listen('127.0.0.1');
    const elsewhere = await listen('127.0.0.2'); // a listener the scan of 127.0.0.1 cannot reach
    servers.push(open, elsewhere);
    const gone = await listen('127.0.0.1');
    const closed = portOf(gone);
    await new Promise(r => gone.close(r));
    const spec = `${portOf(open)},${portOf(elsewhere)},${closed}`;

    const results = await vscode.commands.executeCommand<ResultOut[]>('portInspector.scanTarget', '127.0.0.1', spec, 'tcp');
    assert.ok(results && results.length === 1);
    const r = results[0];
    assert.strictEqual(r.address, '127.0.0.1');
    const state = new Map(r.ports.map(p => [p.port, `${p.state}/${p.reason}`]));
    assert.strictEqual(state.get(portOf(open)), 'open/syn-ack');
    assert.strictEqual(state.get(closed), 'closed/conn-refused');
    assert.strictEqual(state.get(portOf(elsewhere)), 'closed/conn-refused');

    const tree = scan.renderTree();
    const entry = tree.find(i => i.label.startsWith('127.0.0.1 · TCP'));
    assert.ok(entry, JSON.stringify(tree.map(i => i.label)));
    assert.strictEqual(entry.contextValue, 'scanEntry');
    assert.match(entry.description, /^1 open · 2 closed · /);
    const openItem = entry.children.find(c => c.label === `${portOf(open)}/tcp`);
    assert.ok(openItem, JSON.stringify(entry.children.map(c => c.label)));
    assert.strictEqual(openItem.contextValue, 'scanPort.local');
    assert.ok(openItem.description.startsWith('open'), openItem.description);
    assert.ok(openItem.description.includes(`(${process.pid})`), `owner pid in "${openItem.description}"`);
    const closedGroup = entry.children.find(c => c.label === 'closed (2)');
    assert.ok(closedGroup);
    const callout = find(entry.children, i => i.contextValue === 'scanUnreachable' && i.label === `${portOf(elsewhere)}/tcp`);
    assert.ok(callout, 'the listener on 127.0.0.2 is called out');
    assert.match(callout.description, /bound to another address/);
    if (screenshotsEnabled()) {
      // README image: give the Scan Results view the Explorer's height, then put the other views back
      const others = ['workbench.explorer.fileView', 'outline', 'timeline', 'portInspector.ports'];
      for (const v of others) { await vscode.commands.executeCommand(`${v}.removeView`).then(undefined, () => undefined); }
      await vscode.commands.executeCommand('portInspector.scanResults.focus');
      // these act on the editor part here: a narrower editor is a wider side bar
      for (let i = 0; i < 10; i++) { await vscode.commands.executeCommand('workbench.action.decreaseViewWidth'); }
      await screenshot('scan-results', { delayMs: 800, clip: { x: 0, y: 30, width: 700, height: 660 } });
      for (let i = 0; i < 10; i++) { await vscode.commands.executeCommand('workbench.action.increaseViewWidth'); }
      for (const v of others) { await vscode.commands.executeCommand(`${v}.focus`).then(undefined, () => undefined); }
    }
  });

  it('UDP through the command: an answering socket is open', async () => {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (_m, rinfo) => sock.send(Buffer.from('ok'), rinfo.port, rinfo.address));
    await new Promise<void>(r => sock.bind(0, '127.0.0.1', () => r()));
    try {
      const port = sock.address().port;
      const results = await vscode.commands.executeCommand<ResultOut[]>('portInspector.scanTarget', { target: '127.0.0.1', ports: String(port), protocol: 'udp' });
      assert.strictEqual(results?.[0].ports[0].state, 'open');
      assert.ok((await api()).renderTree().some(i => i.label.startsWith('127.0.0.1 · UDP')));
    } finally { sock.close(); }
  });

  it('a UDP reply that came only on a re-probe: the entry says the scan saw loss', async () => {
    // a responder that ignores its first request, as if the reply had been lost on the way
    const sock = dgram.createSocket('udp4');
    let seen = 0;
    sock.on('message', (_m, rinfo) => { if (++seen > 1) { sock.send(Buffer.from('ok'), rinfo.port, rinfo.address); } });
    await new Promise<void>(r => sock.bind(0, '127.0.0.1', () => r()));
    try {
      const port = sock.address().port;
      const results = await vscode.commands.executeCommand<ResultOut[]>('portInspector.scanTarget', { target: '127.0.0.1', ports: String(port), protocol: 'udp' });
      assert.strictEqual(results?.[0].ports[0].state, 'open');
      assert.strictEqual(results?.[0].network?.answeredOnlyWhenResent, 1);
      const entry = (await api()).renderTree().find(i => i.label.startsWith('127.0.0.1 · UDP'));
      assert.ok(entry);
      const first = entry.children[0];
      assert.strictEqual(first.contextValue, 'scanNetwork');
      assert.match(first.label, /^Packet loss: 1 port \(~100 %\) answered only when probed again \(1 probe re-sent, 2 rounds\)/);
    } finally { sock.close(); }
  });

  it('export to JSON and CSV writes every port of the entry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pi-scan-'));
    const jsonUri = vscode.Uri.file(path.join(dir, 'out.json'));
    const csvUri = vscode.Uri.file(path.join(dir, 'out.csv'));
    await vscode.commands.executeCommand('portInspector.scanResults.exportJson', undefined, jsonUri);
    await vscode.commands.executeCommand('portInspector.scanResults.exportCsv', undefined, csvUri);
    const j = JSON.parse(fs.readFileSync(jsonUri.fsPath, 'utf8')) as { protocol: string; ports: unknown[] }[];
    assert.ok(Array.isArray(j) && j.length >= 2);
    assert.deepStrictEqual(j.map(e => e.protocol).sort(), ['tcp', 'udp']);
    const csv = fs.readFileSync(csvUri.fsPath, 'utf8').trim().split('\r\n');
    assert.strictEqual(csv[0], 'host,address,protocol,port,state,reason,service,startedAt');
    assert.strictEqual(csv.length - 1, j.reduce((a, e) => a + e.ports.length, 0));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a bad target or port spec returns nothing and throws nothing', async () => {
    assert.strictEqual(await vscode.commands.executeCommand('portInspector.scanTarget', 'bad host', '80'), undefined);
    assert.strictEqual(await vscode.commands.executeCommand('portInspector.scanTarget', '127.0.0.1', '100-1'), undefined);
  });
});
