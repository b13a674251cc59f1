// Scanning from VS Code: the "Ports: Scan Target…" command (host, port spec, protocol; progress
// notification with Cancel), the Scan Results view, export to JSON/CSV, run again, the
// once-per-target confirmation for hosts other than this machine, and for local scans the link
// from each open port to its process in the Ports view. registerScan is the one line extension.ts calls.
import * as vscode from 'vscode';
import { showError, showInformation, showWarning } from '../shared/notify';
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
    const nmapPath = services.settings.nmapPath();

    const results = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Scanning {0} ({1})', req.target, req.protocol.toUpperCase()),
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
            progress.report({ increment: pct - reported, message: vscode.l10n.t('{0} of {1} ports, {2} open', p.done, p.total, p.openSoFar) });
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
      const opened = result.ports.filter(p => p.state === 'open').length;
      log.info(result.cancelled
        ? vscode.l10n.t('Scan of {0} ({1}) {2}: {3} open of {4} in {5} ms (cancelled)', result.host, result.address, result.protocol, opened, result.ports.length, result.durationMs)
        : vscode.l10n.t('Scan of {0} ({1}) {2}: {3} open of {4} in {5} ms', result.host, result.address, result.protocol, opened, result.ports.length, result.durationMs));
    }
    void vscode.commands.executeCommand(`${SCAN_VIEW_ID}.focus`).then(undefined, () => undefined);
    return results;
  }

  async function confirmTarget(target: string): Promise<boolean> {
    if (!services.settings.confirmNonLocalScanTargets()) { return true; }
    const confirmed = context.globalState.get<string[]>(CONFIRMED_KEY, []);
    if (confirmed.includes(target)) { return true; }
    const scan = vscode.l10n.t('Scan');
    const choice = await showWarning(
      vscode.l10n.t('Scan {0}? Scan only hosts you are allowed to scan.', target),
      { modal: true, detail: vscode.l10n.t('Port scans of other people\'s machines can be against the law or a network\'s rules. This question is asked once per target; the setting "{0}" turns it off.', 'portInspector.scan.confirmNonLocalTargets') },
      scan,
    );
    if (choice !== scan) { return false; }
    await context.globalState.update(CONFIRMED_KEY, [...confirmed, target].slice(-100));
    return true;
  }

  /** Asked every time, whatever the settings say: a scan this large is rarely meant. */
  async function confirmManyHosts(target: string, hosts: number): Promise<boolean> {
    const scanAll = vscode.l10n.t('Scan All');
    const choice = await showWarning(
      vscode.l10n.t('{0} covers {1} addresses. Hand all of them to nmap?', target, hosts.toLocaleString('en-US')),
      { modal: true, detail: vscode.l10n.t('More than {0} hosts: such a scan takes very long and reaches networks that are not yours. Narrow the target unless you mean it.', MANY_HOSTS.toLocaleString('en-US')) },
      scanAll,
    );
    return choice === scanAll;
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
      { label: 'top', description: vscode.l10n.t('common service, development and database ports'), value: 'top' },
      { label: vscode.l10n.t('all ports'), description: '0-65535', value: 'all' },
      { label: vscode.l10n.t('Custom…'), description: vscode.l10n.t('e.g. {0}', '22,80,8000-8100'), value: '' },
    ], { title: vscode.l10n.t('Ports to scan on {0}', target), placeHolder: 'top' });
    if (!portPick) { return undefined; }
    let spec = portPick.value;
    if (spec === '') {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Ports to scan on {0}', target), prompt: vscode.l10n.t('{0}, all or top', '22, 1-1024, 22,80,443,8000-8100'),
        validateInput: v => { const r = parsePortSpec(v); return r.ok ? undefined : r.message; },
      });
      if (typed === undefined) { return undefined; }
      spec = typed.trim();
    }
    const proto = await vscode.window.showQuickPick([
      { label: 'TCP', description: vscode.l10n.t('connect scan: open / closed / filtered'), value: 'tcp' as Protocol },
      { label: 'UDP', description: vscode.l10n.t('probes; silence means open|filtered'), value: 'udp' as Protocol },
    ], { title: vscode.l10n.t('Protocol') });
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
      if (e instanceof ScanInputError) { void showError(vscode.l10n.t('Scan: {0}', message)); }
      else { log.error(`Scan of ${req.target} failed: ${e instanceof Error ? e.stack ?? message : message}`); void showError(vscode.l10n.t('Scan of {0} failed: {1}', req.target, message)); }
      return undefined;
    }
  }

  async function exportEntry(node: ScanNode | undefined, format: 'json' | 'csv', uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const entries = node ? [node.entry] : [...provider.list()];
    if (entries.length === 0) { void showInformation(vscode.l10n.t('No scan results to export.')); return undefined; }
    let dest = uri;
    if (!dest) {
      const base = vscode.workspace.workspaceFolders?.[0]?.uri;
      const name = entries.length === 1 ? `scan-${entries[0].result.host.replace(/[^\w.-]+/g, '_')}-${entries[0].result.protocol}.${format}` : `scan-results.${format}`;
      dest = await vscode.window.showSaveDialog({
        defaultUri: base ? vscode.Uri.joinPath(base, name) : undefined,
        filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
        saveLabel: vscode.l10n.t('Export'),
      });
      if (!dest) { return undefined; }
    }
    const results = entries.map(e => e.result);
    const text = format === 'json' ? scanToJson(results) : scanToCsv(results);
    try {
      await vscode.workspace.fs.writeFile(dest, Buffer.from(text, 'utf8'));
    } catch (e) {
      void showError(vscode.l10n.t('Could not write {0}: {1}', dest.fsPath, e instanceof Error ? e.message : String(e)));
      return undefined;
    }
    if (!uri) { void showInformation(vscode.l10n.t('Scan results written to {0}', dest.fsPath)); }
    return dest;
  }

  async function revealProcess(node?: ScanNode): Promise<boolean> {
    if (!node) { return false; }
    const port = node.kind === 'port' ? node.port.port : node.kind === 'unreachable' ? node.entry.local?.unreachable[node.index]?.port : undefined;
    if (port === undefined) { return false; }
    const shown = await services.portsView.revealPort(node.entry.result.protocol, port);
    if (!shown) { void showInformation(vscode.l10n.t('Port {0} is no longer listed in the Ports view (the listener has gone).', `${port}/${node.entry.result.protocol}`)); }
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
    qp.title = vscode.l10n.t('Scan target');
    qp.placeholder = vscode.l10n.t('Host name, IPv4 or IPv6 address (default localhost)');
    const base = recent.map(label => ({ label }));
    qp.items = base;
    let done = false;
    const finish = (v: string | undefined) => { if (!done) { done = true; resolve(v); qp.dispose(); } };
    qp.onDidChangeValue(v => {
      const t = v.trim();
      qp.items = t && !recent.includes(t) ? [{ label: t, description: vscode.l10n.t('scan this host') }, ...base] : base;
    });
    qp.onDidAccept(() => finish(qp.selectedItems[0]?.label ?? (qp.value.trim() || 'localhost')));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
