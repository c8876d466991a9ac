// The page of `psyscore serve`: choose a questionnaire, give one survey export
// (or two: before and after; or one with a group column), read the report and
// download it and the scores.
//
// The page reads the CSV files itself and sends their answers to the JSON API
// (POST .../report and .../score), because a before/after pair is one JSON
// body. It reads them by the rules of the server's CSV decoder (RFC 4180, an
// id column, one column per item, empty or NA = missing, the same checks in
// the same order), so a problem in a file is named by the same line and
// column as `psyscore` would name it, and the answers sent are the ones the
// server would have read. Nothing is kept: no storage, no cookies; an API key
// lives in a variable.

const $ = (id) => document.getElementById(id);

const state = {
  apiKey: null, // only ever in memory
  keyWaiters: [],
  definition: null, // {text, parsed, fileName} of a definition file
  definitionCheck: null, // the pending validation of a definition file
  instruments: new Map(), // registry id -> parsed definition
  urls: [], // object URLs of the last downloads
  busy: false,
};

// Above this many bytes a request shows its upload progress.
const kProgressBytes = 64 * 1024;
// Problems listed per file before "and N more".
const kMaxListed = 20;

// ---------------------------------------------------------------------------
// CSV, read as the server reads it (scoring's CSV decoder).

// The records of `text`: {records: [{fields, line}], error}. `line` is the
// 1-based line on which a record starts; a quoting error stops reading, with
// its line and column (the field's position in the record).
function readCsvRecords(text) {
  const records = [];
  const n = text.length;
  let p = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const fail = (errorLine, column, message) =>
    ({records, error: {line: errorLine, column, code: 'invalid_csv', message}});
  for (;;) {
    while (p < n && (text[p] === '\n' || text[p] === '\r')) {
      if (text[p] === '\n') ++line;
      ++p;
    }
    if (p >= n) break;
    const recordLine = line;
    const fields = [];
    for (;;) {
      const column = fields.length + 1;
      if (text[p] === '"') {
        const quoteLine = line;
        ++p;
        let value = '';
        let start = p;
        for (;;) {
          if (p >= n) return fail(quoteLine, column, 'a quoted cell is not closed before the end of the file');
          const c = text[p];
          if (c === '"') {
            if (text[p + 1] === '"') {
              value += text.slice(start, p + 1);
              p += 2;
              start = p;
              continue;
            }
            break;
          }
          if (c === '\n') ++line;
          ++p;
        }
        value += text.slice(start, p);
        ++p; // the closing quote
        if (p < n && text[p] !== ',' && text[p] !== '\n' && text[p] !== '\r') {
          return fail(line, column, 'a quoted cell must end at a comma or the end of the line');
        }
        fields.push(value);
      } else {
        const start = p;
        while (p < n) {
          const c = text[p];
          if (c === ',' || c === '\n' || c === '\r') break;
          if (c === '"') {
            return fail(line, column,
              'a quote inside a cell that does not start with one; put the whole cell in quotes and double the quote');
          }
          ++p;
        }
        fields.push(text.slice(start, p));
      }
      if (p >= n) break;
      const c = text[p];
      if (c === ',') {
        ++p;
        continue;
      }
      ++p;
      if (c === '\r' && text[p] === '\n') ++p;
      ++line;
      break;
    }
    records.push({fields, line: recordLine});
  }
  return {records, error: null};
}

const trim = (s) => s.replace(/^[ \t]+|[ \t]+$/g, '');

// A cell as the server reads an answer: null when missing, a number, or the
// trimmed text (which the server rejects as not a number).
const kNumber = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
function answerOf(cell) {
  const text = trim(cell);
  if (text === '' || text === 'NA') return null;
  if (!kNumber.test(text)) return text;
  const value = Number(text);
  // Out of double's range (overflow, or underflow to zero or a subnormal):
  // the server's number reader refuses these too.
  if (!Number.isFinite(value)) return text;
  if (Math.abs(value) < 2.2250738585072014e-308 && /[1-9]/.test(text.split(/[eE]/)[0])) return text;
  return value;
}

