// One provider collection of a fake *arr app (download clients, applications) with the apps' provider
// controller behaviour: schema and validator checks, secrets masked on GET and kept when sent back as
// ********, the save-time test on POST and on a changed PUT (forceSave skips warnings only).
import { validate, type SchemaRegistry } from "./openapi-schema.js";
import type { FieldDefinition, ProviderDefinition } from "./provider-definitions.js";
import type { FakeAnswer, FakeRequest, FakeRoute } from "./fake-http.js";

export const maskedSecret = "********";

export interface ValidationFailure {
  readonly propertyName: string;
  readonly errorMessage: string;
  readonly isWarning?: boolean;
}

export interface StoredProvider {
  id: number;
  name: string;
  implementation: string;
  configContract: string;
  tags: number[];
  /** Top-level properties besides the common ones (enable, priority, syncLevel, ...). */
  extra: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export interface ProviderCollectionOptions {
  /** "/api/v3/downloadclient" */
  readonly basePath: string;
  readonly schemaName: string;
  readonly schemas: SchemaRegistry;
  readonly definitions: readonly ProviderDefinition[];
  /** Top-level properties of this resource and their defaults (enable, protocol, syncLevel, ...). */
  readonly extraDefaults: Readonly<Record<string, unknown>>;
  readonly enabled: (provider: StoredProvider) => boolean;
  /** The implementation's own settings rules (QBittorrentSettingsValidator, SonarrSettingsValidator). */
  readonly validateSettings: (provider: StoredProvider) => ValidationFailure[];
  /** The save-time test against the real target; failures (and warnings) as the app reports them. */
  readonly test: (provider: StoredProvider) => Promise<ValidationFailure[]>;
}

function badRequest(failures: readonly ValidationFailure[]): FakeAnswer {
  return {
    status: 400,
    body: failures.map((failure) => ({
      propertyName: failure.propertyName,
      errorMessage: failure.errorMessage,
      severity: failure.isWarning ? "warning" : "error",
      isWarning: failure.isWarning ?? false,
    })),
  };
}

function typeMatches(definition: FieldDefinition, value: unknown): boolean {
  if (value === null || value === undefined) return definition.kind === "string";
  switch (definition.kind) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "integers":
      return Array.isArray(value) && value.every((item) => Number.isInteger(item));
  }
}

export class ProviderCollection {
  readonly entries: StoredProvider[] = [];
  private nextId = 1;

  constructor(private readonly options: ProviderCollectionOptions) {}

  routes(): FakeRoute[] {
    const base = this.options.basePath;
    return [
      { method: "GET", path: base, handler: () => ({ status: 200, body: this.list() }) },
      { method: "GET", path: `${base}/schema`, handler: () => ({ status: 200, body: this.templates() }) },
      { method: "POST", path: base, handler: (request) => this.create(request) },
      { method: "GET", path: `${base}/:id`, handler: (request) => this.get(request) },
      { method: "PUT", path: `${base}/:id`, handler: (request) => this.update(request) },
      { method: "DELETE", path: `${base}/:id`, handler: (request) => this.remove(request) },
    ];
  }

  /** What GET shows of one entry: every field of its definition, secrets masked. */
  toResource(provider: StoredProvider): Record<string, unknown> {
    const definition = this.definition(provider.implementation);
    return {
      id: provider.id,
      name: provider.name,
      implementation: provider.implementation,
      implementationName: provider.implementation,
      configContract: provider.configContract,
      infoLink: `https://wiki.servarr.com/${provider.implementation.toLowerCase()}`,
      tags: provider.tags,
      ...provider.extra,
      fields: (definition?.fields ?? []).map((field, order) => {
        const value = provider.settings[field.name];
        const secret = field.privacy === "password" || field.privacy === "apiKey";
        return {
          order,
          name: field.name,
          value: secret && value !== null && value !== undefined && value !== "" ? maskedSecret : value,
          type: field.privacy === "password" ? "password" : "textbox",
          advanced: false,
          privacy: field.privacy,
          isFloat: false,
        };
      }),
    };
  }

  private list(): Record<string, unknown>[] {
    return [...this.entries]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((entry) => this.toResource(entry));
  }

  private templates(): Record<string, unknown>[] {
    return this.options.definitions.map((definition) =>
      this.toResource({
        id: 0,
        name: "",
        implementation: definition.implementation,
        configContract: definition.configContract,
        tags: [],
        extra: { ...this.options.extraDefaults },
        settings: Object.fromEntries(definition.fields.map((field) => [field.name, field.default])),
      }),
    );
  }

  private definition(implementation: string): ProviderDefinition | undefined {
    return this.options.definitions.find(
      (candidate) => candidate.implementation.toLowerCase() === implementation.toLowerCase(),
    );
  }

  private byId(request: FakeRequest): StoredProvider | undefined {
    return this.entries.find((entry) => String(entry.id) === request.params.id);
  }

  private get(request: FakeRequest): FakeAnswer {
    const entry = this.byId(request);
    return entry
      ? { status: 200, body: this.toResource(entry) }
      : { status: 404, body: { message: "NotFound" } };
  }

  private remove(request: FakeRequest): FakeAnswer {
    const index = this.entries.findIndex((entry) => String(entry.id) === request.params.id);
    if (index !== -1) this.entries.splice(index, 1);
    return { status: 200, body: {} };
  }

