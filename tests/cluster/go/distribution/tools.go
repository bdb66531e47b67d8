//go:build tools

// Package tools pins github.com/distribution/distribution/v3/cmd/registry; build.sh compiles it from this module.
package tools

import _ "github.com/distribution/distribution/v3/cmd/registry"
