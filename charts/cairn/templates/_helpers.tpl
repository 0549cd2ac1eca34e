{{/*
Helpers of the Cairn chart. Ports are fixed (the image's defaults) so that every object agrees.
*/}}

{{- define "cairn.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cairn.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cairn.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Kubernetes' recommended labels. Call with (dict "root" $ "component" "git-protocol"). */}}
{{- define "cairn.labels" -}}
helm.sh/chart: {{ include "cairn.chart" .root }}
{{ include "cairn.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cairn
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "cairn.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cairn.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{/*
The services. key: their section in values; grpc: serves gRPC (port 50051); callers: the
components that call it (its NetworkPolicy admits only them); database: its entry under
postgresql.databases; events: uses the event log.
*/}}
{{- define "cairn.components" -}}
git-protocol:
  key: gitProtocol
  grpc: false
  database: ""
  events: true
api-gateway:
  key: apiGateway
  grpc: false
  database: ""
  events: true
policy:
  key: policy
  grpc: true
  callers: [git-protocol, api-gateway, repo-metadata]
  database: policy
  events: false
repo-metadata:
  key: repoMetadata
  grpc: true
  callers: [git-protocol, api-gateway, pull-requests]
  database: repoMetadata
  events: true
pull-requests:
  key: pullRequests
  grpc: true
  callers: [api-gateway]
  database: pullRequests
  events: true
audit:
  key: audit
  grpc: true
  callers: [api-gateway]
  database: audit
  events: true
metrics:
  key: platformMetrics
  grpc: false
  database: platformMetrics
  events: true
{{- end }}

{{- define "cairn.ports" -}}
grpc: 50051
metrics: 9464
http: 8080
api: 8081
ssh: 2222
{{- end }}

{{- define "cairn.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "cairn.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cairn.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* git-storage's own account: only it may read nodes (for their zone labels). */}}
{{- define "cairn.storageServiceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- printf "%s-git-storage" (include "cairn.serviceAccountName" .) }}
{{- else }}
{{- include "cairn.serviceAccountName" . }}
{{- end }}
{{- end }}

{{/* Object names. */}}
{{- define "cairn.keysSecret" -}}
{{- default (printf "%s-keys" (include "cairn.fullname" .)) .Values.keys.existingSecret }}
{{- end }}
{{- define "cairn.adminSecret" -}}
{{- printf "%s-admin-credentials" (include "cairn.fullname" .) }}
{{- end }}
{{- define "cairn.bootstrapConfigMap" -}}
{{- printf "%s-bootstrap" (include "cairn.fullname" .) }}
{{- end }}
{{- define "cairn.postgresqlSecret" -}}
{{- printf "%s-postgresql" (include "cairn.fullname" .) }}
{{- end }}
{{- define "cairn.storageHeadless" -}}
{{- printf "%s-git-storage-headless" (include "cairn.fullname" .) }}
{{- end }}

{{/* Addresses services use to reach each other (same namespace: short names). */}}
{{- define "cairn.grpcAddress" -}}
{{- printf "%s-%s:%d" (include "cairn.fullname" .root) .component 50051 }}
{{- end }}
{{- define "cairn.storageAddress" -}}
{{- printf "%s-git-storage:%d" (include "cairn.fullname" .) 50051 }}
{{- end }}

{{- define "cairn.eventLogUrl" -}}
{{- $url := printf "kafka://%s" (join "," .Values.kafka.brokers) }}
{{- if .Values.kafka.topic }}
{{- $url = printf "%s?topic=%s" $url (.Values.kafka.topic | urlquery) }}
{{- end }}
{{- $url }}
{{- end }}

{{- define "cairn.publicHttpUrl" -}}
{{- if .Values.publicUrl.http }}
{{- .Values.publicUrl.http | trimSuffix "/" }}
{{- else }}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host }}
{{- end }}
{{- end }}

{{- define "cairn.sshHost" -}}
{{- default .Values.ingress.host .Values.ssh.host }}
{{- end }}

{{- define "cairn.publicSshUrl" -}}
{{- if .Values.publicUrl.ssh }}
{{- .Values.publicUrl.ssh | trimSuffix "/" }}
{{- else if eq (int .Values.ssh.service.port) 22 }}
{{- printf "ssh://%s" (include "cairn.sshHost" .) }}
{{- else }}
{{- printf "ssh://%s:%d" (include "cairn.sshHost" .) (int .Values.ssh.service.port) }}
{{- end }}
{{- end }}

{{/*
PostgreSQL connection of one service: CAIRN_DATABASE_URL without the password, PGPASSWORD from
a Secret (node-postgres reads it when the URL has none, so no password is ever spelled in a URL).
Call with (dict "root" $ "db" "policy").
*/}}
{{- define "cairn.databaseEnv" -}}
{{- $pg := .root.Values.postgresql }}
{{- $db := index $pg.databases .db }}
{{- $params := list }}
{{- if eq $pg.tls.mode "disable" }}
{{- $params = append $params "sslmode=disable" }}
{{- else if eq $pg.tls.mode "require" }}
{{- $params = append $params "sslmode=require&uselibpqcompat=true" }}
{{- else }}
{{- $params = append $params "sslmode=verify-full" }}
{{- if $pg.tls.caSecret }}
{{- $params = append $params (printf "sslrootcert=/etc/cairn/postgresql-ca/%s" $pg.tls.caKey) }}
{{- end }}
{{- end }}
- name: CAIRN_DATABASE_URL
  value: {{ printf "postgres://%s@%s:%d/%s?%s" $db.username (required "postgresql.host is required: the PostgreSQL server Cairn's services use" $pg.host) (int $pg.port) $db.database (join "&" $params) | quote }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
{{- if $db.password }}
      name: {{ include "cairn.postgresqlSecret" .root }}
      key: {{ .db }}-password
{{- else }}
      name: {{ required (printf "postgresql.databases.%s: set existingSecret or password" .db) $db.existingSecret }}
      key: {{ $db.passwordKey }}
{{- end }}
- name: CAIRN_DATABASE_POOL_SIZE
  value: {{ $pg.poolSize | quote }}
{{- end }}

{{/* Environment every service gets. */}}
{{- define "cairn.commonEnv" -}}
- name: CAIRN_BIND_HOST
  value: "0.0.0.0"
- name: CAIRN_GRPC_PORT
  value: "50051"
- name: CAIRN_METRICS_PORT
  value: "9464"
{{- if .root.Values.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .root.Values.otel.endpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .root.Values.otel.protocol | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "cairn-%s" .component | quote }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- $attributes := list "k8s.pod.name=$(POD_NAME)" "k8s.namespace.name=$(POD_NAMESPACE)" (printf "service.version=%s" .root.Chart.AppVersion) }}
{{- range $name, $value := .root.Values.otel.resourceAttributes }}
{{- $attributes = append $attributes (printf "%s=%s" $name $value) }}
{{- end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ join "," $attributes | quote }}
{{- end }}
{{- end }}

{{/* Environment of one service (its config.ts lists what it reads). */}}
{{- define "cairn.serviceEnv" -}}
{{- $root := .root }}
{{- $fullname := include "cairn.fullname" $root }}
{{- $component := .component }}
{{- $spec := index (fromYaml (include "cairn.components" $root)) $component }}
{{- if $spec.database }}
{{ include "cairn.databaseEnv" (dict "root" $root "db" $spec.database) | trim }}
{{- end }}
{{- if $spec.events }}
- name: CAIRN_EVENT_LOG_URL
  value: {{ include "cairn.eventLogUrl" $root | quote }}
{{- end }}
{{- if eq $component "git-protocol" }}
- name: CAIRN_HTTP_HOST
  value: "0.0.0.0"
- name: CAIRN_HTTP_PORT
  value: "8080"
# TLS ends at the Ingress (or in front of it); inside the cluster the NetworkPolicies fence the port.
- name: CAIRN_TLS_TERMINATED
  value: "1"
- name: CAIRN_TRUSTED_PROXIES
  value: {{ $root.Values.ingress.trustedProxies | quote }}
- name: CAIRN_POLICY_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "policy") | quote }}
- name: CAIRN_METADATA_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "repo-metadata") | quote }}
- name: CAIRN_STORAGE_ADDR
  value: {{ include "cairn.storageAddress" $root | quote }}
