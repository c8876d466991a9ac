// Validates Kubernetes manifests (YAML, one or more documents a file) against
// the Kubernetes API's own schemas, twice:
//   1. the JSON schema of each object's apiVersion and kind, as the npm
//      package kubernetes-models compiles it from the Kubernetes OpenAPI
//      document (types, required fields, formats);
//   2. the same package's TypeScript declarations, with tsc: a field the
//      schema does not name (a misspelt `readinesProbe`, an autoscaling/v1
//      field in an autoscaling/v2 object) is an error, as it is for
//      `kubectl apply`, whose field validation is strict. The JSON schemas
//      allow unknown fields, as the API server's do.
// YAML is read as YAML 1.1, as Kubernetes reads it (`0440` is octal).
//
// Usage: node tests/kubernetes/validate.mjs [--broken] NODE_MODULES_DIR FILE_OR_DIR...
//   Every *.yaml file named (or inside a directory named) must be valid. With
//   --broken every file must be invalid instead, and for the reason its first
//   line names: `# rejected: TEXT`, TEXT being part of the error message.
// Exits 1 when a file is not as expected, 2 on a usage error or when no file
// was found (an empty directory must not pass for a check that ran).
import {spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

const argv = process.argv.slice(2);
const broken = argv[0] === '--broken';
const [modulesArgument, ...inputs] = broken ? argv.slice(1) : argv;
if (!modulesArgument || inputs.length === 0) {
  console.error('usage: node validate.mjs [--broken] NODE_MODULES_DIR FILE_OR_DIR...');
  process.exit(2);
}
const modules = path.resolve(modulesArgument);
const models = path.join(modules, 'kubernetes-models');
const YAML = await import(pathToFileURL(path.join(modules, 'yaml', 'dist', 'index.js')));

const files = [];
for (const input of inputs) {
  if (fs.statSync(input).isDirectory()) {
    for (const name of fs.readdirSync(input).sort()) {
      if (name.endsWith('.yaml') || name.endsWith('.yml')) files.push(path.join(input, name));
    }
  } else {
    files.push(input);
  }
}
if (files.length === 0) {
  console.error('validate.mjs: no manifests in ' + inputs.join(' '));
  process.exit(2);
}

// apiVersion "apps/v1" lives in kubernetes-models/apps/v1, the core "v1" in
// kubernetes-models/v1; each kind is a module of its name.
function modelPath(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const parts = apiVersion.split('/');
  if (parts.length > 2 || parts.some((part) => !/^[a-z0-9.]+$/.test(part))) return null;
  const file = path.join(models, ...parts, `${kind}.js`);
  return fs.existsSync(file) ? {file, specifier: `kubernetes-models/${apiVersion}/${kind}`} : null;
}

// Pretty JSON as a TypeScript value, with the JSON pointer of every line, so
// that tsc's line numbers can be told back as pointers.
function writeValue(value, indent, pointer, lines, prefix) {
  const pad = '  '.repeat(indent);
  const open = (text) => lines.push({text: pad + prefix + text, pointer});
  if (Array.isArray(value) && value.length > 0) {
    open('[');
    value.forEach((item, i) => writeValue(item, indent + 1, `${pointer}/${i}`, lines, ''));
    lines.push({text: pad + ']', pointer});
  } else if (value && typeof value === 'object' && Object.keys(value).length > 0) {
    open('{');
    for (const [key, item] of Object.entries(value)) {
      writeValue(item, indent + 1, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, lines,
                 `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key)}: `);
    }
    lines.push({text: pad + '}', pointer});
  } else {
    open(JSON.stringify(value));
  }
  // Commas between members: every line that ends a value gets one, the last
  // of its parent's members excepted (TypeScript allows that one too).
  lines[lines.length - 1].text += ',';
}

// The problems of every file: file -> [message].
const problems = new Map(files.map((file) => [file, []]));
const typeChecks = [];  // {file, label, source, lines}
for (const file of files) {
  const report = (message) => problems.get(file).push(message);
  const documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'), {version: '1.1', uniqueKeys: true});
  let count = 0;
  for (const [index, document] of documents.entries()) {
    const where = `document ${index + 1}`;
    for (const error of document.errors) report(`${where}: YAML: ${error.message}`);
    if (document.errors.length > 0) continue;
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    count++;
    const label = `${where} (${object.kind} ${object.metadata?.name ?? '(no name)'})`;
    const model = modelPath(object.apiVersion, object.kind);
    if (!model) {
      report(`${label}: no schema for apiVersion ${JSON.stringify(object.apiVersion)} kind ` +
             `${JSON.stringify(object.kind)} (kubernetes-models has none: not an object of this Kubernetes)`);
      continue;
    }
    const Model = (await import(pathToFileURL(model.file)))[object.kind];
    try {
      new Model(object).validate();
    } catch (error) {
      if (!error.errors) throw error;
      for (const e of error.errors) report(`${label} at ${e.instancePath || '/'}: ${e.message}`);
    }
    const lines = [];
    writeValue(object, 0, '', lines, `export const document: I${object.kind} = `);
    lines[lines.length - 1].text = lines[lines.length - 1].text.replace(/,$/, ';');
    typeChecks.push({file, label, specifier: model.specifier, kind: object.kind, lines});
  }
  if (count === 0 && problems.get(file).length === 0) report('no Kubernetes object in the file');
}

// Unknown fields: every object as a typed TypeScript constant, one tsc run.
if (typeChecks.length > 0) {
  const work = fs.mkdtempSync(path.join(path.dirname(modules), 'check-'));
  try {
    const names = typeChecks.map((check, i) => {
      const name = `object-${i}.mts`;
      const source = [`import type { I${check.kind} } from "${check.specifier}";`,
                      ...check.lines.map((line) => line.text)].join('\n');
      fs.writeFileSync(path.join(work, name), source + '\n');
      return name;
    });
    fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {strict: true, noEmit: true, module: 'node16', moduleResolution: 'node16', skipLibCheck: true,
                        types: [], noErrorTruncation: true},
      files: names,
    }));
    const tsc = spawnSync(process.execPath, [path.join(modules, 'typescript', 'bin', 'tsc'), '-p', work, '--pretty', 'false'],
                          {encoding: 'utf8'});
    if (tsc.error || (tsc.status !== 0 && tsc.status !== 2)) {
      console.error(`validate.mjs: tsc failed: ${tsc.error ?? tsc.stderr}`);
      process.exit(2);
    }
    // "object-3.mts(12,7): error TS2561: Object literal may only specify ..."
    let last = null;
    for (const line of tsc.stdout.split('\n')) {
      const match = /^(?:.*\/)?object-(\d+)\.mts\((\d+),(\d+)\): error (TS\d+: .*)$/.exec(line);
      if (match) {
        const check = typeChecks[Number(match[1])];
        // Line 1 is the import; line 2 the document's first.
        const pointer = check.lines[Number(match[2]) - 2]?.pointer ?? '';
        last = problems.get(check.file);
        last.push(`${check.label} at ${pointer || '/'}: ${match[4]}`);
      } else if (line.startsWith('  ') && last) {
        last[last.length - 1] += ' ' + line.trim();  // tsc's continuation lines
      } else if (line.trim() !== '') {
        console.error(`validate.mjs: tsc: ${line}`);
        process.exit(2);
      }
    }
  } finally {
    fs.rmSync(work, {recursive: true, force: true});
  }
}

let unexpected = 0;
for (const file of files) {
  const found = problems.get(file);
  if (!broken) {
    if (found.length === 0) {
      console.log(`valid: ${file}`);
    } else {
      unexpected++;
      console.error(`invalid: ${file}`);
      for (const message of found) console.error(`  ${message}`);
    }
    continue;
  }
  const expected = /^# rejected: (.+)$/m.exec(fs.readFileSync(file, 'utf8').split('\n')[0])?.[1];
  if (!expected) {
    unexpected++;
    console.error(`${file}: its first line must be "# rejected: TEXT" (part of the message it is rejected with)`);
  } else if (found.length === 0) {
    unexpected++;
    console.error(`accepted, but should be rejected (${expected}): ${file}`);
  } else if (!found.some((message) => message.includes(expected))) {
    unexpected++;
    console.error(`rejected, but not for "${expected}": ${file}`);
    for (const message of found) console.error(`  ${message}`);
  } else {
    console.log(`rejected as expected: ${file}`);
    for (const message of found) console.log(`  ${message}`);
  }
}
process.exit(unexpected > 0 ? 1 : 0);
