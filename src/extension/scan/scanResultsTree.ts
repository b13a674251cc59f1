// The "Scan Results" view: one node per target and protocol; open ports first (with service and,
// for this machine, the owning process), then filtered and open|filtered, closed ones counted and
// collapsed; for a local scan, the listeners the scan did not find open, with the likely reason.
import * as vscode from 'vscode';
import { formatPortList } from '../../core/scan/portSpec';
import { causeWords, type LocalReport } from '../../core/scan/localReachability';
import type { PortResult, PortState, ScanResult } from '../../core/scan/types';
import { networkSummary } from '../../core/scan/tcpPlan';

export interface ScanEntry {
  id: string;
  /** What the user asked for: re-running uses these. */
  request: { target: string; ports: string; protocol: 'tcp' | 'udp' };
  result: ScanResult;
  /** Present for scans of this machine. */
  local?: LocalReport;
  /** Why the local comparison is missing (e.g. the collector failed), if it is. */
  localError?: string;
}

export type ScanNode =
  | { kind: 'entry'; entry: ScanEntry }
  | { kind: 'port'; entry: ScanEntry; port: PortResult }
  | { kind: 'group'; entry: ScanEntry; state: PortState; ports: PortResult[] }
  | { kind: 'ranges'; entry: ScanEntry; text: string }
  | { kind: 'unreachableGroup'; entry: ScanEntry }
  | { kind: 'unreachable'; entry: ScanEntry; index: number }
  | { kind: 'note'; entry: ScanEntry; text: string; network?: boolean };

/** Items per expandable group before the rest is summarised as port ranges. */
const LIST_LIMIT = 500;

