{{/*
Names and labels shared by every object of the chart. Nothing else lives here: the chart only
installs the operator, all rendering of users' objects happens in the operator (TypeScript).
*/}}

{{- define "mediaplane.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-mediaplane, or the release name alone when it already contains the chart name. */}}
{{- define "mediaplane.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mediaplane.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mediaplane.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mediaplane.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mediaplane.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The Lease the replicas elect a leader with; the Role grants get/update on this name only. */}}
{{- define "mediaplane.leaseName" -}}
{{- include "mediaplane.fullname" . }}
{{- end }}