- name: CAIRN_API_GATEWAY_URL
  value: {{ printf "http://%s-api-gateway:8081" $fullname | quote }}
- name: CAIRN_MAX_PUSH_BYTES
  value: {{ $root.Values.gitProtocol.maxPushBytes | int64 | quote }}
{{- if $root.Values.ssh.enabled }}
- name: CAIRN_SSH_PORT
  value: "2222"
- name: CAIRN_SSH_HOST_KEY_FILE
  value: /etc/cairn/keys/ssh_host_ed25519_key
{{- end }}
{{- else if eq $component "api-gateway" }}
- name: CAIRN_API_HOST
  value: "0.0.0.0"
- name: CAIRN_API_PORT
  value: "8081"
- name: CAIRN_TRUSTED_PROXIES
  value: {{ $root.Values.ingress.trustedProxies | quote }}
- name: CAIRN_POLICY_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "policy") | quote }}
- name: CAIRN_METADATA_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "repo-metadata") | quote }}
- name: CAIRN_PULL_REQUESTS_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "pull-requests") | quote }}
- name: CAIRN_AUDIT_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "audit") | quote }}
- name: CAIRN_API_MAX_BODY_BYTES
  value: {{ $root.Values.apiGateway.maxBodyBytes | int64 | quote }}
{{- else if eq $component "policy" }}
- name: CAIRN_REGION
  value: {{ $root.Values.region | quote }}
