#!/usr/bin/env bash
# Run once by the official postgres image on an empty data directory
# (/docker-entrypoint-initdb.d/). Creates one role and one database per
# service: each service owns its database and cannot connect to the others'.
#
# Needs in the environment: CASES_DB_PASSWORD, ACTIVITIES_DB_PASSWORD,
# REPORTING_DB_PASSWORD (and the image's own POSTGRES_USER / POSTGRES_DB).
# Outside compose it can be run by hand as a superuser, for example:
#   PGHOST=db.example PGUSER=postgres POSTGRES_USER=postgres POSTGRES_DB=postgres \
#   CASES_DB_PASSWORD=… ACTIVITIES_DB_PASSWORD=… REPORTING_DB_PASSWORD=… ./init-databases.sh
set -euo pipefail

: "${CASES_DB_PASSWORD:?CASES_DB_PASSWORD is required}"
: "${ACTIVITIES_DB_PASSWORD:?ACTIVITIES_DB_PASSWORD is required}"
: "${REPORTING_DB_PASSWORD:?REPORTING_DB_PASSWORD is required}"

psql -v ON_ERROR_STOP=1 --no-psqlrc \
     --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
     -v cases_password="$CASES_DB_PASSWORD" \
     -v activities_password="$ACTIVITIES_DB_PASSWORD" \
     -v reporting_password="$REPORTING_DB_PASSWORD" <<'SQL'
CREATE ROLE hemiao_cases      LOGIN PASSWORD :'cases_password';
CREATE ROLE hemiao_activities LOGIN PASSWORD :'activities_password';
CREATE ROLE hemiao_reporting  LOGIN PASSWORD :'reporting_password';

-- Owned by the service's role, so its migrations can create tables in schema public
-- (since PostgreSQL 15 PUBLIC may no longer create there).
CREATE DATABASE hemiao_cases      OWNER hemiao_cases      ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hemiao_activities OWNER hemiao_activities ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE hemiao_reporting  OWNER hemiao_reporting  ENCODING 'UTF8' TEMPLATE template0;

REVOKE CONNECT, TEMPORARY ON DATABASE hemiao_cases      FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE hemiao_activities FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE hemiao_reporting  FROM PUBLIC;
SQL
