-- A new API token is shown once, on the settings page the creating POST redirects to (so a
-- refresh neither creates another nor shows it again). Until that page is read, the token waits
-- here sealed (AES-GCM) under a key derived from the creating session's cookie, which is
-- itself stored only as a hash: a leaked table opens nothing. Read once, then deleted.
create table api_token_reveals (
  token_id integer primary key references api_tokens (id) on delete cascade,
  session_lookup text not null,
  sealed text not null,
  expires_at timestamptz not null
);
create index api_token_reveals_session_idx on api_token_reveals (session_lookup);