// A wave of responses from CSV `text`: {respondents: [{id, answers, group}],
// rows: [line per respondent], idColumn, itemColumns, header, warnings,
// problems}. `problems` (each {line, column, code, message}) make the wave
// unusable, as they make the server's decoder fail.
function decodeWave(text, {itemIds, idColumn = 'id', prefix = '', groupColumn = ''}) {
  const result = {
    respondents: [], rows: [], idColumn: -1, itemColumns: new Map(), header: [], warnings: [], problems: [],
  };
  const {records, error} = readCsvRecords(text);
  if (records.length === 0) {
    result.problems.push(error ?? {line: 1, column: 0, code: 'empty',
      message: 'the file is empty; it needs a header row'});
    return result;
  }
  const header = records[0].fields.map(trim);
  const headerLine = records[0].line;
  result.header = header;
  const items = new Map(itemIds.map((id, i) => [id, i]));
  const seen = new Map();
  const itemOfColumn = new Array(header.length).fill(-1);
  const hasColumn = new Array(itemIds.length).fill(false);
  let groupIndex = -1;
  const ignored = [];
  const headerProblems = [];
  header.forEach((name, c) => {
    if (seen.has(name)) {
      headerProblems.push({line: headerLine, column: c + 1, code: 'duplicate_column',
        message: `column "${name}" appears twice (first as column ${seen.get(name) + 1})`});
      return;
    }
    seen.set(name, c);
    if (name === idColumn) {
      result.idColumn = c;
      return;
    }
    if (groupColumn !== '' && name === groupColumn) {
      groupIndex = c;
      return;
    }
    if (name.startsWith(prefix) && items.has(name.slice(prefix.length))) {
      const item = items.get(name.slice(prefix.length));
      itemOfColumn[c] = item;
      hasColumn[item] = true;
      result.itemColumns.set(itemIds[item], c);
      return;
    }
    ignored.push(`"${name}"`);
  });
  if (result.idColumn < 0) {
    headerProblems.push({line: headerLine, column: 0, code: 'missing_column',
      message: `no column "${idColumn}" for the people's ids (another name can be set under Options)`});
  }
  if (groupColumn !== '' && groupIndex < 0) {
    headerProblems.push({line: headerLine, column: 0, code: 'missing_column',
      message: `no group column "${groupColumn}"`});
  }
  if (headerProblems.length > 0) {
    result.problems = headerProblems;
    return result;
  }
  if (error && records.length === 1 && error.line === headerLine) {
    result.problems.push(error);
    return result;
  }
  if (!hasColumn.includes(true)) {
    result.problems.push({line: headerLine, column: 0, code: 'no_item_columns',
      message: `no column holds an item of this questionnaire (expected columns such as "${prefix}${itemIds[0]}"; ` +
        'if the names carry a prefix, set it under Options)'});
    return result;
  }
  const absent = itemIds.filter((_, i) => !hasColumn[i]).map((id) => `"${prefix}${id}"`);
  if (absent.length > 0) result.warnings.push(`no column for items ${absent.join(', ')}; their answers are missing`);
  if (ignored.length > 0) result.warnings.push(`ignored columns that are not items: ${ignored.join(', ')}`);
  if (error) {
    result.problems.push(error);
    return result;
  }

  const count = header.length;
  const rowProblems = [];
  const addProblem = (problem) => {
    if (rowProblems.length < 100) rowProblems.push(problem);
  };
  for (const {fields, line} of records.slice(1)) {
    if (fields.length !== count) {
      addProblem({line, column: Math.min(fields.length, count) + 1, code: 'ragged_row',
        message: `the row has ${fields.length} cells but the header has ${count}`});
      continue;
    }
    const id = trim(fields[result.idColumn]);
    if (id === '') {
      addProblem({line, column: result.idColumn + 1, code: 'missing_id', message: 'the id is empty'});
      continue;
    }
    let group = null;
    if (groupIndex >= 0) {
      group = trim(fields[groupIndex]);
      if (group === '' || group === 'NA') {
        addProblem({line, column: groupIndex + 1, code: 'missing_group',
          message: `the person has no group in column "${groupColumn}"`});
      }
    }
    if (rowProblems.length > 0) continue;
    const answers = {};
    fields.forEach((cell, c) => {
      const item = itemOfColumn[c];
      if (item < 0 || cell === '') return;
      const answer = answerOf(cell);
      if (answer !== null) answers[itemIds[item]] = answer;
    });
    result.respondents.push({id, answers, group});
    result.rows.push(line);
  }
  if (rowProblems.length > 0) {
    result.problems = rowProblems;
    return result;
  }
  const firstLine = new Map();
  result.respondents.forEach(({id}, i) => {
    if (!firstLine.has(id)) {
      firstLine.set(id, result.rows[i]);
    } else if (result.problems.length < 100) {
      result.problems.push({line: result.rows[i], column: result.idColumn + 1, code: 'duplicate_id',
        message: `the id "${id}" is used twice in this file (first on line ${firstLine.get(id)})`});
    }
  });
  return result;
}

