// Records what happens to the Output channels created in this extension host, so tests can read
// a task log back (an Output channel's text cannot be read through the API) and see how it was
// written, cleared, shown and closed. Wraps `vscode.window.createOutputChannel`, the factory the
// extension's log channels use; works because test files receive the same `vscode` API object as
// the extension (see contextKeySpy).
import * as vscode from 'vscode';

/** How many characters of each channel are kept (the end of it). */
const KEEP_CHARS = 4_000_000;

/** One Output channel as the spy saw it; a live view: it changes as the channel is used. */
export interface RecordedChannel {
  readonly name: string;
  /** What was written since the channel was last cleared (its end, if it grew very long). */
  readonly text: string;
  /** Calls to `append` since the channel was last cleared: each is one message to the workbench. */
  readonly appends: number;
  /** Characters appended since the channel was last cleared. */
  readonly chars: number;
  /** How often the channel was cleared (a log starts over on a cleared channel). */
  readonly clears: number;
  readonly disposed: boolean;
  /** When the channel was last shown, on a count shared by all channels (0: never). */
  readonly lastShown: number;
}

/** What the stand-in updates; `text` is read through a getter that keeps only the end. */
type ChannelRecord = { -readonly [K in Exclude<keyof RecordedChannel, 'text'>]: RecordedChannel[K] } & {
  written: string;
  readonly text: string;
};

/** Every recorded channel, oldest first. */
const recorded: ChannelRecord[] = [];
let shows = 0;
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
    const record: ChannelRecord = {
      name,
      written: '',
      get text() {
        return this.written.slice(-KEEP_CHARS);
      },
      appends: 0,
      chars: 0,
      clears: 0,
      disposed: false,
      lastShown: 0,
    };
    recorded.push(record);
    const add = (text: string) => {
      record.written += text;
      if (record.written.length > 2 * KEEP_CHARS) record.written = record.written.slice(-KEEP_CHARS);
    };
    const clear = () => {
      record.written = '';
      record.appends = 0;
      record.chars = 0;
      record.clears++;
    };
    // The channel VS Code returns is frozen: hand out a recording stand-in instead.
    const show = channel.show.bind(channel) as (...rest: unknown[]) => void;
    return {
      get name() {
        return channel.name;
      },
      append: (text) => {
        add(text);
        record.appends++;
        record.chars += text.length;
        channel.append(text);
      },
      appendLine: (text) => {
        add(`${text}\n`);
        channel.appendLine(text);
      },
      replace: (text) => {
        clear();
        add(text);
        channel.replace(text);
      },
      clear: () => {
        clear();
        channel.clear();
      },
      show: (...rest: unknown[]) => {
        record.lastShown = ++shows;
        show(...rest);
      },
      hide: () => channel.hide(),
      dispose: () => {
        record.disposed = true;
        channel.dispose();
      },
    };
  };
  Object.defineProperty(window, 'createOutputChannel', { value: spy, configurable: true, writable: true });
  if (window.createOutputChannel !== spy)
    throw new Error('cannot observe output channels: vscode.window is not writable');
}

/** The most recently created channel of this name (open or not), if any. */
export function outputChannel(name: string): RecordedChannel | undefined {
  for (let i = recorded.length - 1; i >= 0; i--) if (recorded[i]?.name === name) return recorded[i];
  return undefined;
}

/** The channels not yet disposed, least recently shown first. */
export function openOutputChannels(): readonly RecordedChannel[] {
  return recorded.filter((channel) => !channel.disposed).sort((a, b) => a.lastShown - b.lastShown);
}

/** The channels created while `action` ran (until the promise it returns settles), oldest first. */
export async function channelsCreatedBy(action: () => unknown): Promise<RecordedChannel[]> {
  const before = recorded.length;
  await action();
  return recorded.slice(before);
}
