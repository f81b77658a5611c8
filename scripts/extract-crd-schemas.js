#!/usr/bin/env node
// Extracts the openAPIV3Schema of every served version of every
// CustomResourceDefinition in the given folder's CRD files and writes them to
// schemas/crd-schemas.json:
//
//   node scripts/extract-crd-schemas.js ../shared/crds
//
// Output shape (minified JSON):
//   {
//     "kinds":   { "<group>/<version> <Kind>": "<schema key>", ... },  // every served version
//     "schemas": { "<schema key>": <openAPIV3Schema>, ... },
//     "sources": { "<CRD file name>": "<sha256 of the file>", ... }
//   }
// Versions whose schemas are identical share one entry in `schemas` (the Istio
// v1, v1alpha3 and v1beta1 schemas are the same); its key is the first of
// their "<group>/<version> <Kind>" names in sorted order.
//
// The output is deterministic: object keys are sorted and there is no
// timestamp. To keep the shipped file small, the `description` keyword of
// every schema node is dropped; descriptions never take part in validation.
// Everything else (including x-kubernetes-* extensions and defaults) is kept
// unchanged.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

/** The CRD files read, in this order. */
const CRD_FILES = ['istio-networking.yaml', 'gateway-api-standard.yaml', 'argo-rollouts.yaml', 'flagger.yaml'];

const OUTPUT = path.join(__dirname, '..', 'schemas', 'crd-schemas.json');

/** Keywords whose value is a single schema. */
const SCHEMA_KEYWORDS = ['items', 'additionalProperties', 'not'];
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions'];

/** Returns a copy of a schema node without `description`, recursively. */
function stripDescriptions(schema) {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return schema;
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (SCHEMA_KEYWORDS.includes(key)) {
      out[key] = stripDescriptions(value);
    } else if (SCHEMA_LIST_KEYWORDS.includes(key)) {
      out[key] = value.map(stripDescriptions);
    } else if (SCHEMA_MAP_KEYWORDS.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, stripDescriptions(sub)]));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Deep copy with object keys sorted, so that the serialisation is stable. */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/**
 * Reads the CRD files in `crdDir` and returns the content of crd-schemas.json
 * as a string (minified JSON followed by a newline).
 */
/**
 * Flagger's CRD file continues some single-quoted descriptions on lines indented no
 * deeper than their key: go-yaml (kubectl's parser) reads them, YAML 1.2 does not. Such a
 * scalar is joined onto its first line, as go-yaml reads it; every other line is kept.
 */
function joinOpenQuotes(text) {
  const out = [];
  let open = null;
  for (const line of text.split('\n')) {
    if (open !== null) {
      open += ` ${line.trim()}`;
      if (((line.match(/'/g) || []).length) % 2 === 1) {
        out.push(open);
        open = null;
      }
      continue;
    }
    const m = /^\s*[\w.-]+:\s'(.*)$/.exec(line);
    if (m && (m[1].match(/'/g) || []).length % 2 === 0) open = line;
    else out.push(line);
  }
  if (open !== null) out.push(open);
  return out.join('\n');
}

function extractCrdSchemas(crdDir) {
  const sources = {};
  const schemas = {};
  for (const file of CRD_FILES) {
    const text = fs.readFileSync(path.join(crdDir, file), 'utf8');
    sources[file] = crypto.createHash('sha256').update(text).digest('hex');
    for (const doc of YAML.parseAllDocuments(joinOpenQuotes(text))) {
      if (doc.errors.length > 0) {
        throw new Error(`${file}: ${doc.errors[0].message}`);
      }
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const { group, names, versions } = crd.spec;
      for (const version of versions) {
        if (!version.served) continue;
        const key = `${group}/${version.name} ${names.kind}`;
        if (key in schemas) throw new Error(`${file}: ${key} is defined twice`);
        const schema = version.schema && version.schema.openAPIV3Schema;
        if (!schema) throw new Error(`${file}: ${key} has no openAPIV3Schema`);
        schemas[key] = stripDescriptions(schema);
      }
    }
  }
  const kinds = {};
  const unique = {};
  const keyOfSchema = new Map();
  for (const key of Object.keys(schemas).sort()) {
    const text = JSON.stringify(sortKeys(schemas[key]));
    if (!keyOfSchema.has(text)) {
      keyOfSchema.set(text, key);
      unique[key] = schemas[key];
    }
    kinds[key] = keyOfSchema.get(text);
  }
  return JSON.stringify(sortKeys({ kinds, schemas: unique, sources })) + '\n';
}

if (require.main === module) {
  const crdDir = process.argv[2];
  if (!crdDir) {
    console.error('usage: node scripts/extract-crd-schemas.js <folder with the CRD files>');
    process.exit(2);
  }
  const content = extractCrdSchemas(crdDir);
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, content);
  const { kinds, schemas } = JSON.parse(content);
  const kindCount = Object.keys(kinds).length;
  const schemaCount = Object.keys(schemas).length;
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}: ${kindCount} kinds, ${schemaCount} distinct schemas, ${content.length} bytes`);
}

module.exports = { extractCrdSchemas, CRD_FILES, OUTPUT };
