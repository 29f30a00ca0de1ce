// Records what is written to the Output channels created in this extension host, so tests can
// read a task log back (an Output channel's text cannot be read through the API). Wraps
// `vscode.window.createOutputChannel`, the factory the extension's log channels use; works
// because test files receive the same `vscode` API object as the extension (see contextKeySpy).
import * as vscode from 'vscode';

/** How many characters of each channel are kept (the end of it). */
const KEEP_CHARS = 4_000_000;

/** The text of the most recently created channel of each name, since it was last cleared. */
const texts = new Map<string, { text: string }>();
let installed = false;

export function installOutputChannelSpy(): void {
  if (installed) return;
  installed = true;
  const window = vscode.window;
  const original = window.createOutputChannel.bind(window) as (...args: unknown[]) => vscode.OutputChannel;
  const spy = (...args: unknown[]): vscode.OutputChannel => {
    const channel = original(...args);
    const name = args[0];
    // Log channels ({ log: true }) are the extension's own diagnostics, not task logs.
    if (typeof name !== 'string' || (args[1] !== undefined && typeof args[1] !== 'string')) return channel;
    const record = { text: '' };
    texts.set(name, record);
    const add = (text: string) => {
      record.text += text;
      if (record.text.length > 2 * KEEP_CHARS) record.text = record.text.slice(-KEEP_CHARS);
    };
    // The channel VS Code returns is frozen: hand out a recording stand-in instead.
    const show = channel.show.bind(channel) as (...rest: unknown[]) => void;
    return {
      get name() {
        return channel.name;
      },
      append: (text) => {
        add(text);
        channel.append(text);
      },
      appendLine: (text) => {
        add(`${text}\n`);
        channel.appendLine(text);
      },
      replace: (text) => {
        record.text = '';
        add(text);
        channel.replace(text);
      },
      clear: () => {
        record.text = '';
        channel.clear();
      },
      show: (...rest: unknown[]) => show(...rest),
      hide: () => channel.hide(),
      dispose: () => channel.dispose(),
    };
  };
  Object.defineProperty(window, 'createOutputChannel', { value: spy, configurable: true, writable: true });
  if (window.createOutputChannel !== spy)
    throw new Error('cannot observe output channels: vscode.window is not writable');
}

/** What was written to the channel of this name since it was last cleared (undefined if none was created). */
export function outputChannelText(name: string | undefined): string | undefined {
  const text = name === undefined ? undefined : texts.get(name)?.text;
  return text === undefined ? undefined : text.slice(-KEEP_CHARS);
}
