// Reads the files detection looks at from one folder. Missing files are simply absent; anything
// else that goes wrong (a directory, a FIFO, a huge file, EACCES) is returned as that file's error
// so detection can note it and carry on. Never blocks on special files: only regular files are read.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DEV_PORT_FILES } from './detectDevPorts';
import type { FileText } from './devPortTypes';

const MAX_BYTES = 1 << 20;

export async function readDevPortFiles(folder: string): Promise<Map<string, FileText>> {
  const out = new Map<string, FileText>();
  await Promise.all(DEV_PORT_FILES.map(async ({ file }) => {
    const full = path.join(folder, ...file.split('/'));
    const content = await readOne(full);
    if (content !== undefined) { out.set(file, content); }
  }));
  return out;
}

async function readOne(full: string): Promise<FileText | undefined> {
  let stat;
  try {
    stat = await fs.stat(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') { return undefined; }
    return { error: code ?? String(e) };
  }
  if (!stat.isFile()) { return { error: stat.isDirectory() ? 'it is a directory' : 'not a regular file' }; }
  if (stat.size > MAX_BYTES) { return { error: `larger than ${MAX_BYTES >> 20} MiB` }; }
  try {
    return { text: await fs.readFile(full, 'utf8') };
  } catch (e) {
    return { error: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}