// A CSV cell as the server writes one.
function csvField(text) {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// ---------------------------------------------------------------------------
// HTTP

// One request; resolves with {status, type, bytes, text} whatever the status.
function send({method, path, body = null, contentType = null, accept = null, onProgress = null}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.responseType = 'arraybuffer';
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    if (accept) xhr.setRequestHeader('Accept', accept);
    if (state.apiKey !== null) xhr.setRequestHeader('Authorization', `Bearer ${state.apiKey}`);
    if (onProgress && body !== null) {
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.upload.addEventListener('load', () => onProgress(1, 1));
    }
    xhr.addEventListener('load', () => {
      const bytes = new Uint8Array(xhr.response ?? new ArrayBuffer(0));
      resolve({
        status: xhr.status,
        type: (xhr.getResponseHeader('Content-Type') ?? '').toLowerCase(),
        bytes,
        text: new TextDecoder().decode(bytes),
      });
    });
    xhr.addEventListener('error', () => reject(new PageError('The server could not be reached. Is it still running?')));
    xhr.addEventListener('abort', () => reject(new PageError('The request was stopped.')));
    xhr.send(body);
  });
}

// A request that asks for an API key when the server wants one, then tries
// again with it.
async function api(options) {
  for (;;) {
    const response = await send(options);
    if (response.status !== 401) return response;
    await askForKey(state.apiKey !== null);
  }
}

class PageError extends Error {
  // `problems`: [{where, text}] to list; `where` names a control ("data-file",
  // "definition-file", ...) next to which the problem is shown too.
  constructor(message, problems = []) {
    super(message);
    this.problems = problems;
  }
}

// The problem+json body of a failed response, or null.
function problemOf(response) {
  if (!response.type.includes('json')) return null;
  try {
    const body = JSON.parse(response.text);
    return body && typeof body === 'object' ? body : null;
  } catch {
    return null;
  }
}

function failure(response, what, locate, sent = 0) {
  if (response.status === 413) {
    const limit = /larger than (\d+) bytes/.exec(problemOf(response)?.detail ?? '');
    const sizes = limit && sent > 0
      ? ` It takes at most ${megabytes(Number(limit[1]))} in one request; the answers of these files take ` +
        `${megabytes(sent)}.` : '';
    return new PageError(`The files are too large for this server.${sizes} ` +
      'Split the export into smaller files, or ask whoever runs the server to raise its limit.');
  }
  const problem = problemOf(response);
  if (!problem) {
    return new PageError(`The server could not ${what} (HTTP status ${response.status}).`);
  }
  const problems = (problem.errors ?? []).map((error) => locate(error));
  return new PageError(`The server could not ${what}: ${problem.detail ?? problem.title ?? 'no reason given'}`,
    problems);
}

// ---------------------------------------------------------------------------
// The API key, asked for when the server answers 401

function askForKey(rejected) {
  const form = $('key-form');
  form.hidden = false;
  $('api-key-error').textContent = rejected ? 'The server did not accept that key. Check it and try again.' : '';
  $('api-key').setAttribute('aria-invalid', rejected ? 'true' : 'false');
  $('api-key').value = '';
  $('api-key').focus();
  setStatus('Waiting for an API key.');
  return new Promise((resolve) => state.keyWaiters.push(resolve));
}

function onKeySubmit(event) {
  event.preventDefault();
  const key = $('api-key').value.trim();
  if (key === '') {
    $('api-key-error').textContent = 'Type in the key first.';
    return;
  }
  state.apiKey = key;
  $('api-key').value = '';
  $('key-form').hidden = true;
  setStatus('');
  const waiters = state.keyWaiters.splice(0);
  for (const resolve of waiters) resolve();
}

// ---------------------------------------------------------------------------
// Messages

function setStatus(text) {
  $('status').textContent = text;
}

const kFields = ['instrument', 'definition-file', 'data-file', 'pre-file', 'post-file', 'group-column', 'id-column',
  'bootstrap-iterations', 'bootstrap-seed'];