export class ScanResultsProvider implements vscode.TreeDataProvider<ScanNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ScanNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private entries: ScanEntry[] = [];

  list(): readonly ScanEntry[] { return this.entries; }

  /** Adds or replaces the entry for the same target and protocol; newest first. */
  put(entry: ScanEntry): void {
    const key = (e: ScanEntry) => `${e.result.host}|${e.result.address}|${e.result.protocol}`;
    this.entries = [entry, ...this.entries.filter(e => key(e) !== key(entry))];
    this.changed.fire(undefined);
  }

  remove(id: string): void {
    this.entries = this.entries.filter(e => e.id !== id);
    this.changed.fire(undefined);
  }

  clear(): void {
    this.entries = [];
    this.changed.fire(undefined);
  }

  getChildren(node?: ScanNode): ScanNode[] {
    if (!node) { return this.entries.map(entry => ({ kind: 'entry', entry })); }
    const e = node.entry;
    switch (node.kind) {
      case 'entry': {
        const out: ScanNode[] = [];
        // How sure the states are comes first: loss or a rate limit seen on the way to the target.
        if (e.result.network?.summary) { out.push({ kind: 'note', entry: e, text: networkSummary(e.result.network, e.result.protocol === 'tcp' ? 'SYN' : 'UDP probes', vscode.l10n), network: true }); }
        const by = (s: PortState) => e.result.ports.filter(p => p.state === s);
        for (const p of by('open')) { out.push({ kind: 'port', entry: e, port: p }); }
        for (const s of ['filtered', 'open|filtered', 'closed'] as PortState[]) {
          const ports = by(s);
          if (ports.length > 0) { out.push({ kind: 'group', entry: e, state: s, ports }); }
        }
        if (e.local && e.local.unreachable.length > 0) { out.push({ kind: 'unreachableGroup', entry: e }); }
        if (e.localError) { out.push({ kind: 'note', entry: e, text: vscode.l10n.t('Local listeners not compared: {0}', e.localError) }); }
        if (e.result.otherAddresses.length > 0) {
          out.push({ kind: 'note', entry: e, text: vscode.l10n.t('{0} also resolves to {1} (not scanned)', e.result.host, e.result.otherAddresses.join(', ')) });
        }
        for (const n of e.result.notes) { out.push({ kind: 'note', entry: e, text: n }); }
        return out;
      }
      case 'group': {
        if (node.state !== 'closed' && node.ports.length <= LIST_LIMIT) {
          return node.ports.map(p => ({ kind: 'port', entry: e, port: p }));
        }
        // Closed (and very long) groups: port ranges, a few lines instead of thousands of items.
        const text = formatPortList(node.ports.map(p => p.port));
        const chunks = text.match(/[^,]+(?:,[^,]+){0,19}/g) ?? [];
        return chunks.map(c => ({ kind: 'ranges', entry: e, text: c }));
      }
      case 'unreachableGroup':
        return (e.local?.unreachable ?? []).map((_, index) => ({ kind: 'unreachable', entry: e, index }));
      default:
        return [];
    }
  }

  getTreeItem(node: ScanNode): vscode.TreeItem {
    const e = node.entry;
    const r = e.result;
    switch (node.kind) {
      case 'entry': {
        const count = (s: PortState) => r.ports.filter(p => p.state === s).length;
        const parts = [vscode.l10n.t('{0} open', count('open'))];
        if (count('filtered')) { parts.push(vscode.l10n.t('{0} filtered', count('filtered'))); }
        if (count('open|filtered')) { parts.push(vscode.l10n.t('{0} open|filtered', count('open|filtered'))); }
        parts.push(vscode.l10n.t('{0} closed', count('closed')), vscode.l10n.t('{0} s', (r.durationMs / 1000).toFixed(1)));
        const label = `${r.host === r.address ? r.address : `${r.host} (${r.address})`} · ${r.protocol.toUpperCase()}${r.cancelled ? vscode.l10n.t(' (cancelled)') : ''}`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `scan:${e.id}`;
        item.description = parts.join(' · ');
        item.tooltip = vscode.l10n.t('{0} ports "{1}" of {2}, started {3}', e.request.protocol.toUpperCase(), e.request.ports, e.request.target, r.startedAt);
        item.contextValue = 'scanEntry';
        item.iconPath = new vscode.ThemeIcon(e.local ? 'vm' : 'globe');
        return item;
      }
      case 'port': {
        const p = node.port;
        const link = p.state === 'open' || p.state === 'open|filtered' ? e.local?.open.get(p.port) : undefined;
        const item = new vscode.TreeItem(`${p.port}/${p.protocol}`, vscode.TreeItemCollapsibleState.None);
        item.id = `scan:${e.id}:${p.port}`;
        const owner = link && link.owners.length > 0 ? link.owners.map(o => `${o.name} (${o.pid})`).join(', ') : '';
        item.description = [p.state, p.service, owner].filter(Boolean).join(' · ');
        item.tooltip = `${p.port}/${p.protocol} ${p.state} (${p.reason})${p.service ? vscode.l10n.t(', service {0}', p.service) : ''}`
          + (link ? `\n${vscode.l10n.t('Listener: {0}', link.addresses.join(', '))}\n${owner ? vscode.l10n.t('Process: {0}', owner) : vscode.l10n.t('Process not visible (another user?)')}` : '');
        item.contextValue = link ? 'scanPort.local' : 'scanPort';
        item.iconPath = new vscode.ThemeIcon(p.state === 'open' ? 'pass-filled' : p.state === 'closed' ? 'circle-slash' : 'shield');
        if (link) { item.command = { command: 'portInspector.scanResults.revealProcess', title: vscode.l10n.t('Show in Ports View'), arguments: [node] }; }
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(`${node.state} (${node.ports.length})`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `scan:${e.id}:group:${node.state}`;
        item.description = node.state === 'closed' ? vscode.l10n.t('refused') : node.state === 'filtered' ? vscode.l10n.t('no answer or ICMP error') : node.state === 'open|filtered' ? vscode.l10n.t('no answer (UDP)') : '';
        item.contextValue = 'scanGroup';
        return item;
      }
      case 'ranges': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.contextValue = 'scanRanges';
        return item;
      }
      case 'unreachableGroup': {
        const n = e.local?.unreachable.length ?? 0;
        const item = new vscode.TreeItem(vscode.l10n.t('Listening here but not found open ({0})', n), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `scan:${e.id}:unreachable`;
        item.iconPath = new vscode.ThemeIcon('warning');
        item.tooltip = vscode.l10n.t('Local listeners on scanned ports that the scan did not find open from the scanned address.');
        item.contextValue = 'scanUnreachableGroup';
        return item;
      }
      case 'unreachable': {
        const u = e.local!.unreachable[node.index];
        const owner = u.owners.map(o => `${o.name} (${o.pid})`).join(', ');
        const item = new vscode.TreeItem(`${u.port}/${r.protocol}`, vscode.TreeItemCollapsibleState.None);
        item.id = `scan:${e.id}:unreachable:${u.port}`;
        item.description = vscode.l10n.t('{0} · {1}', causeWords(u.cause, vscode.l10n), owner || vscode.l10n.t('owner not visible'));
        item.tooltip = `${u.port}/${r.protocol}: ${u.explanation}${owner ? `\n${vscode.l10n.t('Process: {0}', owner)}` : ''}`;
        item.iconPath = new vscode.ThemeIcon('warning');
        item.contextValue = 'scanUnreachable';
        item.command = { command: 'portInspector.scanResults.revealProcess', title: vscode.l10n.t('Show in Ports View'), arguments: [node] };
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.network ? 'warning' : 'info');
        item.contextValue = node.network ? 'scanNetwork' : 'scanNote';
        if (node.network) {
          const n = e.result.network!;
          item.tooltip = `${n.summary}\n${vscode.l10n.t('Probes sent: {0}, re-sent: {1}, rounds: {2}', n.probesSent, n.probesResent, n.rounds)}`
            + (n.answerRateLimitPerSec !== null ? `\n${vscode.l10n.t('Observed answer-rate limit: ~{0}/s', n.answerRateLimitPerSec)}` : '');
        }
        return item;
      }
    }
  }

  dispose(): void { this.changed.dispose(); }
}
