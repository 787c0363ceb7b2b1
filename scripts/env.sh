# Embedded defaults for every setting; any of them may be overridden from the environment.
# Sourced by the run, chat and test scripts.
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
export PYTHONHASHSEED=0
export MUNICIPALITY="${MUNICIPALITY:-het-hogeland}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///var/assistant.db}"
export TRACKER_STORE_URL="${TRACKER_STORE_URL:-sqlite:///var/tracker.db}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export CONSOLE_PORT="${CONSOLE_PORT:-8080}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:${RASA_PORT}}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTIONS_PORT}/webhook}"
export CONSOLE_URL="${CONSOLE_URL:-http://127.0.0.1:${CONSOLE_PORT}}"
export ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-http://127.0.0.1:${CONSOLE_PORT},http://localhost:${CONSOLE_PORT}}"
export TELEGRAM_TOKEN="${TELEGRAM_TOKEN:-}"
export TELEGRAM_SECRET="${TELEGRAM_SECRET:-}"
export TELEGRAM_PUBLIC_URL="${TELEGRAM_PUBLIC_URL:-}"
export TELEGRAM_API_BASE="${TELEGRAM_API_BASE:-}"
export WHATSAPP_TOKEN="${WHATSAPP_TOKEN:-}"
export WHATSAPP_APP_SECRET="${WHATSAPP_APP_SECRET:-}"
export WHATSAPP_VERIFY_TOKEN="${WHATSAPP_VERIFY_TOKEN:-}"
export WHATSAPP_PHONE_NUMBER_ID="${WHATSAPP_PHONE_NUMBER_ID:-}"
export WHATSAPP_API_BASE="${WHATSAPP_API_BASE:-}"
# Addresses of reverse proxies whose X-Forwarded-For is believed (comma-separated; empty: none).
export TRUSTED_PROXIES="${TRUSTED_PROXIES:-}"
# Databases, logs and tokens under var/ hold personal data or secrets: only this user may read them.
umask 077
mkdir -p var
chmod 700 var
# Servers of scripts/ensure-postgres.sh / ensure-redis.sh run as their own users when we are root
# and must keep passing through var/ (enter only, never list; the files inside stay 0600/0700).
if [ -f var/postgres.opened ] || [ -f var/redis.opened ]; then chmod 711 var; fi
# Tokens: from the environment, else a random one kept in var/ (mode 0600), never on a command line.
secret() {  # secret VAR file
  local name="$1" file="var/$2"
  if [ -z "${!name:-}" ]; then
    [ -s "$file" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(32))' > "$file"
    chmod 600 "$file"
    printf -v "$name" '%s' "$(cat "$file")"
  fi
  export "$name"
}
secret RASA_API_TOKEN rasa_api_token
secret REST_TOKEN rest_token
secret ACTION_SERVER_TOKEN action_server_token
