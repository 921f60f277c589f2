/** Jest on NestJS 12 (ESM): run through `node --experimental-vm-modules`, TS via @swc/jest. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'es6' },
  },
];

const project = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // fastify's inject() requires the ESM-only `cookie` from CommonJS: let swc transform it.
  transformIgnorePatterns: ['/node_modules/(?!(cookie)/)'],
  moduleNameMapper: {
    '^#(audit|auth|catalog|config|db|gomod|logging|metrics|policy|proxy|storage|sync|upstream|vcs|vuln)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  // `unit`: the specs beside the code (PGlite, git, s3rver; no modgate process, no go command).
  // `e2e`: test/, the built server with the real go command over HTTPS. scripts/test.sh runs the
  // two projects side by side, each one suite at a time.
  projects: [
    { ...project, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...project, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
  testTimeout: 120000,
  // A directory for the run: fixtures the go command builds once are copied from there by each suite.
  globalSetup: '<rootDir>/test/support/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/jest-global-teardown.mjs',
  // One suite at a time: the e2e suites start servers, git and go processes, and time webhooks;
  // running two at once on 2 cores made their timings depend on each other.
  maxWorkers: 1,
  // A failed e2e test can leave a child process (a server, slapd) holding open pipes; the run must
  // still end with its report rather than wait for them.
  forceExit: true,
};
