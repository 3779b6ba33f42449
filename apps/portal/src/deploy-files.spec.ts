import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadAppConfig } from './config/app-config.js';
import { ConfigError } from './config/config.error.js';
import { parseUnit } from '../../../test/support/systemd-unit.js';

// deploy/ is read by operators, kubectl and systemd, never by the portal: these checks keep it in step with the code
// (variable names, probe paths, entry points) and keep secrets out of it. deploy-files.integration-spec.ts runs the
// installer and systemd-analyze.

const REPO = resolve(import.meta.dirname, '../../..');
const DEPLOY = resolve(REPO, 'deploy');
const read = (path: string) => readFileSync(resolve(DEPLOY, path), 'utf8');
const PLACEHOLDER = /REPLACE_WITH_[A-Za-z0-9_]+/g;

/** The environment variables the portal reads: the keys of app-config.ts's schema (one place lists them all). */
function portalVariables(): Set<string> {
  const source = readFileSync(resolve(REPO, 'apps/portal/src/config/app-config.ts'), 'utf8');
  const schema = source.slice(source.indexOf('const environmentSchema'), source.indexOf('.superRefine('));
  const security = source.slice(source.indexOf('const securityVariables'), source.indexOf('const environmentSchema'));
  const names = new Set(
    [...schema.matchAll(/^ {4}([A-Z][A-Z0-9_]*):/gm), ...security.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!),
  );
  for (const [, provider] of source.matchAll(/\.\.\.socialProviderVariables\('([A-Z]+)'/g)) {
    for (const suffix of ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET']) names.add(`SOCIAL_${provider}_${suffix}`);
  }
  return names;
}

/** Random values for the placeholders, of the form the variable needs. */
function fillPlaceholders(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (name === 'KEY_ENCRYPTION_KEY') return [name, randomBytes(32).toString('base64')];
      if (name === 'APP_SECRET') return [name, randomBytes(48).toString('base64')];
      return [name, value.replace(PLACEHOLDER, () => randomBytes(16).toString('hex'))];
    }),
  );
}

function configProblems(env: Record<string, string>): string[] {
  try {
    loadAppConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.split(' ')[0]!);
    throw error;
  }
}

const SECRET_NAME = /SECRET|KEY$|PASSWORD/;
const URL_WITH_PASSWORD = /^\w+:\/\/[^/@\s]*:[^/@\s]+@/;

// ----------------------------------------------------------------------------------------------------------------
// Kubernetes

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface Container {
  name: string;
  image: string;
  command: string[];
  workingDir?: string;
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
  volumes?: { name: string; emptyDir?: object; configMap?: { name: string } }[];
  automountServiceAccountToken?: boolean;
}

function loadYaml(path: string): K8sObject[] {
  return parseAllDocuments(read(path)).map((document) => {
    expect({ path, errors: document.errors.map(String) }).toEqual({ path, errors: [] });
    return document.toJS() as K8sObject;
  });
}

/** Every object a kustomization directory pulls in (resources, recursively), with the files it read. */
function kustomize(directory: string): { objects: K8sObject[]; files: string[]; tags: string[] } {
  const kustomization = loadYaml(`${directory}/kustomization.yaml`)[0] as unknown as {
    resources: string[];
    images?: { name: string; newTag: string }[];
  };
  const result = {
    objects: [] as K8sObject[],
    files: [] as string[],
    tags: (kustomization.images ?? []).map((i) => `${i.name}:${i.newTag}`),
  };
  for (const resource of kustomization.resources) {
    const path = `${directory}/${resource}`;
    expect({ resource: path, exists: existsSync(resolve(DEPLOY, path)) }).toEqual({ resource: path, exists: true });
    if (statSync(resolve(DEPLOY, path)).isDirectory()) {
      const inner = kustomize(path);
      result.objects.push(...inner.objects);
      result.files.push(...inner.files);
      result.tags.push(...inner.tags);
    } else {
      result.objects.push(...loadYaml(path));
      result.files.push(resolve(DEPLOY, path));
    }
  }
  return result;
}

