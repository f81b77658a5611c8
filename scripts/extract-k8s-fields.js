#!/usr/bin/env node
// Writes schemas/k8s-fields.json: the field names Kubernetes knows for each
// core kind that lib/verify checks, read from the type declarations of the
// installed kubernetes-models package.
//
//   node scripts/extract-k8s-fields.js
//
// Why: the validators kubernetes-models ships check types, enums, formats and
// required fields, but not unknown fields (its JSON schemas have no
// additionalProperties: false). The API server, with kubectl's default strict
// field validation, rejects unknown fields, so lib/verify/schema/known-fields.ts
// walks a document against this table to report them. The table comes from
// the same OpenAPI definitions as the validators (kubernetes-models generates
// both), so the two agree on the Kubernetes version.
//
// Output shape (minified JSON, sorted keys):
//   {
//     "kinds": { "<apiVersion> <Kind>": "<type>" },
//     "kubernetesModels": "<version of kubernetes-models read>",
//     "types": { "<type>": { "<field>": <ref>, ... } }
//   }
// where <type> names a declaration file ("apps/v1/DeploymentSpec",
// "apimachinery/apis/meta/v1/ObjectMeta"), or the field holding an inline
// object type ("apps/v1/StatefulSetSpec.volumeClaimTemplates[]"), and <ref> is
//   0          a value with no fields to check (string, number, int-or-string,
//              a free-form object, ...),
//   "<type>"   an object with the fields of <type>,
//   "[]<ref>"  an array of <ref>,
//   "{}<ref>"  a map from any key to <ref>.
'use strict';

const fs = require('fs');
const path = require('path');
const ts = require('typescript');

/** The core kinds checked, as "<apiVersion> <Kind>" -> module under kubernetes-models/. */
const KINDS = {
  'v1 ConfigMap': 'v1/ConfigMap',
  'v1 Namespace': 'v1/Namespace',
  'v1 Pod': 'v1/Pod',
  'v1 Secret': 'v1/Secret',
  'v1 Service': 'v1/Service',
  'v1 ServiceAccount': 'v1/ServiceAccount',
  'apps/v1 Deployment': 'apps/v1/Deployment',
  'apps/v1 StatefulSet': 'apps/v1/StatefulSet',
  'autoscaling/v2 HorizontalPodAutoscaler': 'autoscaling/v2/HorizontalPodAutoscaler',
  'batch/v1 Job': 'batch/v1/Job',
  'networking.k8s.io/v1 Ingress': 'networking.k8s.io/v1/Ingress',
  'policy/v1 PodDisruptionBudget': 'policy/v1/PodDisruptionBudget',
};

const OUTPUT = path.join(__dirname, '..', 'schemas', 'k8s-fields.json');

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/** Returns the content of k8s-fields.json as a string. */
function extractK8sFields() {
  const pkgJson = require.resolve('kubernetes-models/package.json');
  const pkgDir = path.dirname(pkgJson);
  const version = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).version;
  const roots = Object.values(KINDS).map((mod) => path.join(pkgDir, `${mod}.d.ts`));
  const program = ts.createProgram(roots, {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();

  /** "apps/v1/DeploymentSpec" or "apimachinery/apis/meta/v1/ObjectMeta". */
  function typeName(fileName) {
    const file = fileName.split(path.sep).join('/').replace(/\.d\.ts$/, '');
    // Whichever package folder comes last holds the file, however npm laid
    // out node_modules.
    const core = file.lastIndexOf('/node_modules/kubernetes-models/');
    const scoped = file.lastIndexOf('/node_modules/@kubernetes-models/');
    if (core < 0 && scoped < 0) throw new Error(`unexpected declaration file ${fileName}`);
    return core > scoped
      ? file.slice(core + '/node_modules/kubernetes-models/'.length)
      : file.slice(scoped + '/node_modules/@kubernetes-models/'.length);
  }

  const types = {};

  function refOf(type, where) {
    type = checker.getNonNullableType(type);
    if (checker.isArrayType(type)) {
      const item = refOf(checker.getTypeArguments(type)[0], `${where}[]`);
      return item === 0 ? 0 : `[]${item}`;
    }
    if (type.isUnion()) {
      // string | number (IntOrString, Quantity) and enums of literals.
      const objects = type.types.filter((t) => t.flags & ts.TypeFlags.Object);
      if (objects.length > 0) throw new Error(`${where}: union with an object type`);
      return 0;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return 0;
    const props = checker.getPropertiesOfType(type);
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    if (index && props.length === 0) {
      const value = refOf(index.type, `${where}{}`);
      return value === 0 ? 0 : `{}${value}`;
    }
    if (index) throw new Error(`${where}: both an index signature and fields`);
    if (props.length === 0) return 0; // free-form object (e.g. FieldsV1)
    const decl = type.symbol && type.symbol.declarations && type.symbol.declarations[0];
    if (!decl) throw new Error(`${where}: object type without a declaration`);
    // A named interface is keyed by its file; an inline object type (as in
    // StatefulSetSpec.volumeClaimTemplates) by where it is used.
    const name = ts.isInterfaceDeclaration(decl) ? typeName(decl.getSourceFile().fileName) : where;
    if (!(name in types)) {
      types[name] = {}; // placeholder, for recursive types
      const fields = {};
      for (const prop of props) {
        fields[prop.name] = refOf(checker.getTypeOfSymbolAtLocation(prop, decl), `${name}.${prop.name}`);
      }
      types[name] = fields;
    }
    return name;
  }

  const kinds = {};
  for (const [key, mod] of Object.entries(KINDS)) {
    const file = program.getSourceFile(path.join(pkgDir, `${mod}.d.ts`));
    const kind = key.split(' ')[1];
    const decl = file && file.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === `I${kind}`);
    if (!decl) throw new Error(`interface I${kind} not found in kubernetes-models/${mod}.d.ts`);
    kinds[key] = refOf(checker.getTypeAtLocation(decl.name), key);
  }
  return JSON.stringify(sortKeys({ kinds, kubernetesModels: version, types })) + '\n';
}

if (require.main === module) {
  const content = extractK8sFields();
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  fs.writeFileSync(OUTPUT, content);
  const typeCount = Object.keys(JSON.parse(content).types).length;
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}: ${typeCount} types, ${content.length} bytes`);
}

module.exports = { extractK8sFields, KINDS, OUTPUT };
