/** The long, paced stories the demo's live tasks tell (a few minutes each at real speed). */
import type { CloudLogLine, RunStep } from './logScripts';

const SHOP_API = 'https://github.com/blackbox-demo/shop-api.git';
const STOREFRONT = 'https://github.com/blackbox-demo/storefront.git';

/** The running demo run's story: a few minutes of reading, editing and testing. */
export function liveRateLimitSteps(): RunStep[] {
  const files = [
    'src/middleware/rateLimit.ts',
    'src/routes/products.ts',
    'src/routes/orders.ts',
    'src/routes/users.ts',
  ];
  const steps: RunStep[] = [
    { text: "I'll add per-key rate limiting. First, a look at how requests are routed and authenticated." },
    { bash: `git clone ${SHOP_API} /vercel/sandbox`, stdout: "Cloning into '/vercel/sandbox'...\ndone." },
    {
      bash: 'ls src src/routes',
      stdout: 'src:\napp.ts\nauth.ts\nroutes\n\nsrc/routes:\norders.ts\nproducts.ts\nusers.ts',
    },
    {
      bash: 'grep -n "router\\." src/app.ts',
      stdout:
        '12:app.use("/products", productsRouter)\n13:app.use("/orders", ordersRouter)\n14:app.use("/users", usersRouter)',
    },
    {
      text: 'Requests are authenticated in src/auth.ts, so the limiter can key on the API key. A sliding window of 100 requests per minute fits.',
    },
  ];
  for (const file of files) {
    steps.push(
      { text: `Updating ${file}.` },
      {
        bash: `sed -n 1,40p ${file}`,
        stdout: `import { Router } from "express";\n// ${file}\nexport const router = Router();`,
      },
      { files: [file] },
      { bash: 'npx tsc --noEmit', stdout: '' },
    );
  }
  steps.push(
    { text: 'Now tests: the 101st request within a minute must get 429 with a Retry-After header.' },
    { files: ['test/rateLimit.test.ts'] },
    {
      bash: 'npm test -- test/rateLimit.test.ts',
      stdout:
        '  rate limiting\n    \u2714 allows 100 requests per minute\n    1) answers 429 after that\n\n  1 passing, 1 failing',
      exitCode: 1,
    },
    { text: 'The window resets one second late; fixing the boundary check.' },
    { files: ['src/middleware/rateLimit.ts'] },
    { bash: 'npm test', stdout: '  38 passing (1s)' },
    {
      bash: 'git checkout -b blackbox/add-rate-limiting && git commit -am "Add per-key rate limiting" && git push -u origin blackbox/add-rate-limiting',
      stdout: "branch 'blackbox/add-rate-limiting' set up to track 'origin/blackbox/add-rate-limiting'.",
    },
    {
      text: 'Done. Every public endpoint is limited to 100 requests per minute per API key and answers 429 with Retry-After; 38 tests pass.',
    },
  );
  return steps;
}

export function liveCloudLines(): CloudLogLine[] {
  const lines: CloudLogLine[] = [
    { message: 'Sandbox created', type: 'system', step: 'sandbox_created' },
    { message: `Cloning ${STOREFRONT}`, step: 'git_cloning' },
    { message: 'Repository cloned', type: 'success', step: 'git_cloned' },
    {
      message: "I'll add a theme toggle to the settings page and persist it in the user profile.",
      contentType: 'agentResponse',
    },
  ];
  for (const file of [
    'src/theme/tokens.css',
    'src/theme/useTheme.ts',
    'src/pages/Settings.tsx',
    'src/api/profile.ts',
    'test/theme.test.ts',
  ]) {
    lines.push(
      { message: `Editing ${file}`, contentType: 'message' },
      { message: `$ npx eslint ${file}\n\u001b[32m✔ no problems\u001b[39m`, contentType: 'ansi' },
    );
  }
  lines.push(
    { message: '$ npm test\n\u001b[32m  52 passing\u001b[39m', contentType: 'ansi' },
    { message: 'Committed and pushed blackbox/add-dark-mode', type: 'success', step: 'git_committed' },
  );
  return lines;
}
