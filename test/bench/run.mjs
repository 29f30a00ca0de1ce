// `npm run bench`: builds, measures, prints one table and writes bench-results.json (ignored
// by git). Every figure is measured next to its baseline in the same run; timings are
// medians of several repetitions. Each part runs in a Node process of its own (see the
// .ts files beside this one, compiled to out/test/bench/), so one part's heap and JIT
// state never colour another's.
//
//   node test/bench/run.mjs [--quick] [--skip-activation] [--skip-package]
//                           [--activation-pairs N] [--update-readme]
//
// --quick: fewer repetitions (for trying the bench out; the README figures use the full run).
// --update-readme: replaces the table between the bench markers in README.md.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../runtime/provision.mjs';

const RESULT_MARKER = '@@bench-result ';
const PART_LIMIT_MS = 240_000;
const README_START = '<!-- bench:start -->';
const README_END = '<!-- bench:end -->';

/**
 * The commit activate()'s own time is compared with, launched beside this checkout in the same run
 * (the code before activation was cut down to registration and the rare features moved out).
 */
const ACTIVATION_BASELINE = { label: 'before the restructuring', commit: '285abd4bdbf8510ea3012175b0638fa418bcb8bd' };

/** The release the code's size is compared with: built from its commit in the same run. */
const PREVIOUS_RELEASE = { version: '0.1.0', commit: '83c6c7852a73bc9ab24b66a5d44ef9618d9411fd' };

const TARGETS = {
  activateMs: 3,
  firstItemsFromCacheMs: 100,
  bundleKb: 150,
  vsixKb: 300,
  pipelineShareOfBareParse: 0.5,
  tree10kMs: 50,
  requestsPerIntervalVisible: 1,
  requestsPerIntervalHiddenUnfocused: 0,
};

