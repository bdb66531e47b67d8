// The real node's sandbox ("pause") process, built by build.sh --real-node; no dependencies.
module mediaplane.local/tests/cluster/pause

go 1.26.0