- name: CAIRN_MASTER_KEY_FILE
  value: /etc/cairn/keys/master.key
{{- else if eq $component "repo-metadata" }}
- name: CAIRN_POLICY_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "policy") | quote }}
- name: CAIRN_STORAGE_ADDR
  value: {{ include "cairn.storageAddress" $root | quote }}
- name: CAIRN_PUBLIC_HTTP_URL
  value: {{ include "cairn.publicHttpUrl" $root | quote }}
- name: CAIRN_PUBLIC_SSH_URL
  value: {{ include "cairn.publicSshUrl" $root | quote }}
- name: CAIRN_WEBHOOK_SECRET_FILE
  value: /etc/cairn/keys/webhook-signing.key
{{- if $root.Values.kafka.streams }}
- name: CAIRN_STREAM_KAFKA_BROKERS
  value: {{ join "," $root.Values.kafka.brokers | quote }}
{{- end }}
- name: CAIRN_MAX_REPOSITORIES
  value: {{ $root.Values.repoMetadata.maxRepositories | int64 | quote }}
- name: CAIRN_WEBHOOK_MAX_ATTEMPTS
  value: {{ $root.Values.repoMetadata.webhooks.maxAttempts | int64 | quote }}
- name: CAIRN_WEBHOOK_RETRY_BASE_MS
  value: {{ $root.Values.repoMetadata.webhooks.retryBaseMs | int64 | quote }}
{{- else if eq $component "pull-requests" }}
- name: CAIRN_METADATA_ADDR
  value: {{ include "cairn.grpcAddress" (dict "root" $root "component" "repo-metadata") | quote }}
- name: CAIRN_STORAGE_ADDR
  value: {{ include "cairn.storageAddress" $root | quote }}
- name: CAIRN_MAX_OPEN_PULL_REQUESTS
  value: {{ $root.Values.pullRequests.maxOpenPullRequests | int64 | quote }}
{{- else if eq $component "audit" }}
- name: CAIRN_AUDIT_RETENTION_DAYS
  value: {{ $root.Values.audit.retentionDays | int64 | quote }}
{{- end }}
{{- end }}

{{/* Key files a service reads from the keys Secret (mounted read-only at /etc/cairn/keys). */}}
{{- define "cairn.keyFiles" -}}
{{- if eq .component "policy" }}master.key{{ end }}
{{- if eq .component "repo-metadata" }}webhook-signing.key{{ end }}
{{- if and (eq .component "git-protocol") .root.Values.ssh.enabled }}ssh_host_ed25519_key{{ end }}
{{- end }}

