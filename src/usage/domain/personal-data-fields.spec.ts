import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/*
 * docs/personal-data.md's inventory, checked: every field of what the service keeps (events, the usage view, the
 * anomaly detector's snapshot, alert evidence) whose name says it may hold a client's address or user agent is either
 * in PERSONAL_DATA (and named in the doc) or in NOT_PERSONAL with the reason. A field added without either fails here.
 */
const PERSONAL_DATA: Record<string, string> = {
  'KeyUsedData.ip': 'client address of a use',
  'KeyUsedData.userAgent': 'user agent of a use',
  'AuthenticationFailedData.ip': 'client address of a failed authentication',
  'AuthenticationFailedData.userAgent': 'user agent of a failed authentication',
  'ArchivedUsageTotals.lastIp': 'null in archives since 2026-12-07; the usage view: the last use held in the log',
  'ArchivedUsageTotals.lastUserAgent': 'as lastIp',
  'AnomalyDetectedData.ip': 'the address an alert is about',
  'evidence.addresses': 'many_addresses: the addresses in the window',
  'evidence.network': 'new_network and failed_auth_burst: the network',
  'KeyState.addresses': 'detector snapshot: a key\'s recent addresses',
  'KeyState.networks': 'detector snapshot: a key\'s networks',
  'DetectorState.ips': 'detector snapshot: recent failures by client',
  'evidence.wideNetwork': 'failed_auth_burst of an address: its /24 or /48',
  'evidence.networks': 'failed_auth_burst summary: the wide networks with the most bursts',
  'AddressBurstHour.networks': 'detector snapshot: the wide networks that burst this hour',
  'DetectorState.burstNetworks': 'detector snapshot: the wide networks that burst in the last hour (key_used_after_burst)',
};

const NOT_PERSONAL: Record<string, string> = {
  'KeyCreated.allowedIps': 'the customer\'s own restriction, set by its key: the key\'s configuration, not a client\'s data',
  'KeyChanges.allowedIps': 'as KeyCreated.allowedIps',
  'CreateApiKey.allowedIps': 'as KeyCreated.allowedIps (the command)',
  'UpdateApiKey.allowedIps': 'as KeyCreated.allowedIps (the command)',
  'KeyState.allowedIps': 'as KeyCreated.allowedIps (the decider\'s state of a key)',
  'DetectorStateSize.ips': 'a count',
  'DetectorStateSize.maxAddressesPerKey': 'a count',
  'DetectorStateSize.maxFailureTimesPerIp': 'a count',
  'DetectorStateSize.maxNetworksPerKey': 'a count',
  'KeyState.addressesQuietUntilMs': 'a time',
  'evidence.distinctAddresses': 'a count',
  'evidence.knownNetworks': 'a count',
  'evidence.networkCount': 'a count',
};

const PERSONAL_NAME = /(^ips?$|Ips?$|address|network|useragent|user_agent|email|^host)/i;

const SRC = join(process.cwd(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const parse = (path: string) => ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);

/** `Interface.property` for every property declared in an interface of the file, nested type literals included. */
function interfaceFields(file: ts.SourceFile): string[] {
  const fields: string[] = [];
  file.forEachChild(function visit(node) {
    if (ts.isInterfaceDeclaration(node)) {
      const owner = node.name.text;
      node.forEachChild(function member(child) {
        if (ts.isPropertySignature(child) && ts.isIdentifier(child.name)) fields.push(`${owner}.${child.name.text}`);
        child.forEachChild(member);
      });
    } else node.forEachChild(visit);
  });
  return fields;
}

/** `evidence.key` for every key of an `evidence: { … }` object literal in the file. */
function evidenceFields(file: ts.SourceFile): string[] {
  const fields: string[] = [];
  file.forEachChild(function visit(node) {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'evidence' && ts.isObjectLiteralExpression(node.initializer)) {
      for (const property of node.initializer.properties) if (property.name && ts.isIdentifier(property.name)) fields.push(`evidence.${property.name.text}`);
    }
    node.forEachChild(visit);
  });
  return fields;
}

describe('the personal data inventory (docs/personal-data.md)', () => {
  const files = sourceFiles(SRC).map(parse);
  // Events: every file that declares an event's shape (a schemaVersion), e.g. a new event type's own file.
  const eventFiles = files.filter((file) => /\bschemaVersion: (1|typeof|number)/.test(file.text) && !file.fileName.includes('/infrastructure/'));
  const stateFiles = files.filter((file) => /\/(anomalies\/domain\/detector-state|usage\/projection\/key-usage-view)\.ts$/.test(file.fileName));
  const ruleFiles = files.filter((file) => file.fileName.includes('/anomalies/domain/rules/'));

  const candidates = new Set(
    [...[...eventFiles, ...stateFiles].flatMap(interfaceFields), ...ruleFiles.flatMap(evidenceFields)].filter((field) => PERSONAL_NAME.test(field.split('.')[1])),
  );

  it('scans what the service keeps: the event shapes, the detector state, the rules\' evidence', () => {
    expect(eventFiles.length).toBeGreaterThanOrEqual(5);
    expect(stateFiles).toHaveLength(2);
    expect(ruleFiles.length).toBeGreaterThanOrEqual(7);
    expect(candidates).toContain('KeyUsedData.ip');
    expect(candidates).toContain('evidence.addresses');
  });

  it('lists every field that may hold a client\'s address or user agent, and nothing that is gone', () => {
    const listed = new Set([...Object.keys(PERSONAL_DATA), ...Object.keys(NOT_PERSONAL)]);
    expect([...candidates].filter((field) => !listed.has(field)).sort()).toEqual([]);
    expect([...listed].filter((field) => !candidates.has(field)).sort()).toEqual([]);
  });

  it('names every personal field in docs/personal-data.md', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'personal-data.md'), 'utf8');
    expect(Object.keys(PERSONAL_DATA).filter((field) => !doc.includes(`\`${field}\``))).toEqual([]);
  });
});
