/**
 * A no-op jest globalSetup, for specs that need no dist/ build (unit, contract, architecture):
 *   NODE_OPTIONS=--experimental-vm-modules npx jest src test/contract --globalSetup ./test/support/no-global-setup.cjs
 */
module.exports = function noGlobalSetup() {};
