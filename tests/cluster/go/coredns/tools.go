//go:build tools

// Package tools pins github.com/coredns/coredns for the real node's cluster DNS; build.sh compiles it from this module.
package tools

import _ "github.com/coredns/coredns"
