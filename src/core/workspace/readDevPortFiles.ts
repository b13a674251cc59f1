// Reads the files detection looks at from one folder. The folder belongs to whoever wrote the
// repository, so nothing about a file is trusted before it is open: the last path component is
// opened without following a symbolic link, a parent directory that is a link is refused, the
// open fd must be a regular file, and at most MAX_BYTES + 1 bytes are read whatever its size claims
// (/proc files say 0). Opening is non-blocking, so a FIFO cannot stall the open. Missing files are
// simply absent; anything else (a link, a directory, a FIFO, a huge file, EACCES) is returned as
// that file's error so detection can note it and carry on.
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DEV_PORT_FILES, detectDevPorts } from './detectDevPorts';
import type { Detection, FileText } from './devPortTypes';

export const MAX_BYTES = 1 << 20;

// Windows has neither flag (and no FIFOs to fear); 0 leaves the open as it was.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Reads a folder's files and detects its ports: what the collector worker runs per folder. */
export async function detectDevPortsInFolder(folder: string): Promise<Detection> {
  return detectDevPorts(await readDevPortFiles(folder));
}

export async function readDevPortFiles(folder: string): Promise<Map<string, FileText>> {
  const out = new Map<string, FileText>();
  await Promise.all(DEV_PORT_FILES.map(async ({ file }) => {
    const content = await readOne(folder, file);
    if (content !== undefined) { out.set(file, content); }
  }));
  return out;
}

async function readOne(folder: string, file: string): Promise<FileText | undefined> {
  const parts = file.split('/');
  for (let i = 1; i < parts.length; i++) {
    // .vscode -> /somewhere: O_NOFOLLOW guards only the last component, so look at the others.
    const dir = path.join(folder, ...parts.slice(0, i));
    try {
      if ((await fs.lstat(dir)).isSymbolicLink()) { return { error: `${parts.slice(0, i).join('/')} is a symbolic link (not followed)` }; }
    } catch (e) {
      return missingOr(e);
    }
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path.join(folder, ...parts), OPEN_FLAGS);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') { return { error: 'a symbolic link (not followed)' }; }
    return missingOr(e);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) { return { error: stat.isDirectory() ? 'it is a directory' : 'not a regular file' }; }
    const buf = Buffer.allocUnsafe(MAX_BYTES + 1);
    let length = 0;
    while (length < buf.length) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, null);
      if (bytesRead === 0) { break; }
      length += bytesRead;
    }
    if (length > MAX_BYTES) { return { error: `larger than ${MAX_BYTES >> 20} MiB` }; }
    return { text: buf.toString('utf8', 0, length) };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function missingOr(e: unknown): FileText | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') { return undefined; }
  return { error: code ?? String(e) };
}
