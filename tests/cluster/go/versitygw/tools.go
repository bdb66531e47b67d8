//go:build tools

// Package tools pins github.com/versity/versitygw/cmd/versitygw for the S3 integration tests; build.sh compiles it from this module.
package tools

import _ "github.com/versity/versitygw/cmd/versitygw"
