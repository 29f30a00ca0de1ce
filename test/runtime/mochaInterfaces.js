// Lets test files use either mocha interface: BDD (describe/it) or TDD (suite/test).
'use strict';
const { interfaces } = require('mocha');

module.exports = function bddAndTdd(suite) {
  interfaces.bdd(suite);
  interfaces.tdd(suite);
};
