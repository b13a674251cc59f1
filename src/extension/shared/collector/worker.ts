// Runs the collector inside a worker thread. The /proc walk uses synchronous fs calls (1.7–2.8×
// faster than fs.promises for this walk), which would block the extension host's event loop if
// run there; here they block only this thread. The collector instance lives as long as the worker,
// so its warm owner cache makes repeated refreshes cheap. Answers a collection in the compact form
// of protocol.ts, and the Ports view's with its port groups, or "unchanged" when the view already
// has them. The status bar's probe of watched ports is answered here too, from the same collector
// and its owner index.
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createCollector } from '../../../core/collect/createCollector';
import type { SocketEntry } from '../../../core/model';
import { detectDevPortsInFolder } from '../../../core/workspace/readDevPortFiles';
import { OwnerEnricher } from '../../../core/owners/ownerEnricher';
import { compact, type CompactSnapshot, type GroupsAnswer, type WorkerHeap, type WorkerInit, type WorkerRequest, type WorkerResponse } from './protocol';
import { SentSnapshots } from './sentSnapshots';
import { groupsAnswer } from './groupsAnswer';
import { recentLocalhostOrder } from '../../../core/splitListeners';

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
function answer(req: Exclude<WorkerRequest, { op: 'collect' | 'collectGroups' }>): Promise<unknown> {
  switch (req.op) {
    case 'detectDevPorts': return detectDevPortsInFolder(req.folder);
    case 'probePorts': return collector.probePorts(req.specs);
    case 'heap': return Promise.resolve(heap());
    default: return collector.processInfo(req.pid);
  }
}

/**
 * The owner lookup writes containers and units onto the entries themselves, so equal references do
 * not mean equal groups after a pass that changed one: not this pass's only, but any since the
 * last groups were built (a kill's or Who Is Using Port's collection runs the lookup too).
 */
let ownersChangedSinceGroups = false;

async function collect(options: Extract<WorkerRequest, { op: 'collect' }>['options']) {
  const snap = await collector.collect(options);
  if (owners && options?.owners !== false) {
    await owners.enrich(snap);
    if (owners.changedInLastPass) { ownersChangedSinceGroups = true; }
  }
  return snap;
}

async function collectGroups(req: Extract<WorkerRequest, { op: 'collectGroups' }>): Promise<GroupsAnswer> {
  const snap = await collect(req.options);
  const ownersChanged = ownersChangedSinceGroups;
  ownersChangedSinceGroups = false;
  return groupsAnswer(snap, req.options, req.have, sent, ownersChanged, recentLocalhostOrder());
}

port.on('message', (req: WorkerRequest) => {
  void (async () => {
    let res: WorkerResponse;
    try {
      const result: unknown = req.op === 'collect' ? compact(await collect(req.options)) satisfies CompactSnapshot
        : req.op === 'collectGroups' ? await collectGroups(req) : await answer(req);
      res = { id: req.id, ok: true, result };
    } catch (e) {
      res = { id: req.id, ok: false, message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? e.stack : undefined };
    }
    port.postMessage(res);
  })();
});
