// Scanning from VS Code: the "Ports: Scan Target…" command (host, port spec, protocol; progress
// notification with Cancel), the Scan Results view, export to JSON/CSV, run again, the
// once-per-target confirmation for hosts other than this machine, and for local scans the link
// from each open port to its process in the Ports view. registerScan is the one line extension.ts calls.
import * as vscode from 'vscode';
import type { Protocol } from '../../core/model';
import { scanTargets, parseTarget, resolveTarget, parsePortSpec, targetHostCount, MANY_HOSTS, ScanInputError, type ScanResult } from '../../core/scan/index';
import { analyzeLocalScan } from '../../core/scan/localReachability';
import { scanToCsv, scanToJson } from '../../core/scan/exportResults';
import type { Services } from '../shared/services';
import { ScanResultsProvider, type ScanEntry, type ScanNode } from './scanResultsTree';

export const SCAN_VIEW_ID = 'portInspector.scanResults';
const RECENT_KEY = 'portInspector.scan.recentTargets';
const CONFIRMED_KEY = 'portInspector.scan.confirmedTargets';

export interface ScanRenderedItem { label: string; description: string; contextValue: string; children: ScanRenderedItem[] }

export interface ScanViewApi {
  entries(): readonly ScanEntry[];
  /** The Scan Results tree as rendered, every node expanded. */
  renderTree(): ScanRenderedItem[];
}

interface ScanRequest { target: string; ports: string; protocol: Protocol }

