// Observes the `setContext` calls made in this extension host, so tests can read the context
// keys the extension sets (the workbench offers no command to read a context key back).
// Works because test files live inside the extension's folder and so receive the same
// `vscode` API object as the extension itself; installed before the extension activates.
import * as vscode from 'vscode';

const values = new Map<string, unknown>();
let installed = false;

export function installContextKeySpy(): void {
  if (installed) return;
  installed = true;
  const commands = vscode.commands;
  const original = commands.executeCommand.bind(commands);
  const spy = <T>(command: string, ...rest: unknown[]): Thenable<T> => {
    if (command === 'setContext' && typeof rest[0] === 'string') values.set(rest[0], rest[1]);
    return original<T>(command, ...rest);
  };
  Object.defineProperty(commands, 'executeCommand', { value: spy, configurable: true, writable: true });
  if (commands.executeCommand !== spy) throw new Error('cannot observe setContext: vscode.commands is not writable');
}

/** The last value the extension set for a context key (undefined if it never set it). */
export function observedContextKey(name: string): unknown {
  return values.get(name);
}

export function observedContextKeys(): ReadonlyMap<string, unknown> {
  return values;
}
