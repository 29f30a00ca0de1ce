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

export function createLogger(channel: vscode.LogOutputChannel, redact: (text: string) => string): Logger {
  return {
    trace: (message) => channel.trace(redact(message)),
    debug: (message) => channel.debug(redact(message)),
    info: (message) => channel.info(redact(message)),
    warn: (message) => channel.warn(redact(message)),
    error: (message) => channel.error(redact(message)),
    show: () => channel.show(true),
  };
}
