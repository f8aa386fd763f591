#!/bin/sh
# Sets up the Postgres server for Daily Papers on Debian (run as root). Debian's Postgres has no
# pgvector and needs none: vectors live in plain columns and the search indexes are in-process.
set -eu
apt-get install -y postgresql
# A role that owns its database; the application creates its tables itself (migrations at start).
su postgres -c "createuser --pwprompt dailypapers"
su postgres -c "createdb --owner dailypapers --encoding UTF8 --template template0 dailypapers"
# Web nodes on other machines: listen beyond loopback and allow their network, with passwords.
#   /etc/postgresql/*/main/postgresql.conf:  listen_addresses = '*'
#   /etc/postgresql/*/main/pg_hba.conf:      host dailypapers dailypapers 10.0.0.0/24 scram-sha-256
# Each node opens up to 10 connections, each CLI command a few: keep max_connections (default
# 100) above 10 x nodes + 20.
systemctl restart postgresql
