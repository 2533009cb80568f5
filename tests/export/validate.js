// Validates JSON files against a JSON Schema (draft 2020-12) with ajv in
// strict mode: node validate.js SCHEMA FILE... prints "ok - FILE" or
// "not ok - FILE" with ajv's errors, and exits 1 when any file fails.
'use strict';
const fs = require('fs');
const path = require('path');
const modules = process.env.EXPORT_NODE_MODULES || path.join(__dirname, '../../build/export-node/node_modules');
const Ajv2020 = require(path.join(modules, 'ajv/dist/2020')).default;

const [schemaFile, ...files] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
let failed = 0;
for (const file of files) {
  let data;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`not ok - ${file}: not JSON: ${e.message}`);
    failed++;
    continue;
  }
  if (validate(data)) {
    console.log(`ok - ${file}`);
  } else {
    failed++;
    console.log(`not ok - ${file}`);
    for (const err of validate.errors.slice(0, 10)) console.log(`  ${err.instancePath || '/'} ${err.message} ${JSON.stringify(err.params)}`);
  }
}
process.exit(failed ? 1 : 0);
