// @ts-check
'use strict';
// The README shows what the quickstart prints, in the ```text block right after the marker
// <!-- quickstart-output -->. This compares it with a real run's output, line by line, after replacing
// what differs between runs (the engine's port, uids, timestamps) with placeholders.
const MARKER = '<!-- quickstart-output -->';

const VARIABLE_PARTS = [
  [/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:<port>'],
  [/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>'],
  [/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>'],
];

function normalized(text) {
  return text
    .trim()
    .split('\n')
    .map((line) => VARIABLE_PARTS.reduce((result, [pattern, placeholder]) => result.replace(pattern, placeholder), line.trimEnd()));
}

/** The expected output block of the README, or undefined when there is none. */
function expectedQuickstartOutput(readme) {
  const start = readme.indexOf(MARKER);
  if (start < 0) return undefined;
  const match = /```text\n([\s\S]*?)\n```/.exec(readme.slice(start));
  return match?.[1];
}

/** Differences between the README's expected output and an actual run's stdout. */
function quickstartProblems(readme, stdout) {
  const expected = expectedQuickstartOutput(readme);
  if (expected === undefined) return [`README.md has no ${MARKER} block`];
  const [want, got] = [normalized(expected), normalized(stdout)];
  const problems = [];
  for (let index = 0; index < Math.max(want.length, got.length); index++) {
    if (want[index] !== got[index]) problems.push(`output line ${index + 1}: README says ${JSON.stringify(want[index])}, the run printed ${JSON.stringify(got[index])}`);
  }
  return problems;
}

module.exports = { expectedQuickstartOutput, quickstartProblems };
