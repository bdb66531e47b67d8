// The parts of the Sonarr/Radarr v3 and Prowlarr v1 resources the wiring writes, as their OpenAPI
// specs name them (DownloadClientResource, ApplicationResource, RootFolderResource, Field, ...).

/** A provider setting: `{ name, value }`; GET answers mask password and API key values as ********. */
export interface ProviderField {
  readonly name: string;
  readonly value?: unknown;
  readonly privacy?: "normal" | "password" | "apiKey" | "userName";
}

/** What DownloadClientResource, ApplicationResource and IndexerResource share. */
export interface ProviderResource {
  readonly id?: number;
  readonly name: string;
  readonly implementation: string;
  readonly configContract: string;
  readonly fields: readonly ProviderField[];
  readonly tags?: readonly number[];
  readonly [property: string]: unknown;
}

export interface RootFolderResource {
  readonly id?: number;
  readonly path: string;
  readonly accessible?: boolean;
}

/** MediaManagementConfigResource: only the field the wiring sets is named; the rest is sent back as read. */
export interface MediaManagementConfig {
  readonly id: number;
  readonly copyUsingHardlinks: boolean;
  readonly [property: string]: unknown;
}

/** The value the apps put in place of a password or API key in every GET answer. */
export const maskedSecret = "********";
