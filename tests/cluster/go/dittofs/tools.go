//go:build tools

// Package tools pins github.com/marmos91/dittofs/cmd/dfs for the real-server config test; build.sh compiles it from this module.
package tools

import _ "github.com/marmos91/dittofs/cmd/dfs"
