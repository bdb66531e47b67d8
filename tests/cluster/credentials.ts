// Mints the test cluster's throwaway secrets: a CA and the apiserver's serving certificate (via the
// `openssl` CLI), the service-account signing key (node:crypto) and the admin's static bearer token.
import { execFile } from "node:child_process";
import { generateKeyPair, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const generateKeyPairAsync = promisify(generateKeyPair);

/** Files the components are pointed at, all inside the control plane's temp dir. */
export interface ClusterCredentials {
  readonly caCertFile: string;
  readonly caKeyFile: string;
  readonly servingCertFile: string;
  readonly servingKeyFile: string;
  /** Client certificate (and key) the apiserver presents to kubelets. */
  readonly kubeletClientCertFile: string;
  readonly kubeletClientKeyFile: string;
  readonly serviceAccountPrivateKeyFile: string;
  readonly serviceAccountPublicKeyFile: string;
  readonly tokenAuthFile: string;
  /** Bearer token of the `mediaplane-admin` user, a member of `system:masters`. */
  readonly adminToken: string;
  /** PEM text of the CA, for clients that verify the apiserver. */
  readonly caCertPem: string;
}

const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"];

async function openssl(args: string[]): Promise<void> {
  try {
    await run("openssl", args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args.join(" ")} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

export interface CredentialOptions {
  /** More IP addresses the apiserver serves on (the host's own address, for a real node's pods). */
  readonly extraServingIps?: readonly string[];
}

async function writeCertificates(dir: string, options: CredentialOptions): Promise<void> {
  const ca = { cert: join(dir, "ca.crt"), key: join(dir, "ca.key") };
  await openssl([
    "req",
    "-x509",
    ...ecKey,
    "-keyout",
    ca.key,
    "-out",
    ca.cert,
    "-subj",
    "/CN=mediaplane-test-ca",
  ]);
  const altNames = [
    "IP:127.0.0.1",
    "DNS:localhost",
    "IP:10.96.0.1",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
    ...(options.extraServingIps ?? []).map((ip) => `IP:${ip}`),
  ];
  await signedByCa(ca, join(dir, "apiserver"), "/CN=kube-apiserver", [
    `subjectAltName=${altNames.join(",")}`,
    "extendedKeyUsage=serverAuth",
  ]);
  // What the apiserver shows a real node's kubelet for `kubectl logs/exec` (kubelet trusts the CA).
  await signedByCa(ca, join(dir, "kubelet-client"), "/O=system:masters/CN=kube-apiserver-kubelet-client", [
    "extendedKeyUsage=clientAuth",
  ]);
}

/** Writes `<base>.key` and `<base>.crt`, a leaf certificate for `subject` signed by the test CA. */
async function signedByCa(
  ca: { cert: string; key: string },
  base: string,
  subject: string,
  extensions: readonly string[],
): Promise<void> {
  await openssl([
    "req",
    "-x509",
    ...ecKey,
    "-CA",
    ca.cert,
    "-CAkey",
    ca.key,
    "-keyout",
    `${base}.key`,
    "-out",
    `${base}.crt`,
    "-subj",
    subject,
    ...[...extensions, "basicConstraints=critical,CA:FALSE"].flatMap((extension) => ["-addext", extension]),
  ]);
}

async function writeServiceAccountKeys(dir: string): Promise<void> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  await writeFile(join(dir, "sa.key"), privateKey, { mode: 0o600 });
  await writeFile(join(dir, "sa.pub"), publicKey);
}

/** Writes every credential into `dir` (which must exist) and returns where they are. */
export async function writeClusterCredentials(
  dir: string,
  options: CredentialOptions = {},
): Promise<ClusterCredentials> {
  const adminToken = randomBytes(24).toString("hex");
  await Promise.all([
    writeCertificates(dir, options),
    writeServiceAccountKeys(dir),
    // token,user,uid,"groups"
    writeFile(join(dir, "tokens.csv"), `${adminToken},mediaplane-admin,mediaplane-admin,"system:masters"\n`, {
      mode: 0o600,
    }),
  ]);
  return {
    caCertFile: join(dir, "ca.crt"),
    caKeyFile: join(dir, "ca.key"),
    servingCertFile: join(dir, "apiserver.crt"),
    servingKeyFile: join(dir, "apiserver.key"),
    kubeletClientCertFile: join(dir, "kubelet-client.crt"),
    kubeletClientKeyFile: join(dir, "kubelet-client.key"),
    serviceAccountPrivateKeyFile: join(dir, "sa.key"),
    serviceAccountPublicKeyFile: join(dir, "sa.pub"),
    tokenAuthFile: join(dir, "tokens.csv"),
    adminToken,
    caCertPem: await readFile(join(dir, "ca.crt"), "utf8"),
  };
}