function clearErrors() {
  $('error').replaceChildren();
  for (const id of kFields) {
    const message = $(`${id}-error`);
    if (message) message.replaceChildren();
    $(id).removeAttribute('aria-invalid');
  }
  for (const id of ['data-file', 'pre-file', 'post-file']) $(`${id}-note`).replaceChildren();
}

function fieldLabel(id) {
  const input = $(id);
  if (input.type === 'file' && input.files.length > 0) return input.files[0].name;
  return document.querySelector(`label[for="${id}"]`).textContent.trim();
}

// Shows `error` in the error summary (announced) and each of its problems
// next to its control.
function showError(error) {
  const box = $('error');
  const summary = document.createElement('p');
  summary.textContent = error.message;
  const nodes = [summary];
  if (error.problems.length > 0) {
    const list = document.createElement('ul');
    const shown = error.problems.slice(0, kMaxListed);
    for (const {where, text} of shown) {
      const item = document.createElement('li');
      if (where) {
        const link = document.createElement('a');
        link.href = `#${where}`;
        link.textContent = `${fieldLabel(where)}: ${text}`;
        link.addEventListener('click', (event) => {
          event.preventDefault();
          $(where).focus();
        });
        item.append(link);
        const next = $(`${where}-error`);
        if (next) {
          if (next.childNodes.length > 0) next.append(document.createElement('br'));
          next.append(text);
        }
        $(where).setAttribute('aria-invalid', 'true');
      } else {
        item.textContent = text;
      }
      list.append(item);
    }
    if (error.problems.length > shown.length) {
      const more = document.createElement('li');
      more.textContent = `and ${error.problems.length - shown.length} more`;
      list.append(more);
    }
    nodes.push(list);
  }
  box.replaceChildren(...nodes);
  box.focus();
}

function note(where, lines) {
  const box = $(`${where}-note`);
  box.replaceChildren();
  lines.forEach((line, i) => {
    if (i > 0) box.append(document.createElement('br'));
    box.append(line);
  });
}

// "line 4, column 3 (“2”)": where a problem is in a CSV file.
function csvPlace(problem, header) {
  const column = problem.column > 0 ? `, column ${problem.column}` : '';
  const name = problem.column > 0 && header[problem.column - 1] !== undefined && problem.code !== 'invalid_csv'
    ? ` ("${header[problem.column - 1]}")` : '';
  return `line ${problem.line}${column}${name}`;
}

// ---------------------------------------------------------------------------
// Progress

function showProgress(loaded, total) {
  const box = $('progress-box');
  if (total < kProgressBytes) return;
  box.hidden = false;
  const percent = total > 0 ? Math.round((100 * loaded) / total) : 100;
  $('progress').value = percent;
  $('progress-text').textContent = percent >= 100
    ? `all ${megabytes(total)} sent; computing…`
    : `${percent} % of ${megabytes(total)}`;
}

function hideProgress() {
  $('progress-box').hidden = true;
  $('progress').value = 0;
  $('progress-text').textContent = '';
}

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// ---------------------------------------------------------------------------
// The questionnaire

async function loadInstruments() {
  const select = $('instrument');
  const response = await api({method: 'GET', path: '/v1/instruments'});
  if (response.status !== 200) {
    throw failure(response, 'list its questionnaires', (e) => ({where: null, text: e.message}));
  }
  const {instruments} = JSON.parse(response.text);
  const placeholder = new Option('Choose a questionnaire', '');
  const options = instruments.map((instrument) => new Option(`${instrument.name} (${instrument.id})`, instrument.id));
  select.replaceChildren(placeholder, ...options);
}

// The definition of registry instrument `id` (for its item ids).
async function registryDefinition(id) {
  if (!state.instruments.has(id)) {
    const response = await api({method: 'GET', path: `/v1/instruments/${encodeURIComponent(id)}`});
    if (response.status !== 200) {
      throw failure(response, `find the questionnaire "${id}"`, (e) => ({where: 'instrument', text: e.message}));
    }
    state.instruments.set(id, JSON.parse(response.text));
  }
  return state.instruments.get(id);
}