describe('deploy/k8s', () => {
  const app = kustomize('k8s');
  const migrate = kustomize('k8s/migrate');
  const all = [...app.objects, ...migrate.objects];
  const secret = loadYaml('k8s/secret.example.yaml')[0]!;
  const find = (kind: string, name: string, from = all) => {
    const found = from.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
    return found;
  };
  const podOf = (workload: K8sObject) => (workload.spec as { template: { spec: PodSpec } }).template.spec;
  const workloads = [find('Deployment', 'campuspass-portal'), find('Deployment', 'campuspass-worker'), find('Job', 'campuspass-migrate')];
  const configMap = find('ConfigMap', 'campuspass-config').data as Record<string, string>;
  const secretData = secret.stringData as Record<string, string>;
  const secretText = read('k8s/secret.example.yaml');

  it('renders a namespace, the workloads, a Service, an Ingress, PDBs, an HPA and NetworkPolicies', () => {
    const kinds = new Set(app.objects.map((o) => o.kind));
    for (const kind of [
      'Namespace',
      'ConfigMap',
      'Deployment',
      'Service',
      'Ingress',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
    ]) {
      expect({ kind, present: kinds.has(kind) }).toEqual({ kind, present: true });
    }
    expect(migrate.objects.map((o) => o.kind)).toContain('Job');
    expect(find('Namespace', 'campuspass').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('never applies the example Secret: it is in no kustomization and holds placeholders only', () => {
    expect(secret.kind).toBe('Secret');
    expect([...app.files, ...migrate.files]).not.toContain(resolve(DEPLOY, 'k8s/secret.example.yaml'));
    expect(all.some((o) => o.kind === 'Secret')).toBe(false);
    for (const [name, value] of Object.entries(secretData)) {
      // A secret value, or the password inside a URL, is a placeholder.
      if (SECRET_NAME.test(name)) expect({ name, value }).toEqual({ name, value: expect.stringMatching(/^REPLACE_WITH_\w+$/) });
      if (/^\w+:\/\//.test(value) && URL_WITH_PASSWORD.test(value)) {
        expect({ name, password: new URL(value).password }).toEqual({ name, password: expect.stringMatching(/^REPLACE_WITH_\w+$/) });
      }
    }
  });

  it('puts no secret into a ConfigMap', () => {
    for (const [name, value] of Object.entries(configMap)) {
      expect({ name, secretName: SECRET_NAME.test(name) || name in secretData }).toEqual({ name, secretName: false });
      expect({ name, urlWithPassword: URL_WITH_PASSWORD.test(value) }).toEqual({ name, urlWithPassword: false });
    }
  });

  it('uses only variables the portal reads, and takes every secret from a key of the example Secret', () => {
    const known = portalVariables();
    expect(known.has('DATABASE_URL') && known.has('SECURITY_GATE_ONLINE_SECONDS') && known.has('SOCIAL_APPLE_CLIENT_ID')).toBe(true);
    for (const name of [...Object.keys(configMap), ...Object.keys(secretData)])
      expect({ name, known: known.has(name) }).toEqual({ name, known: true });
    for (const workload of workloads) {
      for (const container of podOf(workload).containers) {
        for (const variable of container.env ?? []) {
          expect({ name: variable.name, known: known.has(variable.name) }).toEqual({ name: variable.name, known: true });
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref?.optional) {
            // Set only for a while (e.g. the old key-encryption key during its rotation): shown commented out.
            expect({ name: variable.name, ref }).toEqual({
              name: variable.name,
              ref: { name: secret.metadata.name, key: variable.name, optional: true },
            });
            expect(secretText).toMatch(new RegExp(`^ {2}# ${ref.key}: REPLACE_WITH_`, 'm'));
          } else {
            expect({ name: variable.name, ref }).toEqual({
              name: variable.name,
              ref: { name: secret.metadata.name, key: expect.any(String) },
            });
            expect(Object.keys(secretData)).toContain(ref!.key);
          }
          expect(variable.value).toBeUndefined();
        }
        expect(container.envFrom).toEqual([{ configMapRef: { name: 'campuspass-config' } }]);
      }
    }
  });

  it('configures a valid production portal once the placeholders are filled in, and refuses the unfilled secrets', () => {
    const env = { ...configMap, ...secretData };
    expect(env.NODE_ENV).toBe('production');
    expect(configProblems(fillPlaceholders(env))).toEqual([]);
    // Deployed as they are, the example's APP_SECRET and KEY_ENCRYPTION_KEY stop the portal (exit 78), naming them.
    expect(configProblems(env).sort()).toEqual(['APP_SECRET', 'KEY_ENCRYPTION_KEY']);
    const config = loadAppConfig(fillPlaceholders(env));
    expect(config.redis.url).toMatch(/^rediss:\/\//);
    expect(config.gates.eventQueueRedisUrl.reveal()).toMatch(/^rediss:\/\/campuspass-gate:/);
    expect(new URL(config.database.url!).searchParams.get('sslmode')).toBe('verify-full');
    expect(config.database.migrate).toBe('manual');
  });

  it('runs every workload from the same image, as the real entry points, with the same tag in both kustomizations', () => {
    const images = new Set(workloads.flatMap((w) => podOf(w).containers.map((c) => c.image.split(':')[0])));
    expect(images.size).toBe(1);
    expect(new Set([...app.tags, ...migrate.tags]).size).toBe(1);
    expect(app.tags[0]!.split(':')[0]).toBe([...images][0]);
    const commands = workloads.map((w) => podOf(w).containers[0]!.command.join(' '));
    expect(commands).toEqual([
      'node apps/portal/dist/main.js',
      'node apps/portal/dist/worker.js',
      'node apps/portal/dist/cli.js db:migrate',
    ]);
    for (const entry of ['main', 'worker', 'cli']) expect(existsSync(resolve(REPO, `apps/portal/src/${entry}.ts`))).toBe(true);
    expect(readFileSync(resolve(REPO, 'apps/portal/src/cli.ts'), 'utf8')).toContain(".command('db:migrate')");
    for (const workload of workloads) expect(podOf(workload).containers[0]!.workingDir).toBe('/app');
  });

  it('runs every pod as non-root with a read-only root file system, /tmp an emptyDir, limits and requests set', () => {
    for (const workload of workloads) {
      const pod = podOf(workload);
      const name = workload.metadata.name;
      expect({ name, pod: pod.securityContext }).toMatchObject({
        name,
        pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      });
      expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect({ name, sc: container.securityContext }).toEqual({
          name,
          sc: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        });
        for (const kind of ['requests', 'limits'] as const) {
          expect({ name, kind, cpu: !!container.resources?.[kind]?.cpu, memory: !!container.resources?.[kind]?.memory }).toEqual({
            name,
            kind,
            cpu: true,
            memory: true,
          });
        }
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        expect(pod.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
        for (const mount of container.volumeMounts ?? []) {
          const volume = pod.volumes?.find((v) => v.name === mount.name);
          expect({ mount: mount.name, volume: !!volume }).toEqual({ mount: mount.name, volume: true });
          if (volume?.configMap) find('ConfigMap', volume.configMap.name);
        }
      }
    }
    // The CA file DATABASE_URL names is where the pg-ca ConfigMap is mounted.
    const caPath = new URL(secretData.DATABASE_URL!).searchParams.get('sslrootcert')!;
    const portal = podOf(workloads[0]!);
    const caMount = portal.containers[0]!.volumeMounts!.find((m) => caPath.startsWith(`${m.mountPath}/`))!;
    const caVolume = portal.volumes!.find((v) => v.name === caMount.name)!;
    expect(Object.keys(find('ConfigMap', caVolume.configMap!.name).data as object)).toContain(caPath.slice(caMount.mountPath.length + 1));
  });

  it('probes the portal at its real health paths on its named port, which is PORT', () => {
    const portal = find('Deployment', 'campuspass-portal');
    expect((portal.spec as { replicas: number }).replicas).toBeGreaterThanOrEqual(2);
    const container = podOf(portal).containers[0]!;
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(configMap.PORT), protocol: 'TCP' }]);
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
    // The paths the health controller serves outside the /api prefix.
    const controller = readFileSync(resolve(REPO, 'apps/portal/src/health/health.controller.ts'), 'utf8');
    expect(controller).toContain("@Controller('health')");
    expect(controller).toContain("@Get('live')");
    expect(readFileSync(resolve(REPO, 'apps/portal/src/bootstrap.ts'), 'utf8')).toContain("exclude: ['health', 'health/live']");
  });

  it('routes HTTPS for PUBLIC_URL through the Ingress to the Service and on to the portal pods', () => {
    const portal = find('Deployment', 'campuspass-portal');
    const service = find('Service', 'campuspass-portal').spec as {
      selector: Record<string, string>;
      ports: { name: string; targetPort: string }[];
    };
    expect(service.selector).toEqual((portal.spec as { selector: { matchLabels: object } }).selector.matchLabels);
    expect(service.ports[0]!.targetPort).toBe('http');
    const ingress = find('Ingress', 'campuspass-portal').spec as {
      tls: { hosts: string[]; secretName: string }[];
      rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[];
    };
    const host = new URL(configMap.PUBLIC_URL!).host;
    expect(new URL(configMap.PUBLIC_URL!).protocol).toBe('https:');
    expect(ingress.rules.map((rule) => rule.host)).toEqual([host]);
    expect(ingress.tls[0]!.hosts).toContain(host);
    expect(ingress.tls[0]!.secretName).toBeTruthy();
    expect(ingress.rules[0]!.http.paths[0]!.backend.service).toEqual({ name: 'campuspass-portal', port: { name: service.ports[0]!.name } });
  });

  it('scales the workers with an HPA, keeps replicas through disruptions, and lets only the ingress controller in', () => {
    const worker = find('Deployment', 'campuspass-worker');
    // The HPA owns the number: a replicas field would be reset on every apply.
    expect((worker.spec as { replicas?: number }).replicas).toBeUndefined();
    const hpa = find('HorizontalPodAutoscaler', 'campuspass-worker').spec as {
      scaleTargetRef: object;
      minReplicas: number;
      maxReplicas: number;
    };
    expect(hpa.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'campuspass-worker' });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.maxReplicas).toBeGreaterThan(hpa.minReplicas);
    for (const name of ['campuspass-portal', 'campuspass-worker']) {
      const pdb = find('PodDisruptionBudget', name).spec as { selector: { matchLabels: object }; minAvailable: number };
      expect(pdb.selector.matchLabels).toEqual(
        (find('Deployment', name).spec as { selector: { matchLabels: object } }).selector.matchLabels,
      );
      expect(pdb.minAvailable).toBeGreaterThanOrEqual(1);
    }
    const policies = all
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => o.spec as { podSelector: object; policyTypes: string[]; ingress?: { ports: { port: number }[] }[] });
    expect(policies).toContainEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const inbound = policies.flatMap((p) => p.ingress ?? []).flatMap((rule) => rule.ports.map((port) => port.port));
    expect(inbound).toEqual([Number(configMap.PORT)]);
  });

  it('runs the migration Job once, without restarting a pod that failed halfway, bounded in time', () => {
    const job = find('Job', 'campuspass-migrate').spec as { backoffLimit: number; activeDeadlineSeconds: number };
    expect(podOf(find('Job', 'campuspass-migrate')) as unknown as { restartPolicy: string }).toMatchObject({ restartPolicy: 'Never' });
    expect(job.backoffLimit).toBeLessThanOrEqual(3);
    expect(job.activeDeadlineSeconds).toBeGreaterThan(0);
  });
});

