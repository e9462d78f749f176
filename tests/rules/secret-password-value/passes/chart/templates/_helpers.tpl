{{/*
Return the admin password, generated when none is given. Usage:
  adminPassword: {{ include "noise.adminPassword" . }}
  e.g. adminPassword: Qx7vLm2pRt9sKw4z
*/}}
{{- define "noise.adminPassword" -}}
{{- .Values.auth.adminPassword | default (randAlphaNum 16) -}}
{{- end -}}

{{/* A template expression spanning lines: the second line is template code, not YAML. */}}
{{- define "noise.dsn" -}}
{{- printf `host=%[1]s user=%[2]s
password=%[3]s
` .Values.db.host .Values.db.user .Values.db.password -}}
{{- end -}}

{{- define "noise.env" -}}
- name: AIRFLOW__API__SECRET_KEY_CMD
  value: "cat /opt/app/secrets/secret-key"
- name: DB_PASSWORD
  value: "$(cat /run/secrets/db-password)"
- name: API_TOKEN
  value: {{ .Values.apiToken | quote }}
{{- end -}}
