//go:build tools

// Package tools pins github.com/rhysd/actionlint/cmd/actionlint; build.sh compiles it from this module.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