export function registerScan(context: vscode.ExtensionContext, services: Services): ScanViewApi {
  const { log } = services;
  const provider = new ScanResultsProvider();
  const view = vscode.window.createTreeView<ScanNode>(SCAN_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view);
  let counter = 0;

  async function run(req: ScanRequest): Promise<ScanResult[] | undefined> {
    const target = parseTarget(req.target); // throws ScanInputError with a clear sentence
    const spec = parsePortSpec(req.ports, req.protocol);
    if (!spec.ok) { throw new ScanInputError(spec.message); }
    let local = false;
    if (target.kind === 'single') { local = (await resolveTarget(target.host)).local; }
    if (!local && !(await confirmTarget(req.target))) { return undefined; }
    const hosts = targetHostCount(req.target);
    if (hosts > MANY_HOSTS && !(await confirmManyHosts(req.target, hosts))) { return undefined; }
    rememberTarget(req.target);
    const scanConfig = vscode.workspace.getConfiguration('portInspector.scan');
    // machine scope: a workspace cannot point it at a program of its own
    const nmapPath = scanConfig.inspect<string>('nmapPath')?.globalValue || undefined;

    const results = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Scanning ${req.target} (${req.protocol.toUpperCase()})`,
      cancellable: true,
    }, async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        return await scanTargets({
          host: req.target, ports: spec.ports, protocol: req.protocol, signal: abort.signal, nmapPath, allowManyHosts: hosts > MANY_HOSTS, inWorker: true,
          onProgress: p => {
            const pct = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
            progress.report({ increment: pct - reported, message: `${p.done} of ${p.total} ports, ${p.openSoFar} open` });
            reported = pct;
          },
        });
      } finally {
        sub.dispose();
      }
    });

    for (const result of results) {
      const entry: ScanEntry = { id: `${++counter}`, request: { ...req }, result };
      if (local && target.kind === 'single') {
        try {
          const snap = await services.collector.collect({ listeningOnly: true, protocols: [req.protocol] });
          entry.local = analyzeLocalScan(result, snap.sockets, vscode.l10n);
        } catch (e) {
          entry.localError = e instanceof Error ? e.message : String(e);
          log.warn(`Scan: could not compare with local listeners: ${entry.localError}`);
        }
      }
      provider.put(entry);
      log.info(`Scan of ${result.host} (${result.address}) ${result.protocol}: ${result.ports.filter(p => p.state === 'open').length} open of ${result.ports.length} in ${result.durationMs} ms${result.cancelled ? ' (cancelled)' : ''}`);
    }
    void vscode.commands.executeCommand(`${SCAN_VIEW_ID}.focus`).then(undefined, () => undefined);
    return results;
  }

  async function confirmTarget(target: string): Promise<boolean> {
    if (!services.settings.confirmNonLocalScanTargets()) { return true; }
    const confirmed = context.globalState.get<string[]>(CONFIRMED_KEY, []);
    if (confirmed.includes(target)) { return true; }
    const choice = await vscode.window.showWarningMessage(
      `Scan ${target}? Scan only hosts you are allowed to scan.`,
      { modal: true, detail: 'Port scans of other people\'s machines can be against the law or a network\'s rules. This question is asked once per target; the setting "portInspector.scan.confirmNonLocalTargets" turns it off.' },
      'Scan',
    );
    if (choice !== 'Scan') { return false; }
    await context.globalState.update(CONFIRMED_KEY, [...confirmed, target].slice(-100));
    return true;
  }

  /** Asked every time, whatever the settings say: a scan this large is rarely meant. */
  async function confirmManyHosts(target: string, hosts: number): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(
      `${target} covers ${hosts.toLocaleString('en-US')} addresses. Hand all of them to nmap?`,
      { modal: true, detail: `More than ${MANY_HOSTS.toLocaleString('en-US')} hosts: such a scan takes very long and reaches networks that are not yours. Narrow the target unless you mean it.` },
      'Scan All',
    );
    return choice === 'Scan All';
  }

  function rememberTarget(target: string): void {
    const recent = context.globalState.get<string[]>(RECENT_KEY, []);
    void context.globalState.update(RECENT_KEY, [target, ...recent.filter(t => t !== target)].slice(0, 10));
  }

  async function ask(): Promise<ScanRequest | undefined> {
    const recent = context.globalState.get<string[]>(RECENT_KEY, []);
    const target = await pickTarget(['localhost', ...recent.filter(t => t !== 'localhost')]);
    if (target === undefined) { return undefined; }
    const portPick = await vscode.window.showQuickPick([
      { label: 'top', description: 'common service, development and database ports', value: 'top' },
      { label: 'all ports', description: '0-65535', value: 'all' },
      { label: 'Custom…', description: 'e.g. 22,80,8000-8100', value: '' },
    ], { title: `Ports to scan on ${target}`, placeHolder: 'top' });
    if (!portPick) { return undefined; }
    let spec = portPick.value;
    if (spec === '') {
      const typed = await vscode.window.showInputBox({
        title: `Ports to scan on ${target}`, prompt: '22, 1-1024, 22,80,443,8000-8100, all or top',
        validateInput: v => { const r = parsePortSpec(v); return r.ok ? undefined : r.message; },
      });
      if (typed === undefined) { return undefined; }
      spec = typed.trim();
    }
    const proto = await vscode.window.showQuickPick([
      { label: 'TCP', description: 'connect scan: open / closed / filtered', value: 'tcp' as Protocol },
      { label: 'UDP', description: 'probes; silence means open|filtered', value: 'udp' as Protocol },
    ], { title: 'Protocol' });
    if (!proto) { return undefined; }
    return { target, ports: spec, protocol: proto.value };
  }

  async function scanCommand(arg0?: unknown, arg1?: unknown, arg2?: unknown): Promise<ScanResult[] | undefined> {
    let req: ScanRequest | undefined;
    if (typeof arg0 === 'string') {
      req = { target: arg0, ports: typeof arg1 === 'string' ? arg1 : 'top', protocol: arg2 === 'udp' ? 'udp' : 'tcp' };
    } else if (arg0 && typeof arg0 === 'object' && typeof (arg0 as ScanRequest).target === 'string') {
      const o = arg0 as Partial<ScanRequest>;
      req = { target: o.target!, ports: o.ports ?? 'top', protocol: o.protocol === 'udp' ? 'udp' : 'tcp' };
    } else {
      req = await ask();
    }
    if (!req) { return undefined; }
    try {
      return await run(req);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (e instanceof ScanInputError) { void vscode.window.showErrorMessage(`Scan: ${message}`); }
      else { log.error(`Scan of ${req.target} failed: ${e instanceof Error ? e.stack ?? message : message}`); void vscode.window.showErrorMessage(`Scan of ${req.target} failed: ${message}`); }
      return undefined;
    }
  }

  async function exportEntry(node: ScanNode | undefined, format: 'json' | 'csv', uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const entries = node ? [node.entry] : [...provider.list()];
    if (entries.length === 0) { void vscode.window.showInformationMessage('No scan results to export.'); return undefined; }
    let dest = uri;
    if (!dest) {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = entries.length === 1 ? `scan-${entries[0].result.host.replace(/[^\w.-]+/g, '_')}-${entries[0].result.protocol}.${format}` : `scan-results.${format}`;
      dest = await vscode.window.showSaveDialog({
        defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
        filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
        saveLabel: 'Export',
      });
      if (!dest) { return undefined; }
    }
    const results = entries.map(e => e.result);
    const text = format === 'json' ? scanToJson(results) : scanToCsv(results);
    try {
      await vscode.workspace.fs.writeFile(dest, Buffer.from(text, 'utf8'));
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not write ${dest.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    if (!uri) { void vscode.window.showInformationMessage(`Scan results written to ${dest.fsPath}`); }
    return dest;
  }

  async function revealProcess(node?: ScanNode): Promise<boolean> {
    if (!node) { return false; }
    const port = node.kind === 'port' ? node.port.port : node.kind === 'unreachable' ? node.entry.local?.unreachable[node.index]?.port : undefined;
    if (port === undefined) { return false; }
    const shown = await services.portsView.revealPort(node.entry.result.protocol, port);
    if (!shown) { void vscode.window.showInformationMessage(`Port ${port}/${node.entry.result.protocol} is no longer listed in the Ports view (the listener has gone).`); }
    return shown;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('portInspector.scanTarget', scanCommand),
    vscode.commands.registerCommand('portInspector.scanResults.runAgain', (node?: ScanNode) => {
      const e = node?.entry ?? provider.list()[0];
      return e ? scanCommand({ ...e.request }) : scanCommand();
    }),
    vscode.commands.registerCommand('portInspector.scanResults.exportJson', (node?: ScanNode, uri?: vscode.Uri) => exportEntry(node, 'json', uri)),
    vscode.commands.registerCommand('portInspector.scanResults.exportCsv', (node?: ScanNode, uri?: vscode.Uri) => exportEntry(node, 'csv', uri)),
    vscode.commands.registerCommand('portInspector.scanResults.revealProcess', revealProcess),
    vscode.commands.registerCommand('portInspector.scanResults.remove', (node?: ScanNode) => { if (node) { provider.remove(node.entry.id); } }),
    vscode.commands.registerCommand('portInspector.scanResults.clear', () => provider.clear()),
  );

  function render(node?: ScanNode): ScanRenderedItem[] {
    return provider.getChildren(node).map(n => {
      const item = provider.getTreeItem(n);
      const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
      return { label, description: typeof item.description === 'string' ? item.description : '', contextValue: item.contextValue ?? '', children: render(n) };
    });
  }

  return { entries: () => provider.list(), renderTree: () => render() };
}

/** Host input with recent targets offered; anything typed is accepted (checked when the scan starts). */
function pickTarget(recent: string[]): Promise<string | undefined> {
  return new Promise(resolve => {
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem>();
    qp.title = 'Scan target';
    qp.placeholder = 'Host name, IPv4 or IPv6 address (default localhost)';
    const base = recent.map(label => ({ label }));
    qp.items = base;
    let done = false;
    const finish = (v: string | undefined) => { if (!done) { done = true; resolve(v); qp.dispose(); } };
    qp.onDidChangeValue(v => {
      const t = v.trim();
      qp.items = t && !recent.includes(t) ? [{ label: t, description: 'scan this host' }, ...base] : base;
    });
    qp.onDidAccept(() => finish(qp.selectedItems[0]?.label ?? (qp.value.trim() || 'localhost')));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
