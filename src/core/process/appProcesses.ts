// The processes of the application a program runs inside (VS Code's server or desktop app): none of
// them may be offered for killing, not only the caller's own ancestors. Found from /proc (Linux):
//   - the application's executable is the starting process's (`/proc/<pid>/exe`);
//   - its root is the topmost ancestor, contiguous from the start, that runs that executable;
//   - its processes are the root's descendants that run that executable, reached through processes
//     that run it too. A shell in between (an integrated terminal) ends the walk, so a dev server
//     started in a terminal stays killable; so does the walk into an extension host's children
//     (language servers, test children: started by extensions, not by the application).
// Elsewhere (macOS, Windows) only the ancestors are protected.
import * as fs from 'node:fs';

/** Command-line mark of an application helper process: VS Code's `bootstrap-fork --type=ptyHost`, Electron's `--type=utility`. */
const HELPER_MARK = /(^|\s)--type=[A-Za-z]/;
const EXTENSION_HOST_MARK = /(^|\s)--type=extensionHost\b/;

interface Proc { ppid: number; cmdline: string }

function readProc(procRoot: string, pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = fs.readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    return { ppid, cmdline };
  } catch { return undefined; }
}

function exeOf(procRoot: string, pid: number): string | undefined {
  try { return fs.readlinkSync(`${procRoot}/${pid}/exe`); } catch { return undefined; }
}

export interface ApplicationOptions {
  /** The start pid itself is one of the application's processes (the extension host). Otherwise
   *  (a CLI) the application is found through the first ancestor marked as one of its helpers. */
  startIsApplication: boolean;
  procRoot?: string;
}

/**
 * Pids of the application that `startPid` (with ancestors `chain`, nearest first) runs under;
 * empty when it runs under none that can be seen.
 */
export function applicationPids(startPid: number, chain: readonly number[], options: ApplicationOptions): number[] {
  const procRoot = options.procRoot ?? '/proc';
  if (process.platform !== 'linux') { return []; }
  let start: number | undefined = options.startIsApplication ? startPid : undefined;
  let above = chain;
  if (start === undefined) {
    const i = chain.findIndex(pid => HELPER_MARK.test(readProc(procRoot, pid)?.cmdline ?? ''));
    if (i < 0) { return []; }
    start = chain[i];
    above = chain.slice(i + 1);
  }
  const exe = exeOf(procRoot, start);
  if (exe === undefined) { return []; }
  let root = start;
  for (const pid of above) {
    if (exeOf(procRoot, pid) !== exe) { break; }
    root = pid;
  }
  const children = new Map<number, number[]>();
  const procs = new Map<number, Proc>();
  let names: string[];
  try { names = fs.readdirSync(procRoot); } catch { return [root, start]; }
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) { continue; }
    const p = readProc(procRoot, pid);
    if (!p) { continue; }
    procs.set(pid, p);
    let list = children.get(p.ppid);
    if (!list) { list = []; children.set(p.ppid, list); }
    list.push(pid);
  }
  const found = new Set([root, start]);
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    const isExtensionHost = (options.startIsApplication && pid === startPid) || EXTENSION_HOST_MARK.test(procs.get(pid)?.cmdline ?? '');
    if (isExtensionHost) { continue; }
    for (const child of children.get(pid) ?? []) {
      if (found.has(child) || exeOf(procRoot, child) !== exe) { continue; }
      found.add(child);
      queue.push(child);
    }
  }
  return [...found];
}
