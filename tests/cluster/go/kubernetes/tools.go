//go:build tools

// Package tools pins the Kubernetes commands the local test cluster runs (kubelet and kube-proxy for
// the opt-in real node); build.sh compiles each with `go build` from this module so every version
// comes from go.mod.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
)