function parseArgs(argv) {
  const options = { quick: false, activation: true, packaging: true, activationPairs: undefined, updateReadme: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--skip-activation') options.activation = false;
    else if (arg === '--skip-package') options.packaging = false;
    else if (arg === '--activation-pairs') options.activationPairs = Number(argv[++i]);
    else if (arg === '--update-readme') options.updateReadme = true;
    else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

function say(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function machine() {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${platform()} ${release()}`,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

function build(options) {
  say('building out/ (node esbuild.mjs --tests)');
  let result = spawnSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the test build failed');
  if (options.packaging) {
    // After the test build: `npm run package` ends with the production bundle in dist/.
    say('packaging (npm run package: production build + vsce)');
    result = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`npm run package failed:\n${result.stdout}\n${result.stderr}`);
  } else {
    say('production build (node esbuild.mjs --production)');
    result = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('the production build failed');
  }
}

/** Where the production bundle's bytes come from, by folder (or npm package), largest first. */
async function bundleComposition() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // As in esbuild.mjs: the on-demand commands are a file of their own.
    plugins: [
      {
        name: 'on-demand-external',
        setup: (build) =>
          build.onResolve({ filter: /^\.\/onDemand\.js$/ }, () => ({ path: './onDemand.js', external: true })),
      },
    ],
  });
  const groups = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const parts = input.split('/');
      const nodeModules = parts.lastIndexOf('node_modules');
      const group =
        nodeModules >= 0
          ? parts.slice(nodeModules + 1, nodeModules + (parts[nodeModules + 1]?.startsWith('@') ? 3 : 2)).join('/')
          : parts.slice(0, parts.length > 2 ? 2 : 1).join('/');
      groups[group] = (groups[group] ?? 0) + bytesInOutput;
    }
  }
  return Object.entries(groups)
    .sort((a, b) => b[1] - a[1])
    .map(([group, bytes]) => ({ group, bytes }));
}

/** Lines and files of TypeScript under `dir`/src. */
function sourceSize(dir) {
  let lines = 0;
  let files = 0;
  const visit = (folder) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) visit(path);
      else if (name.endsWith('.ts')) {
        files++;
        lines += readFileSync(path, 'utf8').split('\n').length;
      }
    }
  };
  visit(join(dir, 'src'));
  return { lines, files };
}

/**
 * The previous release's production bundle and source size, built now from its commit with this
 * checkout's node_modules, so both sides come from the same esbuild and the same machine.
 */
function previousReleaseSize() {
  const dir = mkdtempSync(join(tmpdir(), 'blackbox-previous-release-'));
  try {
    const archive = spawnSync('git', ['archive', '--format=tar', PREVIOUS_RELEASE.commit], {
      cwd: repoRoot,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (archive.status !== 0) throw new Error(`git archive ${PREVIOUS_RELEASE.commit}: ${archive.stderr}`);
    const untar = spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
    if (untar.status !== 0) throw new Error(`tar: ${untar.stderr}`);
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
    const built = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: dir, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`building ${PREVIOUS_RELEASE.version}: ${built.stderr}`);
    return {
      version: PREVIOUS_RELEASE.version,
      bundleBytes: statSync(join(dir, 'dist', 'extension.js')).size,
      ...sourceSize(dir),
    };
  } catch (error) {
    return { version: PREVIOUS_RELEASE.version, error: error instanceof Error ? error.message : String(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sizes(options) {
  const bundle = join(repoRoot, 'dist', 'extension.js');
  const onDemand = join(repoRoot, 'dist', 'onDemand.js');
  const vsix = join(repoRoot, 'blackbox-agent-tasks.vsix');
  const bytes = readFileSync(bundle);
  return {
    part: 'sizes',
    bundleBytes: bytes.length,
    bundleGzipBytes: gzipSync(bytes).length,
    onDemandBytes: existsSync(onDemand) ? statSync(onDemand).size : undefined,
    bundleComposition: await bundleComposition(),
    vsixBytes: options.packaging && existsSync(vsix) ? statSync(vsix).size : undefined,
    source: sourceSize(repoRoot),
    previous: previousReleaseSize(),
  };
}

/** Runs one compiled part and resolves with the JSON it reported. */
function runPart(file, args = [], nodeOptions = []) {
  const path = join(repoRoot, 'out', 'test', 'bench', file);
  say(`running ${relative(repoRoot, path)} ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, path, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-8_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), PART_LIMIT_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) {
        reject(new Error(`${file} failed (${code ?? signal}):\n${stderr}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)));
    });
  });
}

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---- Formatting ------------------------------------------------------------------------

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => (value === undefined ? 'n/a' : value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(0)} ms`);
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const rate = (r) =>
  `${Math.round(r.eventsPerSecond).toLocaleString('en-US')} ev/s, ${r.megabytesPerSecond.toFixed(1)} MB/s`;
const perInterval = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** "met", or how far off: for an upper bound the excess, for a lower bound the shortfall. */
function verdict(value, target, { lowerIsBetter = true, format = String } = {}) {
  if (value === undefined || Number.isNaN(value)) return 'not measured';
  const met = lowerIsBetter ? value <= target : value >= target;
  if (met) return 'met';
  if (lowerIsBetter) {
    const factor = target > 0 ? ` (${(value / target).toFixed(1)}× the target)` : '';
    return `**missed** by ${format(value - target)}${factor}`;
  }
  return `**missed** by ${format(target - value)} (${((value / target) * 100).toFixed(0)} % of the target)`;
}

function tableRows(results) {
  const rows = [];
  const add = (measure, result, baseline, target, outcome) =>
    rows.push({ measure, result, baseline, target, verdict: outcome });
  const {
    sizes: size,
    logThroughput: log,
    logHeap: heap,
    treeBuild: tree,
    requestsPerInterval: requests,
    activation,
  } = results;

  if (activation?.launches?.length) {
    const current = activation.launches.filter((l) => l.side !== 'baseline');
    const baseline = activation.launches.filter((l) => l.side === 'baseline');
    const cold = current.filter((l) => l.phase === 'cold' && !l.alreadyActive);
    const warm = current.filter((l) => l.phase === 'warm' && !l.alreadyActive);
    const activate = median(current.map((l) => l.activationMs));
    const activateCall = median(current.map((l) => l.activateCallMs));
    const baselineActivate = median(baseline.map((l) => l.activationMs));
    add(
      `activate() own time (real VS Code, median of ${current.length} launches)`,
      `${ms(activate)}${baselineActivate !== undefined && activate !== undefined ? ` (${(baselineActivate / activate).toFixed(1)}× less than before)` : ''}`,
      baselineActivate === undefined
        ? `whole activation incl. module load: ${ms(activateCall)}`
        : `${ACTIVATION_BASELINE.label} (${ACTIVATION_BASELINE.commit.slice(0, 7)}, ${baseline.length} launches, alternating): ${ms(baselineActivate)}; whole activation incl. module load: ${ms(activateCall)} now, ${ms(median(baseline.map((l) => l.activateCallMs)))} before`,
      `≤ ${TARGETS.activateMs} ms`,
      verdict(activate, TARGETS.activateMs, { format: ms }),
    );
    const callCpu = median(current.map((l) => l.activateCallCpuMs));
    const baselineCallCpu = median(baseline.map((l) => l.activateCallCpuMs));
    add(
      '  CPU time of the whole activation call (module load + activate(); steady under load, unlike wall time)',
      `${ms(callCpu)}${baselineCallCpu !== undefined && callCpu ? ` (${(baselineCallCpu / callCpu).toFixed(1)}× less than before)` : ''}`,
      baselineCallCpu === undefined ? '—' : `${ACTIVATION_BASELINE.label}: ${ms(baselineCallCpu)}`,
      '—',
      '—',
    );
    const fromCache = median(warm.map((l) => l.firstItemsFromActivateMs));
    const fromEmulator = median(cold.map((l) => l.firstItemsFromActivateMs));
    const cacheStale = warm.every((l) => l.firstItemsStale === true);
    add(
      'first tree rows in the model (redraw handed to the workbench; painting not measured), from the cache, after activate() starts',
      `${ms(fromCache)}${cacheStale ? '' : ' (some rows were not from the cache!)'}`,
      `from the emulator: ${ms(fromEmulator)}`,
      `≤ ${TARGETS.firstItemsFromCacheMs} ms`,
      verdict(fromCache, TARGETS.firstItemsFromCacheMs, { format: ms }),
    );
    add(
      '  of which: reading the stored key (SecretStorage)',
      `${ms(median(current.map((l) => l.keyReadFromActivateMs)))} after activate() starts`,
      '—',
      '—',
      "the cached tree does not wait for it: the latest saved list draws at once and is dropped if the key turns out to be another account's",
    );
    add(
      '  one small file read through vscode.workspace.fs',
      ms(median(current.map((l) => l.workspaceFsReadMs))),
      `node:fs: ${ms(median(current.map((l) => l.nodeFsReadMs)))}`,
      '—',
      'in code-server each call crosses to the browser and back; the saved list is read with node:fs when globalStorageUri is a file: URI (else through workspace.fs)',
    );
    add(
      'first tree rows in the model incl. VS Code loading the module',
      `cache ${ms(median(warm.map((l) => l.firstItemsMs)))}, emulator ${ms(median(cold.map((l) => l.firstItemsMs)))}`,
      '—',
      '—',
      `${warm.length + cold.length} launches`,
    );
  } else {
    add(
      'activation (real VS Code)',
      activation?.error ? `failed: ${activation.error}` : 'skipped',
      '—',
      `≤ ${TARGETS.activateMs} ms`,
      'not measured',
    );
  }

  if (size) {
    const previous = size.previous;
    const previousText = (value) => (previous?.error ? `${previous.version}: not built (${previous.error})` : value);
    add(
      'bundle dist/extension.js (production)',
      `${kb(size.bundleBytes)} (gzip ${kb(size.bundleGzipBytes)})`,
      previousText(`${previous.version}: ${kb(previous.bundleBytes ?? 0)}`),
      `≤ ${TARGETS.bundleKb} KB`,
      verdict(size.bundleBytes / 1024, TARGETS.bundleKb, { format: (v) => `${v.toFixed(1)} KB` }),
    );
    add(
      '  loaded on first use: dist/onDemand.js',
      size.onDemandBytes === undefined ? 'not built' : kb(size.onDemandBytes),
      `${previous.version}: everything in the activation bundle`,
      '—',
      '—',
    );
    add(
      'source: TypeScript lines / files under src/',
      `${size.source.lines.toLocaleString('en-US')} lines / ${size.source.files} files`,
      previousText(
        `${previous.version}: ${(previous.lines ?? 0).toLocaleString('en-US')} lines / ${previous.files ?? 0} files`,
      ),
      '—',
      '—',
    );
    add(
      '  bundle bytes by origin',
      size.bundleComposition
        .slice(0, 5)
        .map((g) => `${g.group} ${kb(g.bytes)}`)
        .join(', '),
      '—',
      '—',
      '—',
    );
    add(
      'VSIX',
      size.vsixBytes === undefined ? 'skipped' : kb(size.vsixBytes),
      '—',
      `≤ ${TARGETS.vsixKb} KB`,
      size.vsixBytes === undefined
        ? 'not measured'
        : verdict(size.vsixBytes / 1024, TARGETS.vsixKb, { format: (v) => `${v.toFixed(1)} KB` }),
    );
  }

  if (log) {
    const share = log.pipelineReplay.megabytesPerSecond / log.bareParse.megabytesPerSecond;
    add(
      `log pipeline: HTTP → streamLogs → renderer (${log.sizeMb.toFixed(1)} MB, ${log.pipelineReplay.events.toLocaleString('en-US')} events)`,
      rate(log.pipelineReplay),
      `bare JSON.parse of the same lines: ${rate(log.bareParse)}`,
      `≥ ${TARGETS.pipelineShareOfBareParse * 100} % of bare parse`,
      `${(share * 100).toFixed(0)} %: ${verdict(share * 100, TARGETS.pipelineShareOfBareParse * 100, { lowerIsBetter: false, format: (v) => `${v.toFixed(0)} points` })}`,
    );
    add(
      '  same pipeline, served by the emulator',
      rate(log.pipelineEmulator),
      'the emulator serialises and writes one event at a time (waiting only for drain)',
      '—',
      `${((log.pipelineEmulator.megabytesPerSecond / log.bareParse.megabytesPerSecond) * 100).toFixed(0)} % of bare parse`,
    );
    add(
      '  SSE reader + decoder alone (bytes in memory)',
      rate(log.readerAndDecoder),
      `bare parse: ${rate(log.bareParse)}`,
      '—',
      `${((log.readerAndDecoder.megabytesPerSecond / log.bareParse.megabytesPerSecond) * 100).toFixed(0)} % of bare parse`,
    );
    add('  renderer alone (events already decoded)', rate(log.rendererAlone), '—', '—', '—');
  }
  if (heap) {
    // Flat means the larger log needs no more live heap than the smaller, within a small
    // allowance for noise (1 MB or 25 %, whichever is larger); the baseline only gives scale.
    const [small, large] = [heap.sizes[0], heap.sizes[heap.sizes.length - 1]];
    const allowance = Math.max(1024 * 1024, small.peakLiveHeapGrowthBytes * 0.25);
    const flat = large.peakLiveHeapGrowthBytes <= small.peakLiveHeapGrowthBytes + allowance;
    const sizeWords = heap.sizes.map((size) => `${size.sizeMb.toFixed(0)} MB`).join(' and ');
    add(
      `live heap streaming ${sizeWords} logs (full GC before each sample, every ${heap.sampleEveryEvents.toLocaleString('en-US')} events)`,
      heap.sizes
        .map(
          (size) =>
            `${size.sizeMb.toFixed(0)} MB (${size.events.toLocaleString('en-US')} events): peak ${mb(size.peakLiveHeapGrowthBytes)}, after ${mb(size.retainedHeapGrowthBytes)}`,
        )
        .join('; '),
      `whole ${heap.naive.sizeMb.toFixed(0)} MB body read then parsed: ${mb(heap.naive.peakHeapGrowthBytes)}`,
      'flat (independent of log size)',
      flat
        ? `met: ${large.sizeMb.toFixed(0)} MB peaks within ${mb(allowance)} of ${small.sizeMb.toFixed(0)} MB`
        : `**missed**: the peak grows with the log (${mb(small.peakLiveHeapGrowthBytes)} → ${mb(large.peakLiveHeapGrowthBytes)})`,
    );
  }
  if (tree) {
    for (const size of tree.sizes) {
      const target = size.tasks === 10_000 ? TARGETS.tree10kMs : undefined;
      add(
        `tree build, ${size.tasks.toLocaleString('en-US')} tasks (model + every row)`,
        `${ms(size.buildMs)} (CPU ${ms(size.buildCpuMs)}; model alone ${ms(size.modelOnlyMs)})`,
        `sort by time only: ${ms(size.sortOnlyMs)}`,
        target ? `≤ ${target} ms` : '—',
        target
          ? verdict(size.buildMs, target, { format: ms }) +
              (size.buildMs > target && size.buildCpuMs <= target
                ? ' (met in CPU time: the rest is waiting for a core)'
                : '')
          : '—',
      );
    }
    add('  10,000 tasks, first build in a fresh process (no JIT warm-up)', ms(tree.coldBuild10kMs), '—', '—', '—');
  }
  if (requests) {
    for (const row of requests.rows) {
      const visible = row.store.visible.perInterval;
      const hiddenFocused = row.store.hiddenFocused.perInterval;
      const hiddenUnfocused = row.store.hiddenUnfocused.perInterval;
      const ok =
        visible <= TARGETS.requestsPerIntervalVisible &&
        hiddenFocused <= 1 &&
        hiddenUnfocused === TARGETS.requestsPerIntervalHiddenUnfocused;
      add(
        `requests per ${requests.intervalMs / 1000} s interval (all: list, status, details), ${row.active} active of ${requests.tasks}`,
        `visible ${perInterval(visible)} · hidden ${perInterval(hiddenFocused)} · hidden+unfocused ${perInterval(hiddenUnfocused)}`,
        `naive list + status per active task: ${perInterval(row.naive.perInterval)}`,
        '≤ 1; 0 hidden+unfocused',
        ok ? 'met' : '**missed**',
      );
    }
  }
  return rows;
}

/** Why each missed target is missed, from what this run measured beside it. */
function missNotes(results) {
  const notes = [];
  const { sizes: size, logThroughput: log, treeBuild: tree, activation } = results;
  if (size && size.bundleBytes / 1024 > TARGETS.bundleKb) {
    const top = size.bundleComposition
      .slice(0, 3)
      .map((g) => `${g.group} ${kb(g.bytes)}`)
      .join(', ');
    notes.push(
      `Bundle: ${kb(size.bundleBytes)} minified (${kb(size.bundleGzipBytes)} gzipped, which is what the VSIX carries). It is our own code (${top}); the only dependency is eventsource-parser. Closing the gap means less code, not a different bundler setting.`,
    );
  }
  if (log) {
    const share = log.pipelineReplay.megabytesPerSecond / log.bareParse.megabytesPerSecond;
    if (share < TARGETS.pipelineShareOfBareParse) {
      const decoder = log.readerAndDecoder.megabytesPerSecond / log.bareParse.megabytesPerSecond;
      notes.push(
        `Log pipeline: the SSE reader and decoder alone reach ${(decoder * 100).toFixed(0)} % of a bare JSON.parse (streaming TextDecoder + eventsource-parser + mapping each event); the rest is HTTP through undici's fetch body stream, handing each event to the consumer (one await per event; the stream itself steps once per chunk) and rendering (the renderer alone runs at ${log.rendererAlone.megabytesPerSecond.toFixed(0)} MB/s). In absolute terms ${log.pipelineReplay.megabytesPerSecond.toFixed(0)} MB/s is far beyond any agent's output rate${log.pipelineEmulator.megabytesPerSecond < log.pipelineReplay.megabytesPerSecond ? ` and more than the emulator sends (${log.pipelineEmulator.megabytesPerSecond.toFixed(0)} MB/s)` : ''}; the live heap of a 10 MB and a 50 MB log is compared in the row above.`,
      );
    }
  }
  if (tree) {
    const big = tree.sizes.find((s) => s.tasks === 10_000);
    if (big && big.buildMs > TARGETS.tree10kMs) {
      notes.push(
        `Tree: ${ms(big.buildMs)} for 10,000 rows, of which the model (filter, chats, groups, sorting) is ${ms(big.modelOnlyMs)}; the rest is presenting every row (label from the first prompt line, relative time, description, context value). VS Code asks for a group's rows only when the group is open (finished groups start collapsed) and a change redraws only the rows it touched, so the full figure is the worst case of a first draw with every group open.`,
      );
    }
  }
  if (activation?.launches?.length) {
    const current = activation.launches.filter((l) => l.side !== 'baseline');
    const warm = current.filter((l) => l.phase === 'warm' && !l.alreadyActive);
    const fromCache = median(warm.map((l) => l.firstItemsFromActivateMs));
    const fromEmulator = median(
      current.filter((l) => l.phase === 'cold' && !l.alreadyActive).map((l) => l.firstItemsFromActivateMs),
    );
    const activate = median(current.map((l) => l.activationMs));
    if (activate !== undefined && activate > TARGETS.activateMs) {
      notes.push(
        `activate(): ${ms(activate)} median; it only builds objects and registers commands (no network, nothing awaited), so the figure moves with the machine's load.`,
      );
    }
    if (fromCache !== undefined && fromCache > TARGETS.firstItemsFromCacheMs) {
      const keyRead = median(current.map((l) => l.keyReadFromActivateMs));
      const fsRead = median(current.map((l) => l.workspaceFsReadMs));
      notes.push(
        `First rows from the cache: the latest saved list is read at activation (node:fs when globalStorageUri is a file: URI, else workspace.fs at ${ms(fsRead)} a call) in parallel with the stored key (${ms(keyRead)} after activate() starts), and drawn as soon as it is read: neither the key nor a round trip to the workbench is on this path, so a miss is the extension host's own time (startup work, the read, the first draw) on a loaded machine.${fromEmulator !== undefined && fromEmulator < fromCache ? ' The rows from the emulator arrived sooner in this run.' : ''}`,
      );
    }
  }
  return notes;
}

function markdownTable(rows) {
  const header = ['Measure', 'Result', 'Baseline (same run)', 'Target', 'Verdict'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows)
    lines.push(
      `| ${[row.measure, row.result, row.baseline, row.target, row.verdict].map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`,
    );
  return lines.join('\n');
}

function machineLine(info) {
  return `${info.date.slice(0, 10)} · ${info.cpu} (${info.cores} cores, ${info.memoryGb} GB) · Node ${info.node} · ${info.os} · load average at start ${info.loadAverageAtStart.join(' / ')}`;
}

function updateReadme(text) {
  const readme = join(repoRoot, 'README.md');
  const current = readFileSync(readme, 'utf8');
  const start = current.indexOf(README_START);
  const end = current.indexOf(README_END);
  if (start < 0 || end < start) {
    say(`README.md has no ${README_START} … ${README_END} markers; not updated`);
    return;
  }
  writeFileSync(readme, `${current.slice(0, start + README_START.length)}\n${text}\n${current.slice(end)}`);
  say('README.md table updated');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const info = machine();
  console.log(`BLACKBOX Agent Tasks benchmark — ${machineLine(info)}`);
  build(options);

  const results = { sizes: await sizes(options) };
  const reps = options.quick ? 3 : 5;
  results.logThroughput = await runPart('logPipeline.js', ['throughput', '4', String(reps)], ['--expose-gc']);
  results.logHeap = await runPart('logPipeline.js', ['heap', '10,50'], ['--expose-gc']);
  results.treeBuild = await runPart('treeBuild.js', [String(options.quick ? 5 : 9)]);
  results.requestsPerInterval = await runPart('requestsPerInterval.js', ['12']);
  if (options.activation) {
    const { buildBaselineExtension, measureActivation } = await import('./activation.mjs');
    const pairs = options.activationPairs ?? (options.quick ? 1 : 3);
    say(
      `activation in code-server: ${pairs} pair(s) of launches (cold profile, then the same profile warm), each beside ${ACTIVATION_BASELINE.label} (${ACTIVATION_BASELINE.commit.slice(0, 7)})`,
    );
    let baselinePath;
    try {
      baselinePath = buildBaselineExtension(ACTIVATION_BASELINE.commit);
      results.activation = await measureActivation({ pairs, log: say, baselinePath });
    } catch (error) {
      // The rest of the table still stands; the activation rows say why they are missing.
      say(`activation could not be measured: ${error instanceof Error ? error.message : String(error)}`);
      results.activation = { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
    } finally {
      if (baselinePath) rmSync(baselinePath, { recursive: true, force: true });
    }
  }

  const rows = tableRows(results);
  const notes = missNotes(results);
  const table = `${markdownTable(rows)}${notes.length ? `\n\n**Why the missed targets are missed** (from this run's own figures):\n\n${notes.map((note) => `- ${note}`).join('\n')}` : ''}`;
  const elapsedS = Math.round((Date.now() - started) / 1000);
  info.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  console.log('');
  console.log(table);
  console.log('');
  console.log(`Measured ${machineLine(info)}; bench took ${elapsedS} s${options.quick ? ' (--quick)' : ''}.`);
  writeFileSync(
    join(repoRoot, 'bench-results.json'),
    `${JSON.stringify({ machine: info, elapsedSeconds: elapsedS, quick: options.quick, targets: TARGETS, table: rows, notes, results }, null, 2)}\n`,
  );
  say('wrote bench-results.json');
  if (options.updateReadme) updateReadme(`_Measured ${machineLine(info)} with \`npm run bench\`._\n\n${table}`);
}

main().catch((error) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