// ----------------------------------------------------------------------------------------------------------------
// systemd units of the portal

/** An EnvironmentFile as systemd reads it: VAR=value lines, comments, optional surrounding double quotes. */
function parseEnvironmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`not VAR=value: ${raw}`);
    env[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return env;
}

describe('deploy/systemd', () => {
  const units = Object.fromEntries(
    ['portal', 'worker', 'migrate'].map((name) => {
      const file = `systemd/campuspass-${name}.service`;
      return [name, parseUnit(read(file), file)];
    }),
  ) as Record<'portal' | 'worker' | 'migrate', Map<string, Map<string, string[]>>>;
  const value = (unit: keyof typeof units, section: string, key: string) => units[unit].get(section)?.get(key);
  const env = parseEnvironmentFile(read('systemd/portal.env.example'));

  it('runs the built entry points from /opt/campuspass with the settings of /etc/campuspass/portal.env', () => {
    expect(value('portal', 'Service', 'ExecStart')).toEqual(['/usr/bin/node /opt/campuspass/apps/portal/dist/main.js']);
    expect(value('worker', 'Service', 'ExecStart')).toEqual(['/usr/bin/node /opt/campuspass/apps/portal/dist/worker.js']);
    expect(value('migrate', 'Service', 'ExecStart')).toEqual(['/usr/bin/node /opt/campuspass/apps/portal/dist/cli.js db:migrate']);
    for (const unit of ['portal', 'worker', 'migrate'] as const) {
      expect(value(unit, 'Service', 'EnvironmentFile')).toEqual(['/etc/campuspass/portal.env']);
      // WEB_DIST_DIR's default (apps/web/dist) is relative to it.
      expect(value(unit, 'Service', 'WorkingDirectory')).toEqual(['/opt/campuspass']);
    }
  });

  it('migrates before the portal and the workers start, as a oneshot they require', () => {
    expect(value('migrate', 'Service', 'Type')).toEqual(['oneshot']);
    for (const unit of ['portal', 'worker'] as const) {
      expect(value(unit, 'Unit', 'Requires')).toEqual(['campuspass-migrate.service']);
      expect(value(unit, 'Unit', 'After')?.join(' ').split(/\s+/)).toContain('campuspass-migrate.service');
      expect(value(unit, 'Service', 'Restart')).toEqual(['on-failure']);
      // A bad variable (exit 78) is not fixed by restarting.
      expect(value(unit, 'Service', 'RestartPreventExitStatus')).toEqual(['78']);
      expect(value(unit, 'Install', 'WantedBy')).toEqual(['multi-user.target']);
    }
  });

  it('is hardened: nothing writable, private /tmp, no privileges, no capabilities; V8 keeps its executable memory', () => {
    for (const unit of ['portal', 'worker', 'migrate'] as const) {
      const service = units[unit].get('Service')!;
      const expected = {
        DynamicUser: 'true',
        ProtectSystem: 'strict',
        PrivateTmp: 'true',
        NoNewPrivileges: 'true',
        ProtectHome: 'true',
        PrivateDevices: 'true',
        CapabilityBoundingSet: '',
      };
      for (const [key, wanted] of Object.entries(expected))
        expect({ unit, key, value: service.get(key) }).toEqual({ unit, key, value: [wanted] });
      expect({ unit, writable: service.has('ReadWritePaths') || service.has('StateDirectory') }).toEqual({ unit, writable: false });
      expect({ unit, mdwe: service.has('MemoryDenyWriteExecute') }).toEqual({ unit, mdwe: false });
    }
  });

  it('lists every variable production requires in portal.env.example, with placeholders for the secrets', () => {
    const known = portalVariables();
    for (const name of Object.keys(env)) expect({ name, known: known.has(name) }).toEqual({ name, known: true });
    expect(configProblems(fillPlaceholders(env))).toEqual([]);
    expect(configProblems(env).sort()).toEqual(['APP_SECRET', 'KEY_ENCRYPTION_KEY']);
    for (const [name, text] of Object.entries(env)) {
      if (SECRET_NAME.test(name)) expect({ name, text }).toEqual({ name, text: expect.stringMatching(/^REPLACE_WITH_\w+$/) });
      if (URL_WITH_PASSWORD.test(text))
        expect({ name, password: new URL(text).password }).toEqual({ name, password: expect.stringMatching(/^REPLACE_WITH_\w+$/) });
    }
    const config = loadAppConfig(fillPlaceholders(env));
    expect(config.environment).toBe('production');
    expect(config.http.host).toBe('127.0.0.1');
    expect(new URL(config.database.url!).searchParams.get('sslmode')).toBe('verify-full');
    // The systemd and Kubernetes examples describe the same portal.
    const configMap = loadYaml('k8s/base/config.yaml')[0]!.data as Record<string, string>;
    for (const name of ['NODE_ENV', 'PORT', 'PUBLIC_URL', 'QUEUE_PREFIX', 'DATABASE_MIGRATE', 'MAIL_FROM'])
      expect({ name, value: env[name] }).toEqual({ name, value: configMap[name] });
    expect(dirname(new URL(env.DATABASE_URL!).searchParams.get('sslrootcert')!)).toBe('/etc/campuspass');
  });
});
