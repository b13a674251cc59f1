// Runs the collector inside a worker thread. The /proc walk uses synchronous fs calls (1.7–2.8×
// faster than fs.promises for this walk), which would block the extension host's event loop if
// run there; here they block only this thread. The collector instance lives as long as the worker,
// so its warm owner cache makes repeated refreshes cheap. Answers in the compact form of
// protocol.ts, or "unchanged" when the client already has this exact snapshot. The status bar's
// probe of watched ports is answered here too, from the same collector and its owner index.
import { createHash } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createCollector } from '../../../core/collect/createCollector';
import type { SocketEntry } from '../../../core/model';
import { detectDevPortsInFolder } from '../../../core/workspace/readDevPortFiles';
import { OwnerEnricher } from '../../../core/owners/ownerEnricher';
import { compact, optionsKey, type CompactSnapshot, type WorkerHeap, type WorkerInit, type WorkerRequest, type WorkerResponse } from './protocol';
import { SentSnapshots } from './sentSnapshots';

const init = (workerData ?? {}) as WorkerInit;
const collector = createCollector(init.backend);
const sent = new SentSnapshots<SocketEntry>();
// Containers, systemd units and supervisors behind the owners: /proc and the engines' sockets (Linux).
const owners = process.platform === 'linux' ? new OwnerEnricher() : undefined;
const port = parentPort;
if (!port) { throw new Error('collectorWorker must run as a worker thread'); }

function heap(): WorkerHeap {
  const h = getHeapStatistics();
  return { used: h.used_heap_size, total: h.total_physical_size, external: h.external_memory, malloced: h.malloced_memory };
}

/** Everything but collect: one call each. */
function answer(req: Exclude<WorkerRequest, { op: 'collect' }>): Promise<unknown> {
  switch (req.op) {
    case 'detectDevPorts': return detectDevPortsInFolder(req.folder);
    case 'probePorts': return collector.probePorts(req.specs);
    case 'heap': return Promise.resolve(heap());
    default: return collector.processInfo(req.pid);
  }
}

async function collect(req: Extract<WorkerRequest, { op: 'collect' }>): Promise<CompactSnapshot> {
  const snap = await collector.collect(req.options);
  if (owners && req.options?.owners !== false) { await owners.enrich(snap); }
  const key = optionsKey(req.options);
  // The collector hands back the same entry objects for sockets that did not change, so "the
  // same sockets as the ones sent last time" is a comparison of references: no compact form, no
  // text and no hash are built on a quiet refresh (the view's every-2-s case). The owner lookup
  // writes containers and units onto those same objects, so a pass that changed one is not quiet.
  const same = owners?.changedInLastPass ? undefined : sent.sameAs(key, snap.sockets);
  if (same !== undefined && req.have === same) {
    return { takenAt: snap.takenAt, backend: snap.backend, stats: snap.stats, hash: same, unchanged: true };
  }
  const c = compact(snap);
  const hash = createHash('sha1').update(JSON.stringify([c.backend, c.processes, c.sockets])).digest('base64');
  sent.remember(key, snap.sockets, hash);
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