// Checks a definition file with the server; on success it replaces the
// questionnaire of the list.
async function checkDefinition(file) {
  const text = await file.text();
  const response = await api({method: 'POST', path: '/v1/instruments/validate', body: text,
    contentType: 'application/json'});
  if (response.status !== 200) {
    throw failure(response, `use ${file.name} as a definition`, (e) => ({
      where: 'definition-file',
      text: e.line ? `line ${e.line}, column ${e.column}: ${e.message}`
        : `${e.pointer ? `at ${e.pointer}: ` : ''}${e.message}`,
    }));
  }
  const parsed = JSON.parse(text);
  return {text: text.trim(), parsed, fileName: file.name};
}

async function onDefinitionChange() {
  const input = $('definition-file');
  clearErrors();
  state.definition = null;
  $('instrument').disabled = false;
  $('definition-clear').hidden = true;
  $('definition-file-hint').textContent = 'A definition in psyscore\'s format replaces the questionnaire chosen above.';
  if (input.files.length === 0) return;
  const check = checkDefinition(input.files[0]);
  state.definitionCheck = check;
  try {
    const definition = await check;
    if (state.definitionCheck !== check) return;
    state.definition = definition;
    $('instrument').disabled = true;
    $('definition-clear').hidden = false;
    const {name, id, version} = definition.parsed;
    $('definition-file-hint').textContent = `Using "${name}" (${id} ${version}) from ${definition.fileName}.`;
  } catch (error) {
    if (state.definitionCheck === check) showError(asPageError(error));
  } finally {
    if (state.definitionCheck === check) state.definitionCheck = null;
  }
}

function clearDefinition() {
  $('definition-file').value = '';
  onDefinitionChange();
  $('instrument').focus();
}

// ---------------------------------------------------------------------------
// A run: files in, report and scores out

function asPageError(error) {
  if (error instanceof PageError) return error;
  console.warn(error); // eslint-disable-line no-console
  return new PageError(`Something went wrong in this page: ${error.message}`);
}

function fileOf(id) {
  const input = $(id);
  return input.files.length > 0 ? input.files[0] : null;
}

// What the person asked for, or a PageError saying what is missing.
function readChoices() {
  const data = fileOf('data-file');
  const pre = fileOf('pre-file');
  const post = fileOf('post-file');
  const groupColumn = $('group-column').value.trim();
  const problems = [];
  if (!state.definition && $('instrument').value === '') {
    problems.push({where: 'instrument', text: 'choose a questionnaire, or give a definition file'});
  }
  let flow = null;
  if (pre || post) {
    if (data) {
      problems.push({where: 'data-file', text: 'give either one export or two (before and after), not both'});
    } else if (!pre) {
      problems.push({where: 'pre-file', text: 'give the export from before as well'});
    } else if (!post) {
      problems.push({where: 'post-file', text: 'give the export from after as well'});
    } else if (groupColumn !== '') {
      problems.push({where: 'group-column',
        text: 'a group column goes with one export; clear it for before and after'});
    } else {
      flow = 'change';
    }
  } else if (data) {
    flow = groupColumn === '' ? 'single' : 'groups';
  } else {
    problems.push({where: 'data-file', text: 'give an export of the answers (CSV)'});
  }
  const idColumn = $('id-column').value.trim();
  if (idColumn === '') problems.push({where: 'id-column', text: 'name the column that holds the ids'});
  const bootstrap = $('bootstrap').checked;
  const whole = (id, min) => {
    const text = $(id).value.trim();
    if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      problems.push({where: id, text: `give a whole number of at least ${min}`});
      return 0;
    }
    return Number(text);
  };
  const iterations = bootstrap ? whole('bootstrap-iterations', 1) : 0;
  const seed = bootstrap ? whole('bootstrap-seed', 0) : 0;
  if (problems.length > 0) throw new PageError('Some choices are missing:', problems);
  return {
    flow, data, pre, post, groupColumn, idColumn,
    prefix: $('column-prefix').value.trim(),
    ciLevel: Number($('ci-level').value),
    criterion: $('clinical-criterion').value,
    rciReliability: $('rci-reliability').value,
    bootstrap: bootstrap ? {iterations, seed} : null,
  };
}

// The options of the flow's analysis, as JSON.
function optionsOf(choices) {
  const options = {ci_level: choices.ciLevel};
  if (choices.flow === 'single' && choices.bootstrap) options.bootstrap = choices.bootstrap;
  if (choices.flow === 'change') {
    options.rci_reliability = choices.rciReliability;
    if (choices.criterion === 'auto') options.clinical_significance = {};
    else if (choices.criterion !== '') options.clinical_significance = {criterion: choices.criterion};
  }
  return options;
}

