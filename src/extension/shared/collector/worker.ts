// Runs the collector inside a worker thread. The /proc walk uses synchronous fs calls (1.7–2.8×
// faster than fs.promises for this walk), which would block the extension host's event loop if
// run there; here they block only this thread. The collector instance lives as long as the worker,
// so its warm owner cache makes repeated refreshes cheap. Answers in the compact form of
// protocol.ts, or "unchanged" when the client already has this exact snapshot. The status bar's
// probe of watched ports is answered here too, from the same collector and its owner index.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { createCollector } from '../../../core/collect/createCollector';
import { detectDevPortsInFolder } from '../../../core/workspace/readDevPortFiles';
import { OwnerEnricher } from '../../../core/owners/ownerEnricher';
import { compact, type CompactSnapshot, type WorkerInit, type WorkerRequest, type WorkerResponse } from './protocol';

const init = (workerData ?? {}) as WorkerInit;
const collector = createCollector(init.backend);
// Containers, systemd units and supervisors behind the owners: /proc and the engines' sockets (Linux).
const owners = process.platform === 'linux' ? new OwnerEnricher() : undefined;
const port = parentPort;
if (!port) { throw new Error('collectorWorker must run as a worker thread'); }

/** Everything but collect: one call each. */
function answer(req: Exclude<WorkerRequest, { op: 'collect' }>): Promise<unknown> {
  switch (req.op) {
    case 'detectDevPorts': return detectDevPortsInFolder(req.folder);
    case 'probePorts': return collector.probePorts(req.specs);
    default: return collector.processInfo(req.pid);
  }
}

async function collect(req: Extract<WorkerRequest, { op: 'collect' }>): Promise<CompactSnapshot> {
  const snap = await collector.collect(req.options);
  if (owners && req.options?.owners !== false) { await owners.enrich(snap); }
  const c = compact(snap);
  const hash = createHash('sha1').update(JSON.stringify([c.backend, c.processes, c.sockets])).digest('base64');
  if (req.have === hash) {
    return { takenAt: c.takenAt, backend: c.backend, stats: c.stats, hash, unchanged: true };
  }
  return { ...c, hash };
}

port.on('message', (req: WorkerRequest) => {
  void (async () => {
    let res: WorkerResponse;
    try {
      const result = req.op === 'collect' ? await collect(req) : await answer(req);
      res = { id: req.id, ok: true, result };
    } catch (e) {
      res = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
    }
    port.postMessage(res);
  })();
});
