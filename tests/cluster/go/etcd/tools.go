//go:build tools

// Package tools pins go.etcd.io/etcd/server/v3 for the local test cluster; build.sh compiles it from this module.
package tools

import _ "go.etcd.io/etcd/server/v3"
