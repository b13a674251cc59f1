// Keeps the detected dev-server ports of every workspace folder current: detects once (deferred by
// the caller), then again for a folder when one of the files detection reads is created, changed or
// deleted, and when folders are added or removed. Notes about skipped files go to the log, once per
// distinct note, never to a popup. The files are read and parsed in the collector worker: they are
// the repository's, and however they are crafted the extension host's thread never parses them.
import * as vscode from 'vscode';
import { devPortFilesGlob } from '../../core/workspace/detectDevPorts';
import type { Detection } from '../../core/workspace/devPortTypes';

/** Detects the ports of the folder at a file-system path. */
export type FolderDetector = (folderPath: string) => Promise<Detection>;


const DEBOUNCE_MS = 300;

export interface FolderDetection {
  folder: vscode.WorkspaceFolder;
  detection: Detection;
}

export class DevPortDetection implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly results = new Map<string, FolderDetection>();
  private readonly watchers = new Map<string, vscode.Disposable>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly loggedNotes = new Set<string>();
  private folderListener: vscode.Disposable | undefined;
  private running = false;
  detections = 0;

  constructor(private readonly log: vscode.LogOutputChannel, private readonly detectFolder: FolderDetector) {}

  get folders(): FolderDetection[] {
    return [...this.results.values()];
  }

  /** Start watching and detect every folder; resolves when the first detection is done. */
  async start(): Promise<void> {
    if (this.running) { return; }
    this.running = true;
    this.folderListener = vscode.workspace.onDidChangeWorkspaceFolders(e => {
      for (const f of e.removed) { this.forget(f.uri.toString()); }
      for (const f of e.added) { this.watch(f); void this.detect(f); }
      if (e.removed.length > 0) { this.emitter.fire(); }
    });
    const folders = vscode.workspace.workspaceFolders ?? [];
    for (const f of folders) { this.watch(f); }
    await Promise.all(folders.map(f => this.detect(f, false)));
    this.emitter.fire();
  }

  /** Stop watching and forget all results (detection turned off). */
  stop(): void {
    this.running = false;
    this.folderListener?.dispose();
    this.folderListener = undefined;
    for (const key of [...this.watchers.keys()]) { this.forget(key); }
    this.results.clear();
  }

  /** Detect all folders again now (tests, manual refresh). */
  async redetectAll(): Promise<void> {
    if (!this.running) { return; }
    await Promise.all((vscode.workspace.workspaceFolders ?? []).map(f => this.detect(f, false)));
    this.emitter.fire();
  }

  private watch(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    if (this.watchers.has(key) || folder.uri.scheme !== 'file') { return; }
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, devPortFilesGlob()));
    const changed = () => this.schedule(folder);
    this.watchers.set(key, vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed)));
  }

  private forget(key: string): void {
    this.watchers.get(key)?.dispose();
    this.watchers.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.results.delete(key);
  }

  private schedule(folder: vscode.WorkspaceFolder): void {
    const key = folder.uri.toString();
    clearTimeout(this.timers.get(key));
    // Saving a file fires several events (and editors write temp files): detect once they settle.
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.detect(folder); }, DEBOUNCE_MS));
  }

  private async detect(folder: vscode.WorkspaceFolder, fire = true): Promise<void> {
    if (folder.uri.scheme !== 'file') { return; }
    let detection: Detection;
    try {
      detection = await this.detectFolder(folder.uri.fsPath);
    } catch (e) {
      // Detection does not throw by design; this is a dead or restarting worker, or the last line of defence.
      detection = { ports: [], notes: [{ file: '', message: `detection failed: ${e instanceof Error ? e.message : String(e)}` }] };
    }
    if (!this.running) { return; }
    this.detections++;
    this.results.set(folder.uri.toString(), { folder, detection });
    for (const n of detection.notes) {
      const text = `Dev-port detection, ${folder.name}/${n.file}${n.line ? `:${n.line}` : ''}: ${n.message}`;
      if (!this.loggedNotes.has(text)) { this.loggedNotes.add(text); this.log.warn(text); }
    }
    this.log.info(detection.ports.length === 0
      ? vscode.l10n.t('Dev-port detection, {0}: no ports', folder.name)
      : vscode.l10n.t('Dev-port detection, {0}: {1}', folder.name, [...new Set(detection.ports.map(p => p.protocol === 'udp' ? `${p.port}/udp` : String(p.port)))].join(', ')));
    if (fire) { this.emitter.fire(); }
  }

  dispose(): void {
    this.stop();
    this.emitter.dispose();
  }
}
