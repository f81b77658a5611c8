import * as path from 'path';
import { Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { DeclaredRelease, OutputFile, ReleaseInputs, renderApp } from '../../lib';
import { defineReleases } from '../../main';
import { Doc } from './manifests';

/** The examples of main.ts as `npm run synth` writes them: images from releases.json, no environment overrides. */
export function exampleFiles(): OutputFile[] {
  const app = Testing.app();
  defineReleases(app, ReleaseInputs.load(path.resolve(__dirname, '../../releases.json'), {}));
  return renderApp(app);
}

/** A release of rendered files: its declaration, each phase's manifest.yaml, and its documents, in the order of release.json. */
export function releaseOf(files: readonly OutputFile[], release: string) {
  const text = (file: string) => files.find((f) => f.path === `${release}/${file}`)!.content;
  const declaration: DeclaredRelease = JSON.parse(text('release.json'));
  const manifest = (phase: string) => text(`${phase}/manifest.yaml`);
  const phases = new Map(declaration.phases.map((p) => [p.name, parseAllDocuments(manifest(p.name)).map((d) => d.toJS() as Doc)]));
  return { declaration, manifest, phases };
}
