// Prints how many tests ran per backend and in the browser, then one closing "N passed, N failed, N skipped" line
// for the whole run: jest's tests, the Node 22 smoke (NODE22_SMOKE) and schemathesis's operations (its JUnit
// reports, one test case per operation).
//   node .ci/summarize-results.mjs <jest.json> [schemathesis.junit.xml ...]
// FUZZ_STATUS (the schemathesis script's exit status) counts as one failure when no report records the failure.
import { readFileSync } from 'node:fs';

const [jestReport, ...junitReports] = process.argv.slice(2);
const report = JSON.parse(readFileSync(jestReport, 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults.map((t) => ({ ...t, file: file.name })));
const count = (list, status) => list.filter((t) => t.status === status).length;
const tally = (list) => ({
  passed: count(list, 'passed'),
  failed: count(list, 'failed'),
  skipped: count(list, 'pending') + count(list, 'skipped') + count(list, 'todo'),
});
const describe = ({ passed, failed, skipped }) => `${passed} passed, ${failed} failed, ${skipped} skipped`;

// Tests that need a server: those named after it, or in files named after it (the mapping unit tests are not).
const needsServer = (pattern) => (t) => pattern.test(t.fullName) || pattern.test(t.file.split('/').pop());
const groups = {
  'MongoDB (FerretDB)': tests.filter(needsServer(/mongodb/i)),
  'EventStoreDB server': tests.filter((t) => needsServer(/eventstoredb/i)(t) && !/mapping/i.test(t.file)),
  'Browser (Chromium)': tests.filter((t) => t.file.includes('/test/browser/')),
};
// Where jest's time went: its files' own times (startTime to endTime), the slowest first, and their sum, so a slow run says which
// suites to look at (the CI log's PASS lines carry a time only past jest's slow threshold, and no sum).
const SLOWEST = 25;
const seconds = (file) => (file.endTime - file.startTime) / 1000;
const byTime = report.testResults.filter((file) => file.endTime > 0 && file.startTime > 0).sort((a, b) => seconds(b) - seconds(a));
const root = `${process.cwd()}/`;
console.log(`jest files: ${byTime.length}, ${Math.round(byTime.reduce((total, file) => total + seconds(file), 0))} s of file time; the ${SLOWEST} slowest:`);
for (const file of byTime.slice(0, SLOWEST)) console.log(`  ${seconds(file).toFixed(1).padStart(7)} s  ${file.name.replace(root, '')}`);

// Only the closing line has the 'N passed, N failed' form CI reads; the lines above it say the same differently.
const part = (name, { passed, failed, skipped }) => console.log(`${name}: ${passed} passed · ${failed} failed · ${skipped} skipped`);
for (const [name, list] of Object.entries(groups)) part(`${name} tests`, tally(list));
const jest = tally(tests);
part('jest tests', jest);

const fuzz = { passed: 0, failed: 0, skipped: 0 };
for (const path of junitReports) {
  const suites = readFileSync(path, 'utf8').match(/<testsuites\b[^>]*>/)?.[0] ?? '';
  const attribute = (name) => Number(suites.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
  const failed = attribute('failures') + attribute('errors');
  fuzz.failed += failed;
  fuzz.skipped += attribute('skipped');
  fuzz.passed += attribute('tests') - failed - attribute('skipped');
}
if (Number(process.env.FUZZ_STATUS ?? 0) !== 0 && fuzz.failed === 0) fuzz.failed = 1;
if (junitReports.length > 0 || process.env.FUZZ_STATUS) part('schemathesis operations', fuzz);

// The Node 22 smoke (.ci/node22.sh) counts as one test: NODE22_SMOKE is passed, failed or skipped.
const node22 = { passed: 0, failed: 0, skipped: 0 };
if (Object.hasOwn(node22, process.env.NODE22_SMOKE ?? '')) {
  node22[process.env.NODE22_SMOKE] = 1;
  part('node 22 smoke', node22);
}

const sum = (key) => jest[key] + node22[key] + fuzz[key];
console.log(`total: ${describe({ passed: sum('passed'), failed: sum('failed'), skipped: sum('skipped') })}`);
