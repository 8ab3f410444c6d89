#!/usr/bin/env bash
# The import rule (docs: ENGINEERING.md "Layers with one direction"): routes -> services -> domain
# and entities; mail below the services; jobs beside the routes as another entry point. Fails,
# naming each line, when a module reaches the wrong way.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
forbid() { # description, pattern, paths...
  local what=$1 pattern=$2; shift 2
  local hits
  hits=$(grep -rnE "$pattern" "$@" --include='*.rs' | grep -vE '^[^:]+:[0-9]+:\s*//' || true)
  if [ -n "$hits" ]; then
    echo "layers: $what:" >&2
    echo "$hits" >&2
    status=1
  fi
}
forbid "services, domain, auth and mail never import a route or a job" \
  'crate::(routes|jobs)\b|super::super::(routes|jobs)\b' src/services src/domain src/auth src/mail
forbid "the domain is pure: no database, web framework or templates" \
  '\b(sea_orm|axum|askama|tokio)::' src/domain
forbid "mail sits below the services" 'crate::services\b' src/mail
forbid "auth sits below the services and the routes" 'crate::(services|routes|views)\b' src/auth
forbid "the error type sits below everything that renders or uses it" \
  'crate::(views|services|routes|jobs|auth)\b' src/error.rs
forbid "the state sits below the services" 'crate::services\b' src/state.rs
forbid "timeline and policy do not import each other (both name milestones from domain::milestone)" \
  'super::timeline\b|domain::timeline\b' src/domain/policy.rs
forbid "routes extract, call a service and render: they run no query of their own" \
  '\bsea_orm::|Entity::|\.(one|all|exec|query_all)\(&state\.db\)' src/routes
python3 tools/module_cycles.py || status=1
[ "$status" = 0 ] && echo "layers: every import points the right way"
exit "$status"
