import type * as vscode from 'vscode';

/** The extension's own diagnostics. Every line passes through the redactor so no secret is ever written. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
}

type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * The logger over a log Output channel that is created on the first line written (or on
 * `show`), so activation does not pay for it. Once disposed it writes nothing and creates nothing.
 */
export function createLogger(
  openChannel: () => vscode.LogOutputChannel,
  redact: (text: string) => string,
): Logger & vscode.Disposable {
  let channel: vscode.LogOutputChannel | undefined;
  let disposed = false;
  const opened = (): vscode.LogOutputChannel | undefined => (disposed ? undefined : (channel ??= openChannel()));
  const write = (level: LogLevel, message: string): void => {
    opened()?.[level](redact(message));
  };
  return {
    trace: (message) => write('trace', message),
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
    show: () => opened()?.show(true),
    dispose: () => {
      disposed = true;
      channel?.dispose();
    },
  };
}
