//go:build tools

// Package tools pins helm.sh/helm/v3/cmd/helm for the local test cluster; build.sh compiles it from this module.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
