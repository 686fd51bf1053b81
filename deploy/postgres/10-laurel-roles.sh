#!/bin/sh
# Runs once, when the postgres container initialises an empty data volume (docker-entrypoint-initdb.d):
# one LOGIN role per domain service, owner of its own schema and of nothing else. The services connect as
# these roles (docker-compose.yml); the superuser `laurel` is only for operators.
# For a volume made before this script existed, run it once by hand:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-laurel-roles.sh
set -eu
: "${POSTGRES_USER:=laurel}" "${POSTGRES_DB:=laurel}"
: "${LAUREL_NOMINATIONS_DB_PASSWORD:?}" "${LAUREL_JURY_DB_PASSWORD:?}" "${LAUREL_ANNOUNCEMENTS_DB_PASSWORD:?}" "${LAUREL_VOTE_DB_PASSWORD:?}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v nominations_pw="$LAUREL_NOMINATIONS_DB_PASSWORD" \
  -v jury_pw="$LAUREL_JURY_DB_PASSWORD" \
  -v announcements_pw="$LAUREL_ANNOUNCEMENTS_DB_PASSWORD" \
  -v vote_pw="$LAUREL_VOTE_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I', r) FROM unnest(ARRAY['laurel_nominations', 'laurel_jury', 'laurel_announcements', 'laurel_vote']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE laurel_nominations WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'nominations_pw';
ALTER ROLE laurel_jury WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'jury_pw';
ALTER ROLE laurel_announcements WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'announcements_pw';
ALTER ROLE laurel_vote WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'vote_pw';
SELECT format('GRANT CONNECT ON DATABASE %I TO laurel_nominations, laurel_jury, laurel_announcements, laurel_vote', current_database()) \gexec
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()) \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS nominations AUTHORIZATION laurel_nominations;
CREATE SCHEMA IF NOT EXISTS jury AUTHORIZATION laurel_jury;
CREATE SCHEMA IF NOT EXISTS announcements AUTHORIZATION laurel_announcements;
CREATE SCHEMA IF NOT EXISTS vote AUTHORIZATION laurel_vote;
ALTER SCHEMA nominations OWNER TO laurel_nominations;
ALTER SCHEMA jury OWNER TO laurel_jury;
ALTER SCHEMA announcements OWNER TO laurel_announcements;
ALTER SCHEMA vote OWNER TO laurel_vote;
SQL
