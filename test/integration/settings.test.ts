// Interval settings in the real workbench: the Ports view's interval is in seconds
// (portInspector.portsViewRefreshInterval); the former millisecond setting portInspector.refreshInterval
// is still honoured when only it is set, and the settings UI marks it deprecated.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, portsApi } from './helpers/portsApi';
import { waitFor } from '../unit/support/children';

const NEW = 'portsViewRefreshInterval';
const LEGACY = 'refreshInterval';

describe('Interval settings', function () {
  this.timeout(30000);
  const config = () => vscode.workspace.getConfiguration('portInspector');
  const set = async (key: string, value: number | undefined) => config().update(key, value, vscode.ConfigurationTarget.Global);

  before(async () => {
    await portsApi();
    await vscode.commands.executeCommand('portInspector.ports.focus');
  });
  afterEach(async () => {
    await set(NEW, undefined);
    await set(LEGACY, undefined);
  });

  it('defaults to 2 seconds when neither setting is set', async () => {
    const api = await portsApi();
    assert.strictEqual(config().inspect(NEW)?.defaultValue, 2);
    assert.strictEqual(api.refreshIntervalMs(), 2000);
  });

  it('honours the legacy millisecond setting when only it is set, converted to the same interval', async () => {
    const api = await portsApi();
    await set(LEGACY, 1500);
    assert.strictEqual(api.refreshIntervalMs(), 1500);
    // below the floor: raised to half a second, as before
    await set(LEGACY, 200);
    assert.strictEqual(api.refreshIntervalMs(), 500);
    // 0 still means "only on demand": after a refresh no timer is armed even though the view is visible
    await set(LEGACY, 0);
    assert.strictEqual(api.refreshIntervalMs(), 0);
    assert.ok(await waitFor(() => api.viewVisible()), 'the view did not become visible');
    await api.refresh();
    assert.strictEqual(api.polling(), false, 'a timer is armed with automatic refresh off');
  });

  it('the new setting, in seconds, wins over the legacy one', async () => {
    const api = await portsApi();
    await set(LEGACY, 700);
    await set(NEW, 3);
    assert.strictEqual(api.refreshIntervalMs(), 3000);
    await set(NEW, 0);
    assert.strictEqual(api.refreshIntervalMs(), 0, 'new = 0 turns automatic refresh off even with the legacy one set');
    await set(NEW, 0.25);
    assert.strictEqual(api.refreshIntervalMs(), 500);
    await set(NEW, undefined);
    assert.strictEqual(api.refreshIntervalMs(), 700, 'with the new one unset again, the legacy one applies');
  });

  it('the view refreshes on the timer at the interval the new setting gives', async () => {
    const api = await portsApi();
    await set(NEW, 0.5);
    await vscode.commands.executeCommand('portInspector.ports.focus');
    assert.ok(await waitFor(() => api.viewVisible()), 'the view did not become visible');
    const c0 = api.collections();
    // 0.5 s apart (2.5 s when the browser window has no focus): at least 2 more within 10 s
    assert.ok(await waitFor(() => api.collections() >= c0 + 2, 10000), `only ${api.collections() - c0} collections in 10 s`);
    await set(NEW, 0);
    await api.refresh();
    assert.strictEqual(api.polling(), false);
  });

  it('the settings UI marks the legacy setting deprecated and names its successor; both intervals are in seconds', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const props = (ext.packageJSON as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } })
      .contributes.configuration.properties;
    const legacy = props[`portInspector.${LEGACY}`];
    assert.ok(legacy, 'the legacy setting is still declared (so its value can be read)');
    assert.match(String(legacy.markdownDeprecationMessage), new RegExp(`portInspector\\.${NEW}`));
    assert.match(String(legacy.deprecationMessage), new RegExp(`portInspector\\.${NEW}`));
    for (const key of [NEW, 'devPortsCheckInterval']) {
      const p = props[`portInspector.${key}`];
      assert.ok(p, key);
      assert.match(String(p.markdownDescription ?? p.description), /[Ss]econds/, `${key} says its unit`);
    }
  });
});
