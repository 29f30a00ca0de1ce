// Counts how often each webview panel's page is loaded (its `webview.html` set), which resets the
// reader's scroll position and find; an update patched into the page posts a message instead.
// Wraps `vscode.window.createWebviewPanel`, the factory the extension's pages use, as the other
// spies wrap theirs (test files receive the same `vscode` API object as the extension).
import * as vscode from 'vscode';

interface PanelRecord {
  readonly viewType: string;
  loads: number;
}

const latest = new Map<string, PanelRecord>();
let installed = false;

/** Binds a function read from `target` to it: VS Code's objects keep private state the proxy cannot reach. */
function boundGet(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

export function installWebviewSpy(): void {
  if (installed) return;
  installed = true;
  const window = vscode.window;
  const original = window.createWebviewPanel.bind(window) as (...args: unknown[]) => vscode.WebviewPanel;
  const spy = (...args: unknown[]): vscode.WebviewPanel => {
    const real = original(...args);
    const record: PanelRecord = { viewType: String(args[0]), loads: 0 };
    latest.set(record.viewType, record);
    const webview = new Proxy(real.webview, {
      get: (target, property) => boundGet(target, property),
      set(target, property, value) {
        if (property === 'html') record.loads++;
        return Reflect.set(target, property, value, target);
      },
    });
    return new Proxy(real, {
      get: (target, property) => (property === 'webview' ? webview : boundGet(target, property)),
      set: (target, property, value) => Reflect.set(target, property, value, target),
    });
  };
  Object.defineProperty(window, 'createWebviewPanel', { value: spy, configurable: true, writable: true });
  if (window.createWebviewPanel !== spy)
    throw new Error('cannot observe webview panels: vscode.window is not writable');
}

/** How often the page of the most recently created panel of this view type was loaded (0 if none was created). */
export function webviewLoads(viewType: string): number {
  return latest.get(viewType)?.loads ?? 0;
}
