// Mocha reporter: the spec reporter's output, plus the run's counts written to $SLIPWAY_TEST_COUNTS (JSON) so the
// suite runner can sum all suites into one "N passed, M failed" line. Pending tests are reported as skipped.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const file = process.env.SLIPWAY_TEST_COUNTS;
      if (!file) return;
      const s = runner.stats;
      fs.writeFileSync(file, JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending }));
    });
  }
}
module.exports = CountingReporter;
