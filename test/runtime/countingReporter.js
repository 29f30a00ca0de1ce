// Mocha's spec reporter that also writes the run's counts as JSON, so `npm test` can add up
// every suite (unit in Node, integration in the extension host, UI) into one closing line.
// The file comes from reporter option `countsFile` or the BLACKBOX_TEST_COUNTS environment variable.
'use strict';
const { writeFileSync } = require('node:fs');
const { reporters, Runner } = require('mocha');

class CountingReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const countsFile = options?.reporterOptions?.countsFile ?? process.env.BLACKBOX_TEST_COUNTS;
    const startedAt = Date.now();
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
