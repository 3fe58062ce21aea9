// Scratch consumer projects for the README examples: a folder with its own package.json that
// installs the packed library (or the git repository) and the packages the README tells users to
// install, exactly as a new user's project would. Versions are those this repository's lock file
// installed, so npm takes them from its cache (--prefer-offline) and the run is repeatable.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** What the README's install lines add (runtime and dev), plus what its NestJS section imports. */
const DEPENDENCIES = ['@aws-sdk/client-dynamodb', 'reflect-metadata', 'class-validator', 'class-transformer'];
const DEV_DEPENDENCIES = ['dynalite', '@types/node', '@nestjs/common', '@nestjs/core', '@nestjs/testing', '@nestjs/config', 'rxjs'];

/** The TypeScript versions the README examples are compiled with. 7 removed moduleResolution node10. */
export const TYPESCRIPT_7 = '7.0.2';

function installedVersion(name) {
  return JSON.parse(readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export function npm(args, cwd, log) {
  log(`$ npm ${args.join(' ')}   (in ${cwd})`);
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * The compiler options of a consumer: the two decorator settings the README asks for, `strict`, and
 * the module system of the flavor. ES2022 makes class fields own properties (useDefineForClassFields),
 * the trap the library must handle. TypeScript 7 no longer has node10, so a CommonJS project on 7
 * uses node16 resolution (a package without "type": "module" compiles to CommonJS).
 */
export function tsconfigFor(flavor, typescriptMajor) {
  const moduleOptions =
    flavor === 'esm' || typescriptMajor >= 7
      ? { module: 'node16', moduleResolution: 'node16' }
      : { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true };
  return {
    compilerOptions: {
      target: 'ES2022',
      ...moduleOptions,
      strict: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      skipLibCheck: false,
      types: ['node'],
      rootDir: 'src',
      outDir: `out-ts${typescriptMajor}`,
    },
    include: ['src/**/*.ts'],
  };
}

/**
 * Creates the consumer project for a flavor ('cjs' or 'esm') and installs the library from `source`
 * (a tarball path or a git URL) with the README's dependencies.
 */
export function createConsumer(root, flavor, source, log) {
  const dir = path.join(root, `consumer-${flavor}`);
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  const packageJson = { name: `readme-consumer-${flavor}`, private: true, version: '0.0.0', type: flavor === 'esm' ? 'module' : 'commonjs' };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(packageJson, null, 2) + '\n');
  npm(['install', source, ...DEPENDENCIES.map((name) => `${name}@${installedVersion(name)}`)], dir, log);
  npm(['install', '--save-dev', ...DEV_DEPENDENCIES.map((name) => `${name}@${installedVersion(name)}`)], dir, log);
  return dir;
}

/** Installs TypeScript 7 into a folder of its own; returns the path of its tsc. */
export function installTypeScript7(root, log) {
  const dir = path.join(root, 'typescript-7');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "typescript-7", "private": true }\n');
  npm(['install', `typescript@${TYPESCRIPT_7}`], dir, log);
  return path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
}

/** The tarball of the library as `npm pack` makes it, after building dist/ unless told it is fresh. */
export function packLibrary(root, { build }, log) {
  if (build) {
    log('$ npm run build');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  log('$ npm pack --ignore-scripts');
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', root];
  const [{ filename }] = JSON.parse(execFileSync('npm', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  return path.join(root, filename);
}
