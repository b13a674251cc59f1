// The chain of parents of a process, so the caller never signals itself, its parent shell or
// (in the extension) VS Code.
import type { Collector } from '../model';
import { applicationPids } from './appProcesses';
import { builtinProtectedPids } from './kill';

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

/**
 * Pids that must never be signalled from this process: 0, 1, itself, its ancestors and every
 * process of the application it runs under (see appProcesses.ts). `insideApplication`: this
 * process is one of the application's own (the extension host); otherwise the application is the
 * one of an ancestor that is one of its helpers (a CLI run in VS Code's integrated terminal).
 */
export async function protectedPids(collector: Collector, insideApplication = false): Promise<number[]> {
  const chain = await ancestorPids(process.pid, collector);
  const app = applicationPids(process.pid, chain, { startIsApplication: insideApplication });
  return [...new Set([...builtinProtectedPids(), ...chain, ...app])];
}