// {"a":1,...} with the keys in the given order (JSON.stringify would put
// keys that look like numbers first, and group order is the file's order).
function objectJson(entries) {
  return `{${entries.map(([key, json]) => `${JSON.stringify(key)}:${json}`).join(',')}}`;
}

const respondentsJson = (respondents) =>
  `[${respondents.map(({id, answers}) => JSON.stringify({id, answers})).join(',')}]`;

// Reads and decodes the files of the run: [{where, file, wave}].
async function decodeFiles(choices, itemIds) {
  const inputs = choices.flow === 'change'
    ? [['pre-file', choices.pre], ['post-file', choices.post]]
    : [['data-file', choices.data]];
  const waves = [];
  const problems = [];
  for (const [where, file] of inputs) {
    const text = await file.text();
    const wave = decodeWave(text, {itemIds, idColumn: choices.idColumn, prefix: choices.prefix,
      groupColumn: choices.flow === 'groups' ? choices.groupColumn : ''});
    for (const problem of wave.problems) {
      problems.push({where, text: `${csvPlace(problem, wave.header)}: ${problem.message}`});
    }
    if (wave.problems.length === 0 && wave.respondents.length === 0) {
      problems.push({where, text: 'the file has a header but nobody\'s answers'});
    }
    note(where, wave.warnings);
    waves.push({where, file, wave});
  }
  if (problems.length > 0) {
    const files = [...new Set(problems.map((p) => fieldLabel(p.where)))].join(' and ');
    throw new PageError(`There is a problem with ${files}:`, problems);
  }
  return waves;
}

// The waves of the request body: [key, [{respondent, where, line}...]] with
// the JSON pointer prefix of each respondent, for locating the server's
// problems in the files.
function bodyWaves(choices, waves) {
  if (choices.flow === 'change') {
    return [['pre', waves[0]], ['post', waves[1]]];
  }
  return [[choices.flow === 'groups' ? 'groups' : 'responses', waves[0]]];
}

// Turns a problem of the server (with a JSON pointer into the body) into a
// place in a file.
function locator(choices, waves) {
  const byKey = new Map(bodyWaves(choices, waves));
  const groupRows = new Map();
  if (choices.flow === 'groups') {
    waves[0].wave.respondents.forEach(({group}, i) => {
      if (!groupRows.has(group)) groupRows.set(group, []);
      groupRows.get(group).push(i);
    });
  }
  const unescape = (part) => part.replace(/~1/g, '/').replace(/~0/g, '~');
  return (error) => {
    const parts = (error.pointer ?? '').split('/').slice(1).map(unescape);
    if (parts[0] === 'instrument') {
      const inside = error.pointer.slice('/instrument'.length);
      return {where: state.definition ? 'definition-file' : 'instrument',
        text: `${inside ? `at ${inside}: ` : ''}${error.message}`};
    }
    const source = byKey.get(parts[0]);
    if (source) {
      let index = Number(parts[1]);
      let rest = parts.slice(2);
      if (parts[0] === 'groups') {
        index = groupRows.get(parts[1])?.[Number(parts[2])];
        rest = parts.slice(3);
      }
      const line = source.wave.rows[index];
      if (line !== undefined) {
        let column = 0;
        if (rest[0] === 'id') column = source.wave.idColumn + 1;
        if (rest[0] === 'answers' && source.wave.itemColumns.has(rest[1])) {
          column = source.wave.itemColumns.get(rest[1]) + 1;
        }
        return {where: source.where,
          text: `${csvPlace({line, column}, source.wave.header)}: ${error.message}`};
      }
      return {where: source.where, text: error.message};
    }
    return {where: null, text: error.message};
  };
}

function analysisPath(analysis) {
  if (state.definition) return `/v1/${analysis}`;
  return `/v1/instruments/${encodeURIComponent($('instrument').value)}/${analysis}`;
}

function instrumentPart() {
  return state.definition ? [['instrument', state.definition.text]] : [];
}

function reportBody(choices, waves) {
  const parts = [...instrumentPart()];
  for (const [key, {wave}] of bodyWaves(choices, waves)) {
    if (key === 'groups') {
      const groups = new Map();
      for (const respondent of wave.respondents) {
        if (!groups.has(respondent.group)) groups.set(respondent.group, []);
        groups.get(respondent.group).push(respondent);
      }
      parts.push(['groups', objectJson([...groups].map(([name, list]) => [name, respondentsJson(list)]))]);
    } else {
      parts.push([key, respondentsJson(wave.respondents)]);
    }
  }
  parts.push(['options', JSON.stringify(optionsOf(choices))]);
  return objectJson(parts);
}