{{/* Probes: the metrics port's /healthz answers once the service has started (database open, bootstrap done). */}}
{{- define "cairn.livenessProbes" -}}
startupProbe:
  httpGet:
    path: /healthz
    port: metrics
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 60
livenessProbe:
  httpGet:
    path: /healthz
    port: metrics
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{/* Spread over zones and nodes when the user gave no constraints of their own. */}}
{{- define "cairn.topologySpread" -}}
{{- $values := index .root.Values .key }}
{{- if $values.topologySpreadConstraints }}
{{- toYaml $values.topologySpreadConstraints }}
{{- else }}
- maxSkew: 1
  topologyKey: topology.kubernetes.io/zone
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "cairn.selectorLabels" . | nindent 6 }}
- maxSkew: 1
  topologyKey: kubernetes.io/hostname
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- include "cairn.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}

{{/* The /tmp volume every container gets (root filesystems are read-only). */}}
{{- define "cairn.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 1Gi
{{- end }}

{{/* A NetworkPolicy peer that is one component of this release. */}}
{{- define "cairn.peer" -}}
- podSelector:
    matchLabels:
      {{- include "cairn.selectorLabels" . | nindent 6 }}
{{- end }}

{{/* The init Job's pod (templates/init-job.yaml); a helper so the Job's name can hash it. */}}
{{- define "cairn.initPodSpec" -}}
{{- $root := .root }}
{{- $policy := dict "root" $root "component" "policy" }}
# OnFailure restarts the container in the same pod: a bootstrap file written before a crash
# (in the emptyDir) survives for the next attempt to publish.
restartPolicy: OnFailure
serviceAccountName: {{ .account }}
automountServiceAccountToken: true
enableServiceLinks: false
securityContext:
  {{- toYaml $root.Values.podSecurityContext | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: cluster-init
    image: {{ include "cairn.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    args: ["cluster-init"]
    securityContext:
      {{- toYaml $root.Values.containerSecurityContext | nindent 6 }}
    env:
      {{- include "cairn.commonEnv" $policy | nindent 6 }}
      {{- include "cairn.databaseEnv" (dict "root" $root "db" "policy") | trim | nindent 6 }}
      - name: CAIRN_REGION
        value: {{ $root.Values.region | quote }}
      - name: CAIRN_KEYS_SECRET
        value: {{ include "cairn.keysSecret" $root | quote }}
      - name: CAIRN_KEYS_GENERATE
        value: {{ ternary "false" "true" (not (empty $root.Values.keys.existingSecret)) | quote }}
      - name: CAIRN_ADMIN_SECRET
        value: {{ include "cairn.adminSecret" $root | quote }}
      - name: CAIRN_BOOTSTRAP_CONFIGMAP
        value: {{ include "cairn.bootstrapConfigMap" $root | quote }}
      - name: CAIRN_PUBLIC_HTTP_URL
        value: {{ include "cairn.publicHttpUrl" $root | quote }}
      - name: CAIRN_PUBLIC_SSH_PORT
        value: {{ $root.Values.ssh.service.port | int64 | quote }}
      - name: CAIRN_OBJECT_LABELS
        value: {{ include "cairn.selectorLabels" (dict "root" $root) | fromYaml | toJson | quote }}
      - name: CAIRN_INIT_WORK_DIR
        value: /tmp/cairn-init
    resources:
      {{- toYaml $root.Values.initJob.resources | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      {{- if $root.Values.postgresql.tls.caSecret }}
      - name: postgresql-ca
        mountPath: /etc/cairn/postgresql-ca
        readOnly: true
      {{- end }}
volumes:
  {{- include "cairn.tmpVolume" $policy | nindent 2 }}
  {{- if $root.Values.postgresql.tls.caSecret }}
  - name: postgresql-ca
    secret:
      secretName: {{ $root.Values.postgresql.tls.caSecret }}
      defaultMode: 0444
      items:
        - key: {{ $root.Values.postgresql.tls.caKey }}
          path: {{ $root.Values.postgresql.tls.caKey }}
  {{- end }}
{{- end }}
