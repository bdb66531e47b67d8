//go:build tools

// Package tools pins sigs.k8s.io/kwok/cmd/kwok for the local test cluster; build.sh compiles it from this module.
package tools

import _ "sigs.k8s.io/kwok/cmd/kwok"
