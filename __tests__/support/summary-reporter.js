// @ts-check
/**
 * Jest reporter that runs after the default one and prints, on stdout:
 *   1. every skipped test by full name (our skip names carry the reason: "… — skipped on moto: …"),
 *   2. test files that failed to run at all (their tests are never counted by Jest),
 *   3. as the very last line, exactly: `tests: N passed, N failed, N skipped` — the line CI reads.
 * A file that could not run counts as one failed test, so the line never says "0 failed" for a red run.
 *
 * Jest always appends its own summary reporter after custom ones, so the block is written when the
 * process exits (stdout writes are synchronous on Linux for files, pipes and terminals).
 */
'use strict';

const path = require('node:path');

/** @param {string} text */
const stripAnsi = (text) => text.replace(ANSI_COLOUR, '');
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** @typedef {import('@jest/reporters').AggregatedResult} AggregatedResult */
/** @typedef {import('@jest/reporters').TestResult} TestResult */

class SummaryReporter {
  /** @param {{ watch?: boolean, watchAll?: boolean }} globalConfig */
  constructor(globalConfig) {
    this.watching = Boolean(globalConfig.watch || globalConfig.watchAll);
    /** @type {string | undefined} */
    this.pendingSummary = undefined;
    /** @type {string[]} */
    this.skipped = [];
    /** @type {string[]} */
    this.brokenFiles = [];
  }

  /**
   * @param {unknown} _test
   * @param {TestResult} result
   */
  onTestResult(_test, result) {
    const file = path.relative(process.cwd(), result.testFilePath);
    for (const assertion of result.testResults) {
      if (assertion.status === 'pending' || assertion.status === 'skipped' || assertion.status === 'todo') {
        this.skipped.push(`${file} › ${assertion.fullName}`);
      }
    }
    if (result.testExecError && result.numFailingTests === 0) {
      const firstLine = stripAnsi(String(result.testExecError.message ?? '')).trim().split('\n')[0];
      this.brokenFiles.push(`${file}: ${firstLine}`);
    }
  }

  /**
   * @param {unknown} _contexts
   * @param {AggregatedResult} results
   */
  onRunComplete(_contexts, results) {
    const lines = [];
    if (this.skipped.length > 0) {
      lines.push('', `Skipped tests (${this.skipped.length}):`, ...this.skipped.map((name) => `  - ${name}`));
    }
    if (this.brokenFiles.length > 0) {
      lines.push('', `Test files that failed to run (${this.brokenFiles.length}):`, ...this.brokenFiles.map((f) => `  - ${f}`));
    }
    const passed = results.numPassedTests;
    const failed = results.numFailedTests + this.brokenFiles.length;
    const skipped = results.numPendingTests + results.numTodoTests;
    lines.push('', `tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    const summary = `${lines.join('\n')}\n`;
    if (this.watching) {
      process.stdout.write(summary);
      return;
    }
    if (this.pendingSummary === undefined) process.once('exit', () => process.stdout.write(this.pendingSummary ?? ''));
    this.pendingSummary = summary;
  }

  getLastError() {
    return undefined;
  }
}

module.exports = SummaryReporter;
