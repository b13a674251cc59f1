// Messages between the extension host and the collector worker. Plain data only (structured clone).
import type { CollectOptions } from '../../core/model';

export type WorkerRequest =
  | { id: number; op: 'collect'; options?: CollectOptions }
  | { id: number; op: 'processInfo'; pid: number };

export type WorkerResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; message: string; stack?: string };

export interface WorkerInit {
  backend?: 'procfs' | 'lsof';
}
