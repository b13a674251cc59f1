// The chain of parents of a process, so the caller never signals itself, its parent shell or
// (in the extension) VS Code.
import type { Collector } from '../model';

export async function ancestorPids(pid: number, collector: Collector, maxDepth = 64): Promise<number[]> {
  const chain: number[] = [];
  let current = pid;
  for (let i = 0; i < maxDepth; i++) {
    const info = await collector.processInfo(current);
    if (!info || info.ppid <= 0 || info.ppid === current || chain.includes(info.ppid)) { break; }
    chain.push(info.ppid);
    current = info.ppid;
  }
  return chain;
}

/** pids that must never be signalled from this process: 0, 1, itself and its ancestors. */
export async function protectedPids(collector: Collector): Promise<number[]> {
  return [0, 1, process.pid, ...(await ancestorPids(process.pid, collector))];
}
