// The external versions a DittoServer's rendering is pinned to, in one place: the DittoFS release
// whose config.yaml shape we render, the image that waits for the database, the Percona CR version.

/** DittoFS release the config.yaml follows (pkg/config of github.com/marmos91/dittofs at this tag). */
export const DITTOFS_VERSION = "v0.29.0";

/** Default server image: the release above, as published by DittoFS's goreleaser (tag = git tag). */
export const DEFAULT_DITTOFS_IMAGE = `marmos91c/dittofs:${DITTOFS_VERSION}`;

/** Small image for the init container that waits until the database accepts TCP connections. */
export const WAIT_FOR_DATABASE_IMAGE = "busybox:1.37.0";

/**
 * PerconaPGCluster `spec.crVersion`: the Percona Operator for PostgreSQL release whose CR shape we
 * render (2.8.0 accepts `backups.enabled: false`); the installed operator must be this or newer.
 */
export const PERCONA_CR_VERSION = "2.8.0";

/** PostgreSQL major version of the Percona cluster (supported by Percona operator 2.8). */
export const PERCONA_POSTGRES_VERSION = 17;
