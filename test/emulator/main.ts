/**
 * `npm run emulator`: the emulator standalone with the demo scenario, for trying the
 * extension without a BLACKBOX account. Options: --port N (or BLACKBOX_EMULATOR_PORT),
 * --empty (no tasks), --speed N (play the demo N times faster).
 */
import { startEmulator } from './emulator';
import { demoScenario, emptyScenario } from './scenarios';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`Invalid port "${raw}"`);
    process.exit(2);
  }
  return port;
}

async function main(): Promise<void> {
  const port = parsePort(argValue('--port') ?? process.env.BLACKBOX_EMULATOR_PORT);
  const speed = Number(argValue('--speed') ?? '1');
  const scenario = process.argv.includes('--empty') ? emptyScenario() : demoScenario({ speed: speed > 0 ? speed : 1 });
  const emulator = await startEmulator({ port, scenario });
  const settings = JSON.stringify(
    {
      'blackboxTasks.agentApiUrl': emulator.url,
      'blackboxTasks.cloudApiUrl': emulator.url,
      'blackboxTasks.api': 'auto',
    },
    null,
    2,
  );
  console.log(
    [
      `BLACKBOX API emulator (${scenario.name} scenario) listening on ${emulator.url}`,
      '',
      `  Agent API v1:  ${emulator.url}/api/v1   demo key: ${emulator.keys.agent}`,
      `  Cloud API:     ${emulator.url}/api      demo key: ${emulator.keys.cloud}`,
      '',
      'Point the extension at it with these user settings:',
      settings,
      'then run "BLACKBOX: Set API Key…" with one of the demo keys (or set BLACKBOX_API_KEY).',
      'These demo keys only open this local emulator. Press Ctrl+C to stop.',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the emulator…`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('The emulator could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