  /** The body as a provider (validated), or the 400 the app would give. */
  private parse(
    request: FakeRequest,
    existing: StoredProvider | undefined,
  ): { provider: StoredProvider } | { answer: FakeAnswer } {
    const body = request.body;
    const schemaErrors = validate(body, { $ref: this.options.schemaName }, this.options.schemas);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return { answer: badRequest([{ propertyName: "", errorMessage: "A JSON object body is required" }]) };
    }
    if (schemaErrors.length > 0) {
      return { answer: badRequest(schemaErrors.map((error) => ({ propertyName: "", errorMessage: error }))) };
    }
    const resource = body as Record<string, unknown>;
    const failures: ValidationFailure[] = [];
    const name = typeof resource.name === "string" ? resource.name : "";
    const implementation = typeof resource.implementation === "string" ? resource.implementation : "";
    const configContract = typeof resource.configContract === "string" ? resource.configContract : "";
    if (name.trim() === "")
      failures.push({ propertyName: "Name", errorMessage: "'Name' must not be empty." });
    const id = existing?.id ?? 0;
    if (this.entries.some((entry) => entry.name.toLowerCase() === name.toLowerCase() && entry.id !== id)) {
      failures.push({ propertyName: "Name", errorMessage: "Should be unique" });
    }
    if (implementation === "") {
      failures.push({ propertyName: "Implementation", errorMessage: "'Implementation' must not be empty." });
    }
    if (configContract === "") {
      failures.push({ propertyName: "ConfigContract", errorMessage: "'Config Contract' must not be empty." });
    }
    if (!existing && !Array.isArray(resource.fields)) {
      failures.push({ propertyName: "Fields", errorMessage: "'Fields' must not be empty." });
    }
    const definition = this.definition(implementation);
    if (implementation !== "" && definition === undefined) {
      failures.push({
        propertyName: "Implementation",
        errorMessage: `Unknown implementation ${implementation}`,
      });
    }
    if (definition && configContract !== "" && configContract !== definition.configContract) {
      failures.push({
        propertyName: "ConfigContract",
        errorMessage: `${configContract} is not ${implementation}'s contract`,
      });
    }
    if (failures.length > 0 || definition === undefined) return { answer: badRequest(failures) };

    const sent = (resource.fields ?? []) as Array<{ name?: unknown; value?: unknown }>;
    const settings: Record<string, unknown> = {};
    for (const field of definition.fields) {
      const given = sent.find((candidate) => candidate.name === field.name);
      const secret = field.privacy === "password" || field.privacy === "apiKey";
      if (given === undefined) settings[field.name] = field.default;
      else if (secret && given.value === maskedSecret && existing)
        settings[field.name] = existing.settings[field.name];
      else if (!typeMatches(field, given.value)) {
        failures.push({
          propertyName: field.name,
          errorMessage: `${field.name} must be of type ${field.kind}`,
        });
      } else settings[field.name] = given.value;
    }
    for (const given of sent) {
      if (!definition.fields.some((field) => field.name === given.name)) {
        failures.push({
          propertyName: String(given.name),
          errorMessage: `${implementation} has no setting ${String(given.name)}`,
        });
      }
    }
    if (failures.length > 0) return { answer: badRequest(failures) };
    const extra: Record<string, unknown> = {};
    for (const [key, fallback] of Object.entries(this.options.extraDefaults)) {
      extra[key] = resource[key] ?? existing?.extra[key] ?? fallback;
    }
    const tags = Array.isArray(resource.tags) ? (resource.tags as number[]) : [];
    return {
      provider: {
        id,
        name,
        implementation: definition.implementation,
        configContract,
        tags,
        extra,
        settings,
      },
    };
  }

  private async validated(
    request: FakeRequest,
    provider: StoredProvider,
    runTest: boolean,
  ): Promise<FakeAnswer | undefined> {
    const forceSave = request.query.get("forceSave") === "true";
    const enabled = this.options.enabled(provider);
    const rules = enabled ? this.options.validateSettings(provider) : [];
    const tests = enabled && runTest && rules.length === 0 ? await this.options.test(provider) : [];
    const blocking = [...rules, ...tests].filter((failure) => !failure.isWarning || !forceSave);
    return blocking.length > 0 ? badRequest(blocking) : undefined;
  }

  private async create(request: FakeRequest): Promise<FakeAnswer> {
    const parsed = this.parse(request, undefined);
    if ("answer" in parsed) return parsed.answer;
    const refused = await this.validated(request, parsed.provider, true);
    if (refused) return refused;
    const stored = { ...parsed.provider, id: this.nextId++ };
    this.entries.push(stored);
    return { status: 201, body: this.toResource(stored) };
  }

  private async update(request: FakeRequest): Promise<FakeAnswer> {
    const existing = this.byId(request);
    if (!existing) return { status: 404, body: { message: "NotFound" } };
    const parsed = this.parse(request, existing);
    if ("answer" in parsed) return parsed.answer;
    const changed = JSON.stringify({ ...parsed.provider }) !== JSON.stringify({ ...existing });
    const refused = await this.validated(request, parsed.provider, changed);
    if (refused) return refused;
    Object.assign(existing, parsed.provider);
    return { status: 202, body: this.toResource(existing) };
  }
}
