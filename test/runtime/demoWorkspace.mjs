// A workspace that looks like a clone of github.com/blackbox-demo/shop-api: a git repository
// whose `origin` is the GitHub URL, made fetchable offline by a local bare repository and a
// repository-local `url.<bare>.insteadOf` rule. The bare repository also holds the branches the
// emulator's agents "created", so Check Out Task Branch works as it would against GitHub.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SHOP_API_URL = 'https://github.com/blackbox-demo/shop-api.git';

function git(cwd, ...args) {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' },
  });
  if (result.status !== 0)
    throw new Error(`git ${args.join(' ')} (in ${cwd}) failed: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

function write(root, files) {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const identity = ['-c', 'user.name=BLACKBOX Demo', '-c', 'user.email=demo@example.invalid'];

const BASE_FILES = {
  'README.md': '# shop-api\n\nOrders, carts and checkout for the demo shop.\n\n```sh\nnpm test\n```\n',
  'package.json': `${JSON.stringify({ name: 'shop-api', version: '1.4.0', private: true, scripts: { test: 'node --test' } }, null, 2)}\n`,
  'src/checkout.js': [
    'export function totalCents(items) {',
    '  return items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);',
    '}',
    '',
    'export async function checkout(cart, payments) {',
    '  const amount = totalCents(cart.items);',
    '  const receipt = await payments.charge(cart.customerId, amount);',
    "  return { status: 'paid', amount, receipt };",
    '}',
    '',
  ].join('\n'),
  'test/checkout.test.js': [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { checkout } from '../src/checkout.js';",
    '',
    "test('checkout charges the cart total', async () => {",
    '  const payments = { charge: async (_customer, amount) => ({ id: `r-${amount}` }) };',
    "  const result = await checkout({ customerId: 'c1', items: [{ priceCents: 250, quantity: 2 }] }, payments);",
    '  assert.equal(result.amount, 500);',
    '});',
    '',
  ].join('\n'),
};

/** What an agent's branch changes, so a checked-out branch visibly differs from main. */
function branchFiles(branch) {
  const slug = branch.replace(/[^\w-]+/g, '-');
  return {
    [`docs/changes/${slug}.md`]: `# ${branch}\n\nChanges made by a BLACKBOX agent on this branch.\n`,
    'test/checkout.test.js':
      BASE_FILES['test/checkout.test.js'].replace(
        '  const payments = { charge: async (_customer, amount) => ({ id: `r-${amount}` }) };',
        [
          '  // The real client resolves on a later tick; a stub that answers at once hid the race.',
          '  const payments = {',
          '    charge: (_customer, amount) => new Promise((resolve) => setImmediate(() => resolve({ id: `r-${amount}` }))),',
          '  };',
        ].join('\n'),
      ) + `\n// Changed on ${branch}.\n`,
  };
}

/**
 * Creates `<parent>/origin/shop-api.git` (bare, with `main` and every branch in `branches`) and
 * `<parent>/<name>` (the workspace, on `main`, origin = the GitHub URL rewritten to the bare repo).
 * @param {string} parent
 * @param {{ name?: string, branches?: readonly string[] }} [options]
 */
export function createShopApiWorkspace(parent, options = {}) {
  const bare = join(parent, 'origin', 'shop-api.git');
  const seed = join(parent, 'origin', 'seed');
  const workspace = join(parent, options.name ?? 'shop-api');
  mkdirSync(bare, { recursive: true });
  mkdirSync(seed, { recursive: true });
  git(bare, 'init', '--quiet', '--bare', '--initial-branch=main');

  git(seed, 'init', '--quiet', '--initial-branch=main');
  write(seed, BASE_FILES);
  git(seed, 'add', '.');
  git(seed, ...identity, 'commit', '--quiet', '-m', 'Checkout service with its first test');
  git(seed, 'remote', 'add', 'origin', bare);
  git(seed, 'push', '--quiet', 'origin', 'main');
  for (const branch of new Set(options.branches ?? [])) {
    git(seed, 'checkout', '--quiet', '-b', branch, 'main');
    write(seed, branchFiles(branch));
    git(seed, 'add', '.');
    git(seed, ...identity, 'commit', '--quiet', '-m', `Agent work on ${branch}`);
    git(seed, 'push', '--quiet', 'origin', branch);
    git(seed, 'checkout', '--quiet', 'main');
  }

  git(parent, 'clone', '--quiet', bare, workspace);
  git(workspace, 'remote', 'set-url', 'origin', SHOP_API_URL);
  // Fetches of the GitHub URL go to the local bare repository; the configured URL stays GitHub's.
  git(workspace, 'config', `url.${bare}.insteadOf`, SHOP_API_URL);
  git(workspace, 'config', 'user.name', 'BLACKBOX Demo');
  git(workspace, 'config', 'user.email', 'demo@example.invalid');
  return { workspace, bare };
}

/** Every branch the scenario's shop-api tasks create, now or later in their lifecycle. */
export function branchesInScenario(scenario, repoUrl = SHOP_API_URL) {
  const branches = new Set();
  for (const task of scenario.tasks) {
    if (task.repoUrl !== repoUrl) continue;
    const candidates = [
      task.createdBranch,
      task.onLogEnd?.createdBranch,
      ...(task.lifecycle ?? []).map((step) => step.createdBranch),
      ...(task.afterLog ?? []).map((step) => step.createdBranch),
      ...(task.agents ?? []).map((agent) => agent.branchName),
    ];
    for (const branch of candidates) if (typeof branch === 'string' && branch) branches.add(branch);
  }
  return [...branches];
}
