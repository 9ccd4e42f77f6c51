// Prints how many tests ran per backend and in the browser, and a closing "N passed, N failed, N skipped" line.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tests = report.testResults.flatMap((file) => file.assertionResults.map((t) => ({ ...t, file: file.name })));
const count = (list, status) => list.filter((t) => t.status === status).length;
const describe = (list) => `${count(list, 'passed')} passed, ${count(list, 'failed')} failed, ${count(list, 'pending') + count(list, 'skipped') + count(list, 'todo')} skipped`;

// Tests that need a server: those named after it, or in files named after it (the mapping unit tests are not).
const needsServer = (pattern) => (t) => pattern.test(t.fullName) || pattern.test(t.file.split('/').pop());
const groups = {
  'MongoDB (FerretDB)': tests.filter(needsServer(/mongodb/i)),
  'EventStoreDB server': tests.filter((t) => needsServer(/eventstoredb/i)(t) && !/mapping/i.test(t.file)),
  'Browser (Chromium)': tests.filter((t) => t.file.includes('/test/browser/')),
};
for (const [name, list] of Object.entries(groups)) console.log(`${name} tests: ${describe(list)}`);
console.log(`jest: ${describe(tests)}`);
