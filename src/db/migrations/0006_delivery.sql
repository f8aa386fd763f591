-- Delivery: email subscribers (double opt-in), topics (saved searches), follows, and the digest
-- outbox. The outbox is the source of truth for "was this digest sent": one row per
-- (subscriber, period), so enqueueing twice or two schedulers at once can never make two digests.

create table subscribers (
  id integer generated always as identity primary key,
  email text not null,
  user_id integer references users (id) on delete set null,
  status text not null default 'pending'
    check (status in ('pending', 'confirmed', 'unsubscribed', 'suspended')),
  frequency text not null default 'daily' check (frequency in ('daily', 'weekly')),
  send_hour integer not null default 8 check (send_hour between 0 and 23),
  time_zone text not null default 'UTC',
  weekdays_only boolean not null default true,
  send_empty boolean not null default false,
  bounce_count integer not null default 0,
  last_bounce_at timestamptz,
  confirmed_at timestamptz,
  unsubscribed_at timestamptz,
  -- the hourly cap on confirmation mails is kept here, per address
  last_confirmation_sent_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index subscribers_email_key on subscribers (lower(email));
create unique index subscribers_user_key on subscribers (user_id) where user_id is not null;
create index subscribers_confirmed_idx on subscribers (id) where status = 'confirmed';

create table topics (
  id integer generated always as identity primary key,
  slug text not null unique,
  name text not null,
  query text not null,
  mode text not null default 'keyword' check (mode in ('keyword', 'semantic', 'hybrid')),
  -- the canonical form of (query, mode), so saving the same search twice finds the same topic
  query_key text not null unique,
  featured boolean not null default false,
  created_by integer references users (id) on delete set null,
  created_at timestamptz not null default now()
);

create table subscriber_topics (
  subscriber_id integer not null references subscribers (id) on delete cascade,
  topic_id integer not null references topics (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (subscriber_id, topic_id)
);
create index subscriber_topics_topic_idx on subscriber_topics (topic_id);

create table digest_outbox (
  id integer generated always as identity primary key,
  subscriber_id integer not null references subscribers (id) on delete cascade,
  -- 'daily:2026-11-24' or 'weekly:2026-W48', in the subscriber's time zone
  period text not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  status text not null default 'pending'
    check (status in ('pending', 'sending', 'sent', 'skipped', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- a claim is a lease: a worker that dies leaves the row to be reclaimed when it expires
  claim_token text,
  claimed_until timestamptz,
  last_error text,
  message_id text,
  sent_at timestamptz,
  created_at timestamptz not null default now(),
  unique (subscriber_id, period)
);
create index digest_outbox_pending_idx on digest_outbox (next_attempt_at) where status in ('pending', 'sending');
