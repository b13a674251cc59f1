// Screenshots of the real workbench, for the README (media/screenshots/). The extension host cannot see the page,
// so a test asks the runner (scripts/run-integration-tests.mjs) through the log channel the runner already reads,
// then waits until the runner has written the PNG. A no-op unless the run was started with SCREENSHOT_DIR=dir.
import * as fs from 'fs';
import * as path from 'path';

export interface ScreenshotOptions {
  /** wait this long before taking it (let an animation or a refresh settle); at most 10 s */
  delayMs?: number;
  /** a key the runner presses in the page right after the shot, e.g. 'Escape' to close a quick pick or a modal dialog */
  press?: string;
  /** part of the page, in CSS pixels of the 1280x800 viewport */
  clip?: { x: number; y: number; width: number; height: number };
}

export function screenshotsEnabled(): boolean {
  return !!process.env.PORT_INSPECTOR_SCREENSHOT_DIR;
}

/** Takes a screenshot of the whole workbench as SCREENSHOT_DIR/<name>.png; resolves once the file exists. */
export async function screenshot(name: string, options: ScreenshotOptions = {}): Promise<void> {
  const dir = process.env.PORT_INSPECTOR_SCREENSHOT_DIR;
  if (!dir) { return; }
  if (!/^[\w.-]+$/.test(name)) { throw new Error(`screenshot name must be a plain file name: ${name}`); }
  const file = path.join(dir, `${name}.png`);
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.failed`, { force: true });
  console.log(`[[port-inspector-screenshot]] ${JSON.stringify({ name, ...options })}`);
  const deadline = Date.now() + 15000 + (options.delayMs ?? 0);
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) { return; }
    if (fs.existsSync(`${file}.failed`)) { throw new Error(`screenshot ${name} failed: ${fs.readFileSync(`${file}.failed`, 'utf8')}`); }
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`screenshot ${name} was not written to ${dir} (is the runner scripts/run-integration-tests.mjs?)`);
}
