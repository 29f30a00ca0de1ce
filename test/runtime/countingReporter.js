// Mocha's spec reporter that also writes the run's counts as JSON, so `npm test` can add up
// every suite (unit in Node, integration in the extension host, UI) into one closing line.
// The file comes from reporter option `countsFile` or the BLACKBOX_TEST_COUNTS environment variable.
'use strict';
const { writeFileSync } = require('node:fs');
const { reporters, Runner } = require('mocha');
const Base = reporters.Base;

class CountingReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const countsFile = options?.reporterOptions?.countsFile ?? process.env.BLACKBOX_TEST_COUNTS;
    const startedAt = Date.now();
    // Wall time per test, hooks included (from the previous test's end), to name what makes a run slow.
    const spans = [];
    let lastEnd = startedAt;
    runner.on(Runner.constants.EVENT_TEST_END, (test) => {
      const now = Date.now();
      spans.push({ title: test.fullTitle(), ms: now - lastEnd });
      lastEnd = now;
    });
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      const total = Date.now() - startedAt;
      if (total > 60_000 && spans.length > 0) {
        const slowest = [...spans].sort((a, b) => b.ms - a.ms).slice(0, 8);
        Base.consoleLog(`  Slowest tests (wall time, hooks included) of ${(total / 1000).toFixed(0)} s:`);
        for (const span of slowest) Base.consoleLog(`    ${(span.ms / 1000).toFixed(1).padStart(6)} s  ${span.title}`);
      }
    });
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      if (!countsFile) return;
      const { passes, failures, pending } = this.stats;
      writeFileSync(
        countsFile,
        JSON.stringify({ passed: passes, failed: failures, skipped: pending, durationMs: Date.now() - startedAt }),
      );
    });
  }
}

module.exports = CountingReporter;
