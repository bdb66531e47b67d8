//go:build tools

// Package tools keeps sigs.k8s.io/gateway-api required so `go mod download` fetches its CRDs.
package tools

import _ "sigs.k8s.io/gateway-api/apis/v1"