// The scores of one wave as CSV (the server's CSV form of the score result).
async function scoresCsv(wave, locate) {
  const body = objectJson([...instrumentPart(), ['responses', respondentsJson(wave.respondents)]]);
  const response = await api({method: 'POST', path: analysisPath('score'), body, contentType: 'application/json',
    accept: 'text/csv', onProgress: showProgress});
  if (response.status !== 200) throw failure(response, 'score the answers', locate, new Blob([body]).size);
  if (!response.type.startsWith('text/csv')) {
    throw new PageError('The server did not answer with CSV scores; it may be an older psyscore.');
  }
  return response;
}

// The scores of one wave as an SPSS file or an Excel workbook, by Accept.
const kScoreFiles = [
  {kind: 'sav', label: 'SPSS', type: 'application/x-spss-sav'},
  {kind: 'xlsx', label: 'Excel', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'},
];
async function scoresFile(wave, file, locate) {
  const body = objectJson([...instrumentPart(), ['responses', respondentsJson(wave.respondents)]]);
  const response = await api({method: 'POST', path: analysisPath('score'), body, contentType: 'application/json',
    accept: file.type, onProgress: showProgress});
  if (response.status !== 200) throw failure(response, 'score the answers', locate, new Blob([body]).size);
  if (!response.type.startsWith(file.type)) {
    throw new PageError(`The server did not answer with an ${file.label} file; it may be an older psyscore.`);
  }
  return response.bytes;
}

// A download link for each wave's scores as an SPSS file and an Excel
// workbook; `part` names the wave in the link and the file name ('' for one).
async function addScoreFiles(wave, part, name, locate) {
  for (const file of kScoreFiles) {
    const bytes = await scoresFile(wave, file, locate);
    const link = document.createElement('a');
    link.id = part ? `download-${file.kind}-${part}` : `download-${file.kind}`;
    link.dataset.testid = link.id;
    link.textContent = `Download the ${part ? `${part} ` : ''}scores (${file.label})`;
    $('download-files').append(link, ' ');
    download(link.id, bytes, file.type, `${name}${part ? `-${part}` : ''}-scores.${file.kind}`);
  }
}

// The people a score CSV says could not be scored, as notes for their file.
function unscoredNotes(scoresText, wave) {
  const {records} = readCsvRecords(scoresText);
  if (records.length === 0) return [];
  const errorsColumn = records[0].fields.length - 1;
  const notes = [];
  records.slice(1).forEach(({fields}, i) => {
    const errors = fields[errorsColumn] ?? '';
    if (errors !== '') notes.push(`line ${wave.rows[i]}: not scored: ${errors}`);
  });
  if (notes.length > kMaxListed) {
    return [...notes.slice(0, kMaxListed), `and ${notes.length - kMaxListed} more not scored`];
  }
  return notes;
}

// One CSV of several score CSVs, with a first column saying where each row
// comes from: [{label, text}], the name of that column.
function joinScores(parts, columnName, labelsOf) {
  let out = '';
  parts.forEach(({text}, part) => {
    const {records} = readCsvRecords(text);
    records.forEach(({fields}, i) => {
      if (i === 0 && part > 0) return;
      const label = i === 0 ? columnName : labelsOf(part, i - 1);
      out += `${[label, ...fields].map(csvField).join(',')}\n`;
    });
  });
  return out;
}

let frameReady = null;

function waitForFrame() {
  const frame = $('report');
  if (!frameReady) {
    frameReady = new Promise((resolve) => {
      const done = () => frame.contentDocument && frame.contentDocument.readyState === 'complete' &&
        frame.contentDocument.URL !== 'about:blank';
      if (done()) resolve();
      else frame.addEventListener('load', () => resolve(), {once: true});
    });
  }
  return frameReady;
}

// Puts the report's document into the report frame. The frame is a page of
// this server whose own policy allows the report's inline styles (and runs
// no script: its sandbox allows none), so the page's strict policy holds.
async function showReport(html) {
  await waitForFrame();
  const frame = $('report');
  const doc = frame.contentDocument;
  // Parsed by the frame's own parser: a document parsed by the page's would
  // be held to the page's policy, which forbids the report's inline styles.
  const parsed = new frame.contentWindow.DOMParser().parseFromString(html, 'text/html');
  for (const script of parsed.querySelectorAll('script')) script.remove();
  doc.replaceChild(doc.importNode(parsed.documentElement, true), doc.documentElement);
  fitFrame();
}

function fitFrame() {
  const frame = $('report');
  const doc = frame.contentDocument;
  if (!doc || !doc.documentElement) return;
  frame.style.height = '0px';
  frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
}

function download(id, bytes, type, name) {
  const url = URL.createObjectURL(new Blob([bytes], {type}));
  state.urls.push(url);
  const link = $(id);
  link.href = url;
  link.download = name;
}

function resetResult() {
  $('result').hidden = true;
  for (const url of state.urls.splice(0)) URL.revokeObjectURL(url);
  for (const id of ['download-report', 'download-scores']) $(id).removeAttribute('href');
  $('download-files').replaceChildren();
}

async function run(event) {
  event.preventDefault();
  if (state.busy) return;
  state.busy = true;
  $('run').disabled = true;
  clearErrors();
  resetResult();
  try {
    if (state.definitionCheck) {
      setStatus('Checking the definition file…');
      await state.definitionCheck;
    }
    if (fileOf('definition-file') && !state.definition) {
      await onDefinitionChange();
      if (!state.definition) return;
    }
    const choices = readChoices();
    const definition = state.definition ? state.definition.parsed : await registryDefinition($('instrument').value);
    const itemIds = definition.items.map((item) => String(item.id));
    setStatus('Reading the files…');
    const waves = await decodeFiles(choices, itemIds);
    const locate = locator(choices, waves);

    setStatus('Computing the report…');
    const body = reportBody(choices, waves);
    const report = await api({method: 'POST', path: analysisPath('report'), body,
      contentType: 'application/json', accept: 'text/html', onProgress: showProgress});
    if (report.status !== 200) throw failure(report, 'make the report', locate, new Blob([body]).size);
    const name = definition.id;
    download('download-report', report.bytes, 'text/html;charset=utf-8', `${name}-report.html`);

    setStatus('Computing the scores…');
    let scores;
    if (choices.flow === 'change') {
      const parts = [];
      for (const {where, wave} of waves) {
        const response = await scoresCsv(wave, locate);
        note(where, unscoredNotes(response.text, wave));
        parts.push(response);
      }
      scores = new TextEncoder().encode(joinScores(parts, 'wave', (part) => (part === 0 ? 'pre' : 'post')));
    } else {
      const {where, wave} = waves[0];
      const response = await scoresCsv(wave, locate);
      note(where, unscoredNotes(response.text, wave));
      scores = choices.flow === 'groups'
        ? new TextEncoder().encode(joinScores([response], choices.groupColumn, (_, i) => wave.respondents[i].group))
        : response.bytes;
    }
    download('download-scores', scores, 'text/csv;charset=utf-8', `${name}-scores.csv`);
    setStatus('Writing the SPSS and Excel files…');
    if (choices.flow === 'change') {
      for (const [i, {wave}] of waves.entries()) await addScoreFiles(wave, i === 0 ? 'pre' : 'post', name, locate);
    } else {
      await addScoreFiles(waves[0].wave, '', name, locate);
    }

    $('result').hidden = false;
    await showReport(report.text);
    setStatus('The report is ready.');
    $('result-heading').focus();
  } catch (error) {
    setStatus('');
    showError(asPageError(error));
  } finally {
    hideProgress();
    state.busy = false;
    $('run').disabled = false;
  }
}

function syncBootstrap() {
  const on = $('bootstrap').checked;
  $('bootstrap-iterations').disabled = !on;
  $('bootstrap-seed').disabled = !on;
}

function start() {
  $('run-form').addEventListener('submit', run);
  $('key-form').addEventListener('submit', onKeySubmit);
  $('definition-file').addEventListener('change', onDefinitionChange);
  $('definition-clear').addEventListener('click', clearDefinition);
  $('bootstrap').addEventListener('change', syncBootstrap);
  $('print-report').addEventListener('click', () => $('report').contentWindow.print());
  window.addEventListener('resize', () => {
    if (!$('result').hidden) fitFrame();
  });
  syncBootstrap();
  waitForFrame();
  loadInstruments().catch((error) => showError(asPageError(error)));
}

start();
