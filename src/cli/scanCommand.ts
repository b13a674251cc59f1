// Placeholder until the scan engine lands (issue 5); the helper building it replaces this file.
import { UsageError } from './args';

export async function scanCommand(_argv: string[]): Promise<number> {
  throw new UsageError('scan is not available in this build');
}
