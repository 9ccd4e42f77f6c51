// Preloaded into a CLI run by a test (node --require): at its exit, says on stderr how many times it wrote to stdout,
// so a test can tell how much a command went on printing after its reader had gone (cli-closed-pipe.e2e-spec.ts).
let writes = 0;
const write = process.stdout.write;
process.stdout.write = function (...args) {
  writes += 1;
  return write.apply(this, args);
};
process.on('exit', () => process.stderr.write(`stdout writes: ${writes}\n`));
